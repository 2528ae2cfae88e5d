"""Run every notebook of the course headlessly, in order, saving outputs, and print a summary table.

Usage: python tools/course.py [--mode default|test] [--no-save] [NOTEBOOK ...]
"""
import argparse, json, os, sys, tempfile, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]

def notebooks(names=()):
    nbs = sorted(p for p in (ROOT/"nbs").glob("[0-9]*.ipynb"))
    if names: nbs = [p for p in nbs if any(n in p.name for n in names)]
    return nbs

def run_one(path, mode, save, timeout=3600):
    hl = Path(tempfile.mkstemp(suffix=".jsonl")[1])
    os.environ.update(TL_MODE=mode, TL_HEADLINES=str(hl), MPLBACKEND="module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    t0, err = time.perf_counter(), None
    try: client.execute()
    except Exception as e: err = f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"
    secs = time.perf_counter() - t0
    if save and err is None: nbformat.write(nb, path)
    heads = [json.loads(l)["headline"] for l in hl.read_text().splitlines() if l.strip()]
    hl.unlink()
    return secs, ("; ".join(heads) or "-"), err

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*"); ap.add_argument("--mode", default="default", choices=["default", "test"])
    ap.add_argument("--no-save", action="store_true")
    a = ap.parse_args()
    rows, failed = [], False
    nbs = notebooks(a.names)
    for i, p in enumerate(nbs, 1):
        print(f"[{i}/{len(nbs)}] {p.name} ({a.mode} mode) …", flush=True)
        secs, head, err = run_one(p, a.mode, not a.no_save)
        print(f"      {'FAILED: ' + err if err else 'done'} in {secs:.0f} s", flush=True)
        rows.append((p.name, secs, head if not err else f"FAILED: {err}")); failed |= err is not None
    w = max(len(r[0]) for r in rows)
    print(f"\n{'notebook':<{w}}  {'seconds':>8}  headline\n{'-'*w}  {'-'*8}  {'-'*40}")
    for n, s, h in rows: print(f"{n:<{w}}  {s:8.0f}  {h}")
    print(f"{'total':<{w}}  {sum(r[1] for r in rows):8.0f}")
    sys.exit(1 if failed else 0)

if __name__ == "__main__": main()
