"""pytest configuration shared by the notebook suite (nbval over nbs/) and tests/.

nbdev-clean strips every `execution_count` from the notebooks, and nbval then refuses any cell whose stored
outputs have no count ("Unrun reference cell has outputs"). The stored outputs are still the reference we want,
so we give such cells a placeholder count once, here, instead of keeping counts in every notebook.

Cells whose source carries the `#| gpu` flag run only where CUDA is present; CPU runs skip them.
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
