"""Data-parallel training: 2 gloo processes under torchrun reach the same model as 1 process (with the same seeded
augmentation), and a 2-process run stopped after one epoch and resumed from its checkpoint ends where an
uninterrupted one does; the same for the two-phase recipe (head first, then every stage), each phase trained to its
plateau on B-valid."""
import pytest
from tl_course.core import read_safetensors
from tl_course.distributed import launch, ddp_demo_model
from tl_course.checkpoint import load_checkpoint

ARGS = ["--model", "demo", "--n-per-class", 64, "--epochs", 2, "--global-batch", 64, "--width", 8]
# lesson 11's recipe: the head first, then every stage at discriminative rates; B-valid scored every epoch
PHASES = [*ARGS, "--valid-per-class", 20, "--head-epochs", 1, "--lr", 3e-3]
PLATEAU = [*PHASES, "--epochs", 6, "--patience", 1]      # patience 1: EarlyStop ends a phase at its first flat score

@pytest.fixture(scope="module")
def two_processes():
    "One uninterrupted 2-process run of the recipe, shared by the tests."
    return launch(2, ARGS, timeout=300, device="cpu")[0]

def test_two_gloo_processes_match_one_process(two_processes):
    one, two = launch(1, ARGS, timeout=300, device="cpu")[0], two_processes
    assert (one["world_size"], two["world_size"]) == (1, 2)
    # same global batch, same data order: only the order of floating-point sums differs
    assert two["valid_loss"] == pytest.approx(one["valid_loss"], rel=1e-3)
    assert abs(two["accuracy"] - one["accuracy"]) <= 0.005

def test_stopped_and_resumed_run_matches_uninterrupted_run(two_processes, tmp_path):
    ckpt = tmp_path/"ckpt"
    stopped = launch(2, [*ARGS, "--ckpt", ckpt, "--stop-after", 1], timeout=300, device="cpu")[0]
    assert stopped["epoch"] == 1 and len(stopped["history"]) == 1
    # rank 0 saved the unwrapped model: no DDP `module.` prefix, and the file loads into a plain model
    tensors, _ = read_safetensors(ckpt/"last.safetensors")
    assert not [k for k in tensors if "module." in k]
    load_checkpoint(ckpt/"last.safetensors", ddp_demo_model(5, 8))
    resumed = launch(2, [*ARGS, "--ckpt", ckpt, "--resume"], timeout=300, device="cpu")[0]
    assert resumed["history"][0] == stopped["history"][0]     # epoch 1 (its time too) came from the checkpoint
    assert resumed["epoch"] == 2
    for k in ("valid_loss", "accuracy"): assert resumed[k] == pytest.approx(two_processes[k], abs=1e-6)

def test_two_phases_to_their_plateau_match_in_one_and_two_processes():
    one, two = (launch(n, PLATEAU, timeout=300, device="cpu")[0] for n in (1, 2))
    for r in (one, two):
        assert [row["phase"] for row in r["history"]] == ["head"] + ["all"] * r["phase_epochs"][1]
        assert r["max_epochs"] == [1, 6] and r["phase_epochs"][1] < 6 and r["converged"][1] is True   # stopped early
        assert r["steps"] == sum(r["phase_steps"]) == len(r["step_losses"]) and r["images"] == 64 * r["steps"]
    # every process scored all of B-valid, so EarlyStop stopped both launches at the same epoch
    assert two["phase_epochs"] == one["phase_epochs"] and two["world_size"] == 2
    assert two["valid_loss"] == pytest.approx(one["valid_loss"], rel=1e-3)

def test_two_phases_stopped_in_the_second_and_resumed_match_uninterrupted(tmp_path):
    whole = launch(2, PHASES, timeout=300, device="cpu")[0]
    stopped = launch(2, [*PHASES, "--ckpt", tmp_path, "--stop-after", 2], timeout=300, device="cpu")[0]
    assert stopped["phase_epochs"] == [1, 1] and sorted(p.name for p in tmp_path.iterdir()) == ["frozen", "unfrozen"]
    resumed = launch(2, [*PHASES, "--ckpt", tmp_path, "--resume"], timeout=300, device="cpu")[0]
    assert resumed["phase_epochs"] == whole["phase_epochs"] == [1, 2]
    assert resumed["history"][:2] == stopped["history"]       # both finished epochs came from the checkpoints
    for k in ("valid_loss", "accuracy"): assert resumed[k] == pytest.approx(whole[k], abs=1e-6)
