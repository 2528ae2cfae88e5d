"""The canonical (nbdev + Quarto) docs route: configuration that Quarto will read, checked without Quarto,
which these machines cannot install. Nothing here pretends Quarto ran."""
import fnmatch, shutil, subprocess, sys, tomllib
from pathlib import Path
import yaml
from tl_course.tools.course import course_notebooks

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/"nbs"

def test_nbdev_yml_is_what_nbdev_writes(tmp_path):
    # nbdev-docs rewrites nbs/nbdev.yml from pyproject.toml; the committed file must already be that output
    shutil.copy(ROOT/"pyproject.toml", tmp_path); (tmp_path/"nbs").mkdir()
    for f in ("_quarto.yml", "nbdev.yml"): shutil.copy(NBS/f, tmp_path/"nbs"/f)
    r = subprocess.run([sys.executable, "-c", "from nbdev.quarto import refresh_quarto_yml; refresh_quarto_yml()"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (tmp_path/"nbs"/"nbdev.yml").read_text() == (NBS/"nbdev.yml").read_text(), "run refresh_quarto_yml and commit nbs/nbdev.yml"
    assert (tmp_path/"nbs"/"_quarto.yml").read_text() == (NBS/"_quarto.yml").read_text(), "nbdev must leave our _quarto.yml alone"

def test_quarto_sidebar_has_the_offline_sites_sections_for_every_notebook(tmp_path):
    q = yaml.safe_load((NBS/"_quarto.yml").read_text())
    assert "nbdev.yml" in q["metadata-files"]
    assert q["format"]["html"]["html-math-method"] and "code-tools" in q["format"]["html"]
    contents = q["website"]["sidebar"]["contents"]
    assert contents[0] == "index.ipynb"
    sidebar = {c["section"]: c["contents"] for c in contents[1:]}
    assert list(sidebar) == ["Library", "Tools", "Lessons"]
    # the same notebook lands in the same section on both sites: today's notebooks and names still to come
    names = {p.name for p in NBS.glob("[0-9]*.ipynb")}
    names |= {"04_weights.ipynb", "05_features.ipynb", "06_text.ipynb", "07_course.ipynb", "09_cli.ipynb", "19_x.ipynb"}
    for n in names: (tmp_path/n).write_text("{}")
    offline = course_notebooks(tmp_path)
    assert list(offline) == list(sidebar), offline.keys()
    for sec, nbs in offline.items():
        for nb in nbs:
            hits = [s for s, g in sidebar.items() if fnmatch.fnmatch(nb.name, g)]
            assert hits == [sec], f"{nb.name}: in sidebar sections {hits}, in the offline site's {sec}"
    assert [p.name for p in offline["Tools"]] == ["07_course.ipynb", "08_docsite.ipynb", "09_cli.ipynb"]
    # our sidebar lives in _quarto.yml, so nbdev must not generate a sidebar.yml of its own
    assert tomllib.loads((ROOT/"pyproject.toml").read_text())["tool"]["nbdev"]["custom_sidebar"] is True

def test_workflows_run_the_readme_test_command_and_publish_the_nbdev_site():
    test = yaml.safe_load((ROOT/".github/workflows/test.yaml").read_text())
    steps = test["jobs"]["test"]["steps"]
    assert any(s.get("run") == "bash tools/test.sh" for s in steps)
    assert "bash tools/test.sh" in (ROOT/"README.md").read_text()
    deploy = yaml.safe_load((ROOT/".github/workflows/deploy.yaml").read_text())
    runs = [s.get("run", "") for s in deploy["jobs"]["deploy"]["steps"]]
    assert "nbdev-docs" in runs and "tl-course docs" in runs
    pub = next(s for s in deploy["jobs"]["deploy"]["steps"] if "gh-pages" in s.get("uses", ""))
    assert pub["with"]["publish_dir"] == "./_docs" == "./" + yaml.safe_load((NBS/"nbdev.yml").read_text())["project"]["output-dir"]
