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

def _cuda() -> bool:
    try:
        import torch
        return torch.cuda.is_available()
    except Exception:
        return False

def pytest_collection_modifyitems(config, items):
    has_cuda = None
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None: continue
        if cell.get("outputs") and cell.get("execution_count") is None:
            cell["execution_count"] = 0
        if _GPU_FLAG.search(cell.get("source", "")):
            if has_cuda is None: has_cuda = _cuda()
            if not has_cuda: item.add_marker(pytest.mark.skip(reason="GPU-only cell (#| gpu) and no CUDA device"))
