"""The headline table of the index page (and so of the README) quotes each lesson's printed `Headline:` line."""
import json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.stem for p in (ROOT/"nbs").glob("1[0-9]_*.ipynb"))

def _stored_headline(stem):
    "The text after 'Headline: ' in the lesson's stored outputs (the last one if it prints several)."
    found = []
    for cell in json.loads((ROOT/"nbs"/f"{stem}.ipynb").read_text())["cells"]:
        for out in cell.get("outputs", []):
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            found += re.findall(r"^Headline: (.+)$", text, re.M)
    return found[-1] if found else None

def _table_rows(text):
    "{lesson stem: headline cell} of the lesson table in a Markdown text."
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^\| `(1\d_\w+)` \|(.*)\|\s*$", line)
        if m: rows[m.group(1)] = m.group(2).split("|")[-1].strip()
    return rows

def test_every_lesson_stores_a_headline():
    assert len(LESSONS) == 7
    for stem in LESSONS: assert _stored_headline(stem), f"{stem} has no stored 'Headline:' output: run it (tl-course run)"

def test_index_and_readme_tables_quote_the_stored_headlines():
    cells = json.loads((ROOT/"nbs"/"index.ipynb").read_text())["cells"]
    index = "\n".join("".join(cell["source"]) for cell in cells)
    for name, text in [("nbs/index.ipynb", index), ("README.md", (ROOT/"README.md").read_text())]:
        rows = _table_rows(text)
        assert sorted(rows) == LESSONS, f"{name}: the lesson table lists {sorted(rows)}"
        for stem in LESSONS:
            assert rows[stem] == _stored_headline(stem), (
                f"{name}, {stem}: the table says {rows[stem]!r} but the lesson printed {_stored_headline(stem)!r}; "
                "copy the lesson's headline into the index table and run tools/readme.py")
