"""The `tl-course` console command, as installed (the script pip wrote from [project.scripts])."""
import os, subprocess, sys
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent/"tl-course"

def tl(*args, cwd=ROOT, **env):
    return subprocess.run([str(EXE), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})

def test_help_lists_every_command():
    r = tl("--help")
    assert r.returncode == 0, r.stderr
    for cmd in ("lab", "run", "doctor", "prepare", "docs"): assert cmd in r.stdout

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
    assert r.stdout.startswith("data: Fashion-MNIST in ")
    for arch in ("resnet18", "vgg16"): assert f"source {arch}: " in r.stdout and ".safetensors" in r.stdout
    r = tl("doctor", TL_MODE="test")
    assert "ok    source resnet18" in r.stdout and "ok    source vgg16" in r.stdout, r.stdout
