"""pytest configuration shared by the notebook suite (nbval over nbs/) and tests/.

What the notebook suite (`pytest --nbval-lax --nbval-sanitize-with nbval_sanitize.cfg nbs/`, in tools/test.sh)
checks, in test mode (TL_MODE=test):

- Every code cell runs, in order, in one kernel per notebook, and must not raise. The assertions in the cells
  are the tests; most cells print nothing that is compared.
- Outputs are compared only for cells marked `# NBVAL_CHECK_OUTPUT` (the first line, or the line after the cell's
  `#|` directives, such as `#| code-fold: true` on a collapsed solution): their text outputs (stdout and
  stderr streams, text/plain, text/markdown, ...) must equal the stored ones after both have gone through the regex/replace pairs
  of nbval_sanitize.cfg (absolute paths, timings, memory addresses). Only cells whose output does not depend on
  the mode, the machine, timing or randomness carry the marker. No other stored output is compared (lax mode).
- Never compared: images (PNG/JPEG), widget state (progress bars), metadata, execution counts, tracebacks.
- Cells whose source carries the `#| gpu` flag run only where CUDA is present; CPU runs skip them.
- The export cell at the end of each library notebook (`nbdev.nbdev_export()`, nbdev's convention) is not run
  (deselected, and counted as such): the test command checked before the suite that exporting changes nothing,
  and exporting again inside the suite would rewrite `tl_course/` while the other worker imports it, and make
  the site build re-read every page (autodoc depends on the modules' files).

The lessons' stored outputs come from a default-mode run (they show full-size results); a test-mode run prints
other numbers, which is why unmarked cells are not compared. The library notebooks store outputs only where they
are mode-independent (the marked cells, and figures).

nbdev-clean strips every `execution_count`, and nbval refuses a cell that has stored outputs but no count
("Unrun reference cell has outputs"), so below such cells get a placeholder count once, here, instead of keeping
counts in every notebook.
"""
import re
import pytest

_GPU_FLAG = re.compile(r"^\s*#\|\s*gpu\b", re.M)
_EXPORT_CELL = re.compile(r"^(\s*#\|[^\n]*\n)*\s*(import nbdev\s*[;\n]\s*)?nbdev\.nbdev_export\(\)\s*$")

# The longest notebooks and test modules (seconds in test mode, measured), started first so that the two workers
# end together; the rest keep their order (pytest-xdist runs with --no-loadscope-reorder, see tools/test.sh).
_LONGEST_FIRST = ("nbs/11_fine_tuning.ipynb", "nbs/15_scaling_out.ipynb", "tests/test_docs_browser.py",
                  "nbs/14_domain_adaptation.ipynb", "tests/test_cli.py", "tests/test_distributed.py", "tests/test_train.py")

def _scope_rank(item) -> int:
    "Where `item`'s notebook or module comes in the suite's order: the longest first."
    scope = item.nodeid.split("::", 1)[0]
    return _LONGEST_FIRST.index(scope) if scope in _LONGEST_FIRST else len(_LONGEST_FIRST)

def is_export_cell(source:str) -> bool:
    "True for a cell that only runs nbdev's export (`#|` directives, optionally `import nbdev`, `nbdev.nbdev_export()`)."
    return bool(_EXPORT_CELL.match(source))

def _cuda() -> bool:
    try:
        import torch
        return torch.cuda.is_available()
    except Exception:
        return False

def pytest_collection_modifyitems(config, items):
    has_cuda = None
    export = [i for i in items if getattr(i, "cell", None) is not None and is_export_cell(i.cell.get("source", ""))]
    if export:
        config.hook.pytest_deselected(items=export)
        items[:] = [i for i in items if i not in export]
    items.sort(key=_scope_rank)   # stable: cells and tests keep their order within a notebook or module
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None: continue
        if cell.get("outputs") and cell.get("execution_count") is None:
            cell["execution_count"] = 0
        if _GPU_FLAG.search(cell.get("source", "")):
            if has_cuda is None: has_cuda = _cuda()
            if not has_cuda: item.add_marker(pytest.mark.skip(reason="GPU-only cell (#| gpu) and no CUDA device"))
