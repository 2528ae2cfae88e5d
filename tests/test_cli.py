"""The `tl-course` console command: the script pip wrote from [project.scripts], and its `main`.

Most tests call `main` in this process (what the script runs, without starting Python and torch again for every
command); the ones that need the installed script or a separate environment run it as a subprocess."""
import contextlib, io, os, subprocess, sys
from pathlib import Path
from types import SimpleNamespace
import nbformat
from tl_course.tools.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent/"tl-course"

def tl_script(*args, cwd=ROOT, **env):
    "Run the installed `tl-course` script in a subprocess, with `env` added."
    return subprocess.run([str(EXE), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TL_OFFLINE": "1", **env})   # the suite touches no network

def tl(*args, cwd=ROOT, **env):
    "Run `tl-course ARGS` through its `main` in this process, with `env` added (then restored): returncode, stdout, stderr."
    out, err, saved, here = io.StringIO(), io.StringIO(), dict(os.environ), os.getcwd()
    os.environ.update({"TL_OFFLINE": "1", **env}); os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try: code = main(list(args))
            except SystemExit as e: code = e.code or 0      # argparse's --help and usage errors
    finally:
        os.environ.clear(); os.environ.update(saved); os.chdir(here)
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())

def test_help_lists_every_command():
    r = tl_script("--help")      # the installed script itself
    assert r.returncode == 0, r.stderr
    for cmd in ("lab", "run", "doctor", "prepare", "docs"): assert cmd in r.stdout
    assert "--check" in tl("run", "--help").stdout and "--online" in tl("prepare", "--help").stdout

def test_doctor_report():
    r = tl("doctor")
    print(r.stdout)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    assert all(l.split()[0] in ("ok", "warn", "FAIL") for l in lines), lines
    got = {l[6:22].strip() for l in lines}
    for name in ("torch", "device", "precision", "data", "cache", "network", "BERT model"): assert name in got, name

def test_doctor_offline_says_so():
    r = tl("doctor", TL_OFFLINE="1")
    assert "offline by choice (TL_OFFLINE=1)" in r.stdout

NO_SOCKETS = """
import socket, sys
def refuse(*a, **k): raise AssertionError(f"a connection was tried: {a}")
socket.create_connection = refuse
socket.socket.connect = refuse
from tl_course.tools.cli import main
sys.exit(main(["doctor"]))
"""

def test_doctor_opens_no_connection_with_tl_offline():
    r = subprocess.run([sys.executable, "-c", NO_SOCKETS], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "TL_OFFLINE": "1"})
    assert r.returncode == 0 and "a connection was tried" not in r.stdout + r.stderr, r.stdout + r.stderr
    assert "offline by choice (TL_OFFLINE=1)" in r.stdout

def test_errors_are_one_line_with_the_fix(tmp_path):
    r = tl("run", "no_such_lesson")
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "use a number or name from 00_core" in r.stderr
    r = tl("run", "all", "--nbs", str(tmp_path/"missing"))
    assert r.returncode == 2 and "does not exist" in r.stderr

