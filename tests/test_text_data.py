"""The text corpus matches its datasheet and the checksum the loader verifies (tests/test_wheel.py checks it ships)."""
import hashlib, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT/"tl_course"/"data_files"

def test_datasheet_checksum_matches_the_file_and_the_loader():
    sha = hashlib.sha256((DATA/"debian_sections.jsonl.gz").read_bytes()).hexdigest()
    sheet = (DATA/"debian_sections.md").read_text()
    assert re.search(rf"\*\*sha256\*\* `{sha}`", sheet), "the datasheet's sha256 is not the file's: regenerate both with tools/make_text_corpus.py"
    from tl_course.textdata import DEBIAN_SECTIONS_SHA256
    assert DEBIAN_SECTIONS_SHA256 == sha, "tl_course.text.DEBIAN_SECTIONS_SHA256 is not the file's sha256"
