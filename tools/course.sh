#!/usr/bin/env bash
# Run the whole course in default mode: every notebook, in order, outputs saved, then a summary table;
# then clean the notebooks, regenerate README.md and build the offline website (_site/).
# Does all set-up first. Extra arguments go to `tl-course run` (e.g. notebook names, --mode test, --no-save);
# with none it runs every notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
source .venv/bin/activate
tl-course run "$@"
nbdev-clean
python tools/readme.py
echo "== offline website"
tl-course docs
echo "The nbdev (Quarto) site is built by \`nbdev-docs\` where Quarto is installed (the GitHub workflow does it)."
