"""The shape of the package's code: small functions, short lines, one statement per line, every public name documented;
and short lines, one statement per line, in every notebook's code cells.

These are the habits the course asks of itself (STYLE: small functions composed into larger ones, a one-line
docstring on each). The module header nbdev writes (docstring and `__all__`) is generated and not checked.
"""
import ast, json
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p for p in (ROOT/"tl_course").rglob("*.py") if p.name not in ("_modidx.py", "__init__.py"))
LONGEST = {"fit": 50}   # the one training loop may be a little longer than the rest
MAX_LINES, MAX_WIDTH = 40, 120

NOTEBOOKS = sorted((ROOT/"nbs").glob("*.ipynb"))

def _tree(path): return ast.parse(path.read_text(encoding="utf-8"))

def _shared_lines(tree) -> set:
    "Line numbers that hold more than one statement of the same block (`a; b`, or `if x: a; b`)."
    shared = set()
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody", "handlers"):
            body = getattr(node, field, None)
            stmts = [s for s in body if isinstance(s, ast.stmt)] if isinstance(body, list) else []
            lines = [s.lineno for s in stmts]
            shared |= {line for line in lines if lines.count(line) > 1}
    return shared

def _code_cells(nb):
    "(cell id, its code with IPython's `%` and `!` lines blanked) for every code cell of notebook `nb`."
    for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
        if c["cell_type"] == "code":
            src = "".join(c["source"])
            yield c["id"], "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in src.split("\n"))

def _header_end(tree) -> int:
    "The last line of the generated header: the module docstring and `__all__`."
    end = 0
    for node in tree.body[:3]:
        is_doc = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        is_all = isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets)
        if is_doc or is_all: end = node.end_lineno
    return end

@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT/"tl_course").as_posix())
def test_functions_are_short(path):
    long = [(n.name, n.end_lineno - n.lineno + 1) for n in ast.walk(_tree(path))
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.end_lineno - n.lineno + 1 > LONGEST.get(n.name, MAX_LINES)]
    assert not long, f"{path.name}: functions over {MAX_LINES} lines (split them into documented helpers): {long}"

@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT/"tl_course").as_posix())
def test_lines_are_short(path):
    start = _header_end(_tree(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    wide = [i for i, line in enumerate(lines, 1) if i > start and len(line) > MAX_WIDTH]
    assert not wide, f"{path.name}: lines over {MAX_WIDTH} characters: {wide}"

@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT/"tl_course").as_posix())
def test_one_statement_per_line(path):
    shared = _shared_lines(_tree(path))
    assert not shared, f"{path.name}: several statements on one line (`a; b`): lines {sorted(shared)}"

@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_is_short_lines_one_statement_each(nb):
    wide, shared = [], []
    for cid, code in _code_cells(nb):
        wide += [(cid, i) for i, line in enumerate(code.split("\n"), 1) if len(line) > MAX_WIDTH]
        shared += [(cid, i) for i in sorted(_shared_lines(ast.parse(code)))]
    assert not wide, f"{nb.name}: code lines over {MAX_WIDTH} characters (cell id, line): {wide}"
    assert not shared, f"{nb.name}: several statements on one line (cell id, line): {shared}"

def test_the_notebook_checks_see_what_they_check():
    code = "x = 1; y = 2\nif x: a = 1; b = 2\nz = 3"
    assert _shared_lines(ast.parse(code)) == {1, 2}
    assert len(NOTEBOOKS) >= 20

@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT/"tl_course").as_posix())
def test_public_names_have_docstrings(path):
    tree = _tree(path)
    missing = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
               and not n.name.startswith("_") and not ast.get_docstring(n)]
    assert not missing, f"{path.name}: public functions or classes without a docstring: {missing}"
