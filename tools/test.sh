#!/usr/bin/env bash
# The course's test suite: notebooks and package in sync, notebooks clean, every notebook re-run by nbval in
# test mode, then pytest tests/. Does all set-up first, and ends with a table of where the time went.
set -euo pipefail
cd "$(dirname "$0")/.."
phases=()
t_start=$(date +%s); t_last=$t_start
# phase NAME: close the running phase under NAME (the table prints at exit, also after a failure)
phase() { local now; now=$(date +%s); phases+=("$(printf '%-34s %6d' "$1" $(( now - t_last )))"); t_last=$now; }
table() {
  echo "== time by phase (seconds)"
  printf '%s\n' "${phases[@]}"
  printf '%-34s %6d\n' "total, set-up included" $(( $(date +%s) - t_start ))
}
trap table EXIT

bash tools/setup.sh
source .venv/bin/activate
# TL_OFFLINE=1: the suite touches no network (hub, ImageNet URLs, connection probes); online paths are tested mocked
export TL_MODE=test TL_OFFLINE=1 MPLBACKEND=agg PYTHONUNBUFFERED=1
phase "set-up (venv, data, browser)"

echo "== 0/4 tl-course doctor: what this machine has"
tl-course doctor
phase "0 doctor"

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
phase "1-2 export and clean checks"

echo "== 3/4 nbval: every notebook, test mode"
python -m pytest --nbval-lax --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg --nbval-cell-timeout=900 \
  -p no:cacheprovider \
  --durations=15 -q nbs/ "$@"
phase "3 nbval (notebooks, test mode)"

echo "== 4/4 pytest tests/"
python -m pytest -q -p no:cacheprovider --durations=10 tests/ "$@"
phase "4 pytest tests/"
