"""`tl-course advise` as a user runs it: a folder of images and a CSV of texts the tests make, in test mode, and one
clear error for each kind of bad input, with nothing written outside --out."""
import json
import numpy as np
import pytest
from PIL import Image
from tl_course.tools.cli import main

@pytest.fixture(autouse=True)
def test_mode(monkeypatch): monkeypatch.setenv("TL_MODE", "test")

def _images(root, counts):
    "A folder of small coloured PNGs, `counts[c]` of class c."
    g = np.random.default_rng(0)
    for k, (c, n) in enumerate(counts.items()):
        (root/c).mkdir(parents=True)
        for i in range(n):
            px = np.clip(np.full((12, 12, 3), 60 * k + 30) + g.normal(0, 15, (12, 12, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(px).save(root/c/f"{i}.png")
    return root

def _texts(path, n=6, text="text"):
    "A CSV of `n` texts per class for three classes, each class with its own words."
    words = {"games": "chess board puzzle", "sound": "audio midi mixer", "science": "physics chemistry lab"}
    rows = [f"{text},label"] + [f"a {w.split()[i % 3]} tool number {i},{c}" for c, w in words.items() for i in range(n)]
    path.write_text("\n".join(rows) + "\n")
    return path

def _files(root): return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))

def test_images_end_to_end(tmp_path, capsys):
    data = _images(tmp_path/"shapes", {"red": 6, "green": 6, "blue": 6})
    assert main(["advise", str(data), "--repeats", "2", "--out", str(tmp_path/"report")]) == 0
    out = capsys.readouterr().out
    assert "Recommendation:" in out and "frozen features" in out and "report:" in out
    res = json.loads((tmp_path/"report"/"results.json").read_text())
    assert set(res["results"]) == {"frozen features", "fine-tuning", "from scratch"}
    assert all(len(r["runs"]) == 2 for r in res["results"].values())
    assert {"report.md", "accuracy.png", "curves.png"} <= set(_files(tmp_path/"report"))
    before = _files(tmp_path)
    assert main(["advise", str(data), "--repeats", "2", "--out", str(tmp_path/"report")]) == 2
    assert "already holds files" in capsys.readouterr().err
    assert _files(tmp_path) == before                             # the earlier report is untouched

def test_texts_end_to_end(tmp_path, capsys):
    data = _texts(tmp_path/"t.csv", text="body")
    assert main(["advise", str(data), "--text-column", "body", "--repeats", "2", "--out", str(tmp_path/"r")]) == 0
    res = json.loads((tmp_path/"r"/"results.json").read_text())
    assert set(res["results"]) == {"TF-IDF", "frozen MiniLM features", "fine-tuned MiniLM"}
    assert res["results"]["TF-IDF"]["tuned"] == "C"

@pytest.mark.parametrize("make, args, message", [
    (lambda d: _images(d/"one", {"only": 6}), [], "one class only"),
    (lambda d: _images(d/"few", {"a": 6, "b": 2}), [], "needs at least 3"),
    (lambda d: (d/"empty").mkdir() or d/"empty", [], "has no class folders"),
    (lambda d: _texts(d/"t.csv"), ["--text-column", "review"], "no column 'review'"),
    (lambda d: _images(d/"ok", {"a": 6, "b": 6}), ["--minutes", "0.001"], "too small for one split"),
    (lambda d: d/"missing", [], "does not exist"),
])
def test_bad_input_one_clear_error_nothing_written(tmp_path, capsys, make, args, message):
    data = make(tmp_path)
    before = _files(tmp_path)
    assert main(["advise", str(data), "--out", str(tmp_path/"out"), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tl-course: error: ") and message in err and err.count("\n") == 1, err
    assert [f for f in _files(tmp_path) if not f.startswith("out")] == before   # nothing outside --out
