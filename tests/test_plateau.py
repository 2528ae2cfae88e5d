"""Lesson 11's stored run compares arms at their plateau: each arm's B-valid curves end flat, within the arm's own noise."""
import json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^plateau check: (\d+) labels/class, (.+?): last step ([+-]\d\.\d+), seed-to-seed sd (\d\.\d+)$", re.M)

def _stored_text(stem):
    "All stored text outputs of a notebook, joined."
    cells = json.loads((ROOT/"nbs"/f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))

def plateau_rows(text):
    "(budget, arm, last step, seed-to-seed sd) for every 'plateau check' line of `text`."
    return [(int(b), arm, float(step), float(sd)) for b, arm, step, sd in LINE.findall(text)]

def test_plateau_rows_parse():
    rows = plateau_rows("plateau check: 10 labels/class, full, one phase: last step -0.0040, seed-to-seed sd 0.0213\n")
    assert rows == [(10, "full, one phase", -0.004, 0.0213)]

def test_lesson_11_curves_end_flat():
    rows = plateau_rows(_stored_text("11_fine_tuning"))
    assert {arm for _, arm, _, _ in rows} == {"scratch", "frozen", "last block", "full", "full, one phase"}, rows
    assert len({b for b, _, _, _ in rows}) >= 2, "every budget of the stored run is checked"
    rising = [(b, arm, step, sd) for b, arm, step, sd in rows if abs(step) > sd]
    assert not rising, f"curves whose last two B-valid points differ by more than the arm's seed-to-seed noise: {rising}"
