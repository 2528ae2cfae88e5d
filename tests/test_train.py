"""The training loop under faults a notebook cannot simulate: a process killed mid-epoch, and runs in fresh processes.

Each run is a separate Python process training a small conv net on 200 Fashion-MNIST images (B classes, 16 px)
for 4 epochs on the CPU, so the whole file takes well under a minute.
"""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest

JOB = r'''
import json, os, sys, time
import torch
from torch import nn
from tl_course.data import FashionTask, image_transform, make_loader
from tl_course.loop import fit, Callback
from tl_course.checkpoint import Checkpoint

ckpt, resume = (sys.argv[1] if sys.argv[1] != "-" else None), sys.argv[2] == "resume"
pause_at = tuple(int(v) for v in os.environ["PAUSE_AT"].split(",")) if os.environ.get("PAUSE_AT") else None

class PauseAt(Callback):
    "Announce and sleep at (epoch index, batch index), so the test can kill the process there."
    def after_batch(self, run):
        if (run.epoch, run.batch_idx) == pause_at:
            print("PAUSED", run.epoch, run.batch_idx, flush=True); time.sleep(120)

torch.manual_seed(0)
model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                      nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(32, 5))
tf = image_transform(16, channels=1)
train_ds = FashionTask("B", "train", n_per_class=40, transform=image_transform(16, channels=1, augment=True))
train = make_loader(train_ds, 32, shuffle=True, device="cpu")
valid = make_loader(FashionTask("B", "test", n_per_class=40, transform=tf), 100, device="cpu")
cbs = ([PauseAt()] if pause_at else []) + ([Checkpoint(ckpt, resume=resume)] if ckpt else [])
res = fit(model, train, valid, epochs=4, lr=3e-3, device="cpu", seed=1, callbacks=cbs, show=True)
print("HISTORY " + json.dumps([{k: v for k, v in r.items() if k != "time"} for r in res.history]), flush=True)
'''

ENV = {**os.environ, "TL_MODE": "test", "PYTHONUNBUFFERED": "1", "TL_DEVICE": "cpu"}

def _run(*args, env=None, timeout=120):
    r = subprocess.run([sys.executable, "-c", JOB, *args], capture_output=True, text=True, timeout=timeout,
                       env=env or ENV)
    assert r.returncode == 0, r.stderr[-3000:]
    line = [l for l in r.stdout.splitlines() if l.startswith("HISTORY ")][-1]
    return json.loads(line[len("HISTORY "):]), r.stdout

@pytest.fixture(scope="module")
def uninterrupted():
    "The history of one uninterrupted run, shared by the tests that compare with it."
    return _run("-", "fresh")[0]

def test_sigkill_mid_epoch_then_resume(tmp_path, uninterrupted):
    from safetensors.torch import load_file
    from tl_course.checkpoint import load_checkpoint
    ckpt = tmp_path/"ckpt"
    # Kill the run with SIGKILL while it is inside its third epoch (epoch index 2, batch 3 of 7).
    p = subprocess.Popen([sys.executable, "-c", JOB, str(ckpt), "fresh"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, env={**ENV, "PAUSE_AT": "2,3"})
    t0, seen = time.time(), ""
    for line in p.stdout:
        seen += line
        if line.startswith("PAUSED"): break
        assert time.time() - t0 < 90, "the training job never reached the pause point:\n" + seen
    assert "PAUSED 2 3" in seen, seen
    os.kill(p.pid, signal.SIGKILL); p.wait(timeout=30)
    assert p.returncode == -signal.SIGKILL

    # What survived: a loadable checkpoint at most one epoch behind the epoch that was running.
    names = sorted(f.name for f in ckpt.iterdir())
    assert names == ["best.safetensors", "last.safetensors"], names
    import torch
    from torch import nn
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(32, 5))
    meta = load_checkpoint(ckpt/"last.safetensors", model)
    killed_in_epoch = 3
    assert killed_in_epoch - meta["epoch"] <= 1 and meta["epoch"] == 2, meta
    model.load_state_dict(load_file(ckpt/"best.safetensors"))          # the best weights are a plain state dict

    # Resume: it continues after epoch 2 and ends exactly where an uninterrupted run ends.
    resumed, out = _run(str(ckpt), "resume")
    assert f"resumed from {ckpt/'last.safetensors'} after epoch 2" in out, out
    assert [r["epoch"] for r in resumed] == [1, 2, 3, 4]
    assert resumed == uninterrupted, (resumed, uninterrupted)
    assert resumed[-1]["accuracy"] > 0.5, resumed                       # it really trained (5 classes: chance 0.2)

def test_same_seed_same_metrics_in_two_processes(uninterrupted):
    b, _ = _run("-", "fresh")
    assert len(uninterrupted) == 4 and uninterrupted == b, (uninterrupted, b)
    assert uninterrupted[-1]["train_loss"] < uninterrupted[0]["train_loss"]
