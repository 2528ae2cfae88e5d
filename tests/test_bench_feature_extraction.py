"""The benches run end to end and end with the lines their readers parse (formats only: speeds are not tested)."""
import os, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def test_bench_prints_p1_and_p2_last(tmp_path):
    env = {**os.environ, "TL_CACHE": str(tmp_path)}
    r = subprocess.run([sys.executable, str(ROOT/"bench"/"feature_extraction.py"), "--train-per-class", "4",
                        "--test-per-class", "20", "--p2-images", "64"], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    p1, p2 = r.stdout.strip().splitlines()[-2:]
    m = re.fullmatch(r"P1 ratio=(\d+\.\d+) acc_diff=([+-]\d+\.\d+)", p1)
    assert m, p1
    assert abs(float(m.group(2))) <= 5, p1        # same head, same data: at most a few of 100 test images differ
    assert re.fullmatch(r"P2 ratio=\d+\.\d+", p2), p2

def test_transforms_bench_prints_a_ratio_per_pipeline():
    r = subprocess.run([sys.executable, str(ROOT/"bench"/"transforms.py"), "--images", "20", "--rounds", "1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    rows = r.stdout.strip().splitlines()[1:]
    assert len(rows) == 3 and all(re.fullmatch(r"image_transform\(\d+, \d, augment=(True|False)\) ImageCompose_us=\d+ "
                                               r"v2_us=\d+ ratio=\d+\.\d\d", row) for row in rows), rows
