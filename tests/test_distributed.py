"""Data-parallel training: 2 gloo processes under torchrun reach the same model as 1 process."""
import pytest
from tl_course.distributed import launch

ARGS = ["--n-per-class", 64, "--epochs", 2, "--global-batch", 64, "--width", 8]

def test_two_gloo_processes_match_one_process():
    one, two = launch(1, ARGS, timeout=300), launch(2, ARGS, timeout=300)
    assert (one["world_size"], two["world_size"]) == (1, 2)
    # same global batch, same data order: only the order of floating-point sums differs
    assert two["valid_loss"] == pytest.approx(one["valid_loss"], rel=1e-3)
    assert abs(two["accuracy"] - one["accuracy"]) <= 0.005
