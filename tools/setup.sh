#!/usr/bin/env bash
# Set up everything the course and its tests need, on a fresh machine or an existing checkout:
# a local virtual environment (.venv) with the package installed editable with its extras, and Fashion-MNIST.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
# Reinstall only when the dependency list changed (hash of pyproject.toml). pip compiles the packages' bytecode one file
# at a time; compileall does the same on every core (imports need it: PYTHONDONTWRITEBYTECODE may be set). Python
# 3.12-only files in some packages (torch's tests) do not compile under 3.11, so its exit status is not checked; pip's
# own step skips them the same way. Of transformers' ~560 model folders only the four the course imports (BERT and
# what the auto classes load with it) are compiled: the rest took 9 s and are never imported (any other model still
# works: Python compiles it when it is imported).
stamp=.venv/.tl_course-installed
skip_compile='transformers/models/(?!(auto|bert|align|encoder_decoder)/)'
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing tl_course[dev] into .venv (first time: a few minutes)"
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q --no-compile -e ".[dev]" \
         && { .venv/bin/python -m compileall -q -j 0 -x "$skip_compile" .venv/lib/python3*/site-packages >/dev/null 2>&1 || true; }; } >"$log" 2>&1; then
    grep -v "^WARNING: Location" "$log" | tail -30; echo "setup: pip install failed (see above)"; exit 1
  fi
  echo "$want" > "$stamp"
fi

# Fashion-MNIST, offline first: Debian's package if we may install it, else the course downloads it when online.
if ! .venv/bin/python -c "from tl_course.data import find_fashion_mnist as f; f(download=False)" >/dev/null 2>&1; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian's dataset-fashion-mnist"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; } >"$log" 2>&1 \
      || { tail -20 "$log"; echo "setup: apt-get failed"; exit 1; }
  else
    .venv/bin/python -c "from tl_course.data import find_fashion_mnist as f; print('setup: Fashion-MNIST in', f())"
  fi
fi
# Chromium for the browser tests (the offline website, JupyterLab): Debian's package, driven by Playwright
# (which never downloads a browser of its own). TL_CHROMIUM may name another Chrome/Chromium binary.
if [ -z "${TL_CHROMIUM:-}" ] && ! command -v chromium >/dev/null && ! command -v google-chrome >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian's chromium (for the browser tests)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1 \
      || { tail -20 "$log"; echo "setup: apt-get install chromium failed"; exit 1; }
  else
    echo "setup: no Chromium found: the browser tests need one (sudo apt-get install chromium, or set TL_CHROMIUM)"
  fi
fi
echo "setup: ready ($(.venv/bin/python -c 'import torch,sys; print(f"python {sys.version.split()[0]}, torch {torch.__version__}")'))"
