"""Render nbs/index.ipynb to README.md (markdown cells and visible code cells; `#| hide` cells dropped).

nbdev's own `nbdev-readme` needs Quarto; this does the same job with nbconvert so README.md can be checked
and rebuilt anywhere. `python tools/readme.py --check` fails if README.md is stale.
"""
import re, sys
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parents[1]
_DIRECTIVE = re.compile(r"^\s*#\s*\|.*$\n?", re.M)

def render(nb_path=ROOT/"nbs"/"index.ipynb") -> str:
    nb = nbformat.read(nb_path, as_version=4)
    parts = []
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == "markdown": parts.append(src.strip())
        elif cell.cell_type == "code" and not re.search(r"^\s*#\s*\|\s*hide", src, re.M):
            code = _DIRECTIVE.sub("", src).strip()
            if code: parts.append(f"```python\n{code}\n```")
    text = "\n\n".join(p for p in parts if p) + "\n"
    return "<!-- generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file -->\n\n" + text

if __name__ == "__main__":
    out = render()
    if "--check" in sys.argv:
        if (ROOT/"README.md").read_text() != out: sys.exit("README.md is stale: run `python tools/readme.py`.")
    else: (ROOT/"README.md").write_text(out)
