#!/usr/bin/env bash
# The course's test suite: notebooks and package in sync, notebooks clean, every notebook re-run by nbval in
# test mode, then pytest tests/. Does all set-up first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
source .venv/bin/activate
export TL_MODE=test MPLBACKEND=agg PYTHONUNBUFFERED=1
start=$(date +%s)

echo "== 0/4 tl-course doctor: what this machine has"
tl-course doctor

snap() { find "$@" -type f \( -name '*.py' -o -name '*.ipynb' \) -not -path '*/.ipynb_checkpoints/*' -print0 | sort -z | xargs -0 sha256sum; }

echo "== 1/4 notebooks and tl_course/ in sync (nbdev-export changes nothing)"
before=$(snap tl_course); nbdev-export; after=$(snap tl_course)
if [ "$before" != "$after" ]; then
  diff <(echo "$before") <(echo "$after") || true
  echo "FAIL: tl_course/ was out of sync with nbs/: run nbdev-export and commit the result."; exit 1
fi

echo "== 2/4 notebooks clean (nbdev-clean changes nothing)"
before=$(snap nbs); nbdev-clean; after=$(snap nbs)
if [ "$before" != "$after" ]; then
  diff <(echo "$before") <(echo "$after") || true
  echo "FAIL: notebooks were not clean: run nbdev-clean and commit the result."; exit 1
fi

echo "== 3/4 nbval: every notebook, test mode"
python -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=900 -p no:cacheprovider \
  --durations=15 -q nbs/ "$@"

echo "== 4/4 pytest tests/"
python -m pytest -q -p no:cacheprovider --durations=10 tests/ "$@"

echo "test suite wall time: $(( $(date +%s) - start )) s (plus set-up)"
