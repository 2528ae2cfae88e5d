#!/usr/bin/env bash
# Run the whole course in default mode: every notebook, in order, outputs saved, then a summary table.
# Does all set-up first. Extra arguments go to tools/course.py (e.g. a notebook name, --mode test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
source .venv/bin/activate
python tools/course.py "$@"
nbdev-clean
python tools/readme.py