def test_run_prints_the_table_with_headlines(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os\nfrom tl_course.core import report_headline\nreport_headline(f\"ran in {os.environ['TL_MODE']} mode\")")])
    nbformat.write(nb, tmp_path/"10_tiny.ipynb")
    r = tl("run", "10", "--mode", "test", "--nbs", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "10_tiny" in r.stdout and "ran in test mode" in r.stdout and "total" in r.stdout
    assert nbformat.read(tmp_path/"10_tiny.ipynb", as_version=4).cells[0].outputs   # outputs saved

def test_run_with_no_names_runs_every_notebook_in_order(tmp_path):
    cells = {"10_b": "from tl_course.core import report_headline\nreport_headline('b ran')", "00_a": "x = 1"}
    for name, src in cells.items():
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src)]), tmp_path/f"{name}.ipynb")
    r = tl("run", "--mode", "test", "--no-save", "--nbs", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.index("[1/2] 00_a.ipynb") < r.stdout.index("[2/2] 10_b.ipynb")
    table = r.stdout.split("\n\n", 1)[1].splitlines()
    assert [l.split()[0] for l in table] == ["notebook", "--------", "00_a", "10_b", "total"], table
    assert table[3].endswith("b ran")

def test_course_script_calls_the_command():
    # one runner: tools/course.sh calls `tl-course run`, with no second argument parser beside it
    assert not (ROOT/"tools"/"course.py").exists()
    lines = (ROOT/"tools"/"course.sh").read_text().splitlines()
    assert 'tl-course run "$@"' in lines and "nbdev-clean" in lines and "tl-course docs" in lines

def test_prepare_caches_the_source_models():
    # test-mode recipes: the nbval run of 03_models has usually cached them already; if not, this pretrains them
    r = tl("prepare", "--mode", "test")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("data: cached (Fashion-MNIST in ") or r.stdout.startswith("data: ok ("), r.stdout
    for arch in ("resnet18", "vgg16"): assert f"source {arch}: " in r.stdout and ".safetensors" in r.stdout
    r = tl("doctor", TL_MODE="test")
    assert "ok    source resnet18" in r.stdout and "ok    source vgg16" in r.stdout, r.stdout

def test_prepare_online_while_offline_reports_each_asset_and_exits_0(tmp_path):
    # TL_OFFLINE=1: nothing is fetched (and no connection is tried); empty TORCH_HOME and HF cache, so nothing is cached
    # a subprocess: the Hugging Face cache location is read when its library is imported
    r = tl_script("prepare", "--mode", "test", "--online", TL_OFFLINE="1", TORCH_HOME=str(tmp_path/"torch"),
           HF_HOME=str(tmp_path/"hf"), HF_HUB_CACHE=str(tmp_path/"hf"/"hub"))
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    for name in ("ImageNet resnet18", "ImageNet vgg16", "bert-base-uncased"):
        line = next(l for l in lines if l.startswith(name + ": "))
        assert line.startswith(f"{name}: not fetched (offline: connect and run `tl-course prepare --online`"), line
    assert lines[0].startswith("data: cached (") and "source resnet18: cached (" in r.stdout, r.stdout
    assert "exit status 0 when only online assets are missing" in " ".join(tl("prepare", "--help").stdout.split()).lower()

def _lesson(folder, code):
    "A one-cell lesson notebook `10_tiny.ipynb` in `folder` that prints a headline made by `code`."
    src = f"import os\nfrom tl_course.core import report_headline\nreport_headline({code})"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src)]), folder/"10_tiny.ipynb")

def test_run_check_compares_headline_numbers_without_saving(tmp_path):
    # stored outputs come from a run in test mode; the re-run prints 0.81 (within 0.02) and 130 (5 %: 6.5 of 130)
    _lesson(tmp_path, "'acc 0.80 vs 0.70, 130 images' if 'STORE' in os.environ else 'acc 0.81 vs 0.70, 136 images'")
    assert tl("run", "10", "--mode", "test", "--nbs", str(tmp_path), STORE="1").returncode == 0
    stored = (tmp_path/"10_tiny.ipynb").read_text()
    assert "Headline: acc 0.80 vs 0.70, 130 images" in stored
    r = tl("run", "10", "--check", "--mode", "test", "--nbs", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    rows = [l.strip() for l in r.stdout.splitlines() if l.strip().startswith(("agree", "differ"))]
    assert rows == ["agree   #1: stored 0.8, now 0.81 (tolerance 0.02)", "agree   #2: stored 0.7, now 0.7 (tolerance 0.02)",
                    "agree   #3: stored 130.0, now 136.0 (tolerance 6.5)"], r.stdout
    assert (tmp_path/"10_tiny.ipynb").read_text() == stored, "--check does not save"

def test_run_check_exits_1_when_a_number_differs(tmp_path):
    _lesson(tmp_path, "'acc 0.80 ± 0.01' if 'STORE' in os.environ else 'acc 0.83'")
    assert tl("run", "10", "--mode", "test", "--nbs", str(tmp_path), STORE="1").returncode == 0
    r = tl("run", "10", "--check", "--mode", "test", "--nbs", str(tmp_path))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "differ  #1: stored 0.8, now 0.83 (tolerance 0.01)" in r.stdout and "0 of 1 headline numbers agree" in r.stdout

def test_run_check_without_stored_headline_says_what_to_do(tmp_path):
    _lesson(tmp_path, "'acc 0.80'")
    r = tl("run", "10", "--check", "--mode", "test", "--nbs", str(tmp_path))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "run the lesson with `tl-course run LESSON` first" in r.stderr
