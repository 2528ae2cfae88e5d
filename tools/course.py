"""Run every notebook of the course headlessly, in order, saving outputs, and print a summary table.

Usage: python tools/course.py [--mode default|test] [--no-save] [NOTEBOOK ...]

The implementation is the package's (`tl_course.cli.run_course`, also `tl-course run`); this keeps the old
entry point working.
"""
import argparse, sys
from tl_course.cli import main

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*"); ap.add_argument("--mode", default="default", choices=["default", "test"])
    ap.add_argument("--no-save", action="store_true")
    a = ap.parse_args()
    sys.exit(main(["run", *(a.names or ["all"]), "--mode", a.mode] + (["--no-save"] if a.no_save else [])))
