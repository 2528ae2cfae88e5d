"""The text corpus ships with the package and matches its datasheet."""
import hashlib, re, subprocess, sys, zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT/"tl_course"/"data_files"

def test_datasheet_checksum_matches_the_file_and_the_loader():
    sha = hashlib.sha256((DATA/"debian_sections.jsonl.gz").read_bytes()).hexdigest()
    sheet = (DATA/"debian_sections.md").read_text()
    assert re.search(rf"\*\*sha256\*\* `{sha}`", sheet), "the datasheet's sha256 is not the file's: regenerate both with tools/make_text_corpus.py"
    from tl_course.text import DEBIAN_SECTIONS_SHA256
    assert DEBIAN_SECTIONS_SHA256 == sha, "tl_course.text.DEBIAN_SECTIONS_SHA256 is not the file's sha256"

def test_wheel_ships_the_corpus(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    names = zipfile.ZipFile(next(tmp_path.glob("tl_course-*.whl"))).namelist()
    assert "tl_course/data_files/debian_sections.jsonl.gz" in names and "tl_course/data_files/debian_sections.md" in names
