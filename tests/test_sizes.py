"""Every lesson size chosen with `sized`: its value in test mode, in default mode on a CPU and on a GPU.

The lessons decide how big to run in one place each (`NAME = sized(test=…, cpu=…, gpu=…)`). This test finds every such
call with literal arguments in the lesson notebooks, evaluates it in the three settings (the GPU one by making the
device resolver answer "cuda", so it runs on machines without one), prints the table, and checks each value against
what the call asks for — in particular that `gpu=None` ("all of it") really gives None on a GPU.
"""
import ast, json
from pathlib import Path
from unittest.mock import patch
import torch
from tl_course import core
from tl_course.core import mode, sized

ROOT = Path(__file__).resolve().parents[1]

def _sized_calls(node, name):
    "(name, call) for each `sized(...)` call that `node` (an assigned value) is or holds."
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "sized": yield name, node
    elif isinstance(node, ast.Tuple):
        for i, v in enumerate(node.elts): yield from _sized_calls(v, f"{name}[{i}]")
    elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "dict":
        for k in node.keywords: yield from _sized_calls(k.value, f"{name}.{k.arg}")

def lesson_sizes():
    "(lesson, assigned name, positional and keyword arguments) of every literal `sized(...)` call in the lessons."
    for nb in sorted((ROOT/"nbs").glob("1*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code": continue
            try: tree = ast.parse("".join(cell["source"]))
            except SyntaxError: continue     # a cell with shell or magic lines holds no sizes
            for node in ast.walk(tree):
                if not isinstance(node, ast.Assign): continue
                for name, call in _sized_calls(node.value, ast.unparse(node.targets[0])):
                    try:
                        args = [ast.literal_eval(a) for a in call.args]
                        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
                    except ValueError: continue  # arguments computed from other values: not a constant
                    yield nb.stem, name, args, kwargs

def _expected(args, kwargs):
    "What the call asks for in each setting: (test, cpu, gpu); gpu left out means the CPU value."
    given = dict(zip(["test", "cpu", "gpu"], args), **kwargs)
    return given["test"], given["cpu"], given.get("gpu", given["cpu"])

def test_lesson_sizes_in_three_settings(capsys):
    rows = list(lesson_sizes())
    lessons = {lesson for lesson, *_ in rows}
    assert {"10_feature_extraction", "11_fine_tuning", "12_bert_text_classification"} <= lessons, lessons
    table = [f"{'lesson':<30} {'constant':<22} {'test':>14} {'default, CPU':>20} {'default, GPU':>24}"]
    for lesson, name, args, kwargs in rows:
        with mode("test"): t = sized(*args, **kwargs)
        with mode("default"):
            c = sized(*args, **kwargs, device="cpu")
            with patch.object(core, "get_device", lambda device=None: torch.device("cuda")):
                g = sized(*args, **kwargs)
        assert (t, c, g) == _expected(args, kwargs), (lesson, name, (t, c, g))
        table.append(f"{lesson:<30} {name:<22} {t!s:>14} {c!s:>20} {g!s:>24}")
    with capsys.disabled(): print("\n" + "\n".join(table))
    nones = [(lesson, name) for lesson, name, args, kwargs in rows if kwargs.get("gpu", 0) is None]
    assert nones, "no lesson asks for 'all of it' on a GPU any more: update this test"
