#!/usr/bin/env bash
# The course's test suite: notebooks and package in sync, notebooks clean, then every notebook re-run by nbval in
# test mode and pytest tests/, in one session on two workers. Does all set-up first, ends with a table of the time.
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

snap() { find "$@" -type f \( -name '*.py' -o -name '*.ipynb' \) -not -path '*/.ipynb_checkpoints/*' -print0 | sort -z | xargs -0 sha256sum; }

echo "== 1/3 notebooks and tl_course/ in sync (nbdev-export changes nothing)"
kept=$(mktemp -d); cp -a tl_course "$kept/"
before=$(snap tl_course); nbdev-export; after=$(snap tl_course)
# nbdev-export rewrites every module; give the unchanged ones back their times, or the site build's cache (autodoc
# depends on the modules' files) would re-read every page
(cd "$kept" && find tl_course -type f) | while read -r f; do
  if cmp -s "$kept/$f" "$f"; then touch -r "$kept/$f" "$f"; fi
done
rm -rf "$kept"
if [ "$before" != "$after" ]; then
  diff <(echo "$before") <(echo "$after") || true
  echo "FAIL: tl_course/ was out of sync with nbs/: run nbdev-export and commit the result."; exit 1
fi

# The doctor's report is made beside the clean check and the source models (it mostly waits on imports, one core),
# once nbdev-export has finished rewriting the modules it imports; printed after them, and a failing doctor still
# fails the command.
doctor_out=$(mktemp)
tl-course doctor >"$doctor_out" 2>&1 & doctor_pid=$!

echo "== 2/3 notebooks clean (nbdev-clean changes nothing)"
before=$(snap nbs); nbdev-clean; after=$(snap nbs)
if [ "$before" != "$after" ]; then
  diff <(echo "$before") <(echo "$after") || true
  echo "FAIL: notebooks were not clean: run nbdev-clean and commit the result."; exit 1
fi
phase "1-2 export and clean checks"

# Test-mode source models, once, before the workers start (else two notebooks could pretrain the same one at once)
echo "== source models (test mode): cached, or pretrained now (first run only)"
tl-course prepare
echo "== 0/3 tl-course doctor: what this machine has"
doctor_status=0; wait "$doctor_pid" || doctor_status=$?
cat "$doctor_out"; rm -f "$doctor_out"
if [ "$doctor_status" != 0 ]; then echo "FAIL: tl-course doctor exited $doctor_status"; exit 1; fi
phase "source models (test mode), doctor"

# Notebooks and tests/ in one pytest session on two workers (pytest-xdist): each notebook runs whole, in order, in
# one kernel on one worker (--dist loadscope); each test module likewise. One torch thread per worker, so the two
# workers share the cores instead of fighting over them; single-threaded work (kernels starting, the site build,
# pip, the browser) overlaps with the other worker's training. The longest notebooks and modules start first
# (their order is in conftest.py; --no-loadscope-reorder keeps it), so that the two workers finish together.
# OMP_WAIT_POLICY=PASSIVE: a torch thread that waits for the others of its team sleeps instead of spinning. A process
# that starts more threads than its share (lesson 15's launches, two threads each) then leaves the cores to the other
# worker instead of spinning on them: lesson 15's launches took 69 s beside a busy core, 30 s with it (fp32 path).
workers=${TL_TEST_WORKERS:-2}
echo "== 3/3 nbval (every notebook, test mode) and pytest tests/, $workers workers"
OMP_NUM_THREADS=$(( $(nproc) / workers > 0 ? $(nproc) / workers : 1 )) OMP_WAIT_POLICY=PASSIVE \
python -m pytest -n "$workers" --dist loadscope --no-loadscope-reorder \
  --nbval-lax --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg --nbval-cell-timeout=900 \
  -p no:cacheprovider --durations=20 -q nbs/ tests/ "$@"
phase "3 nbval + tests/ ($workers workers)"
