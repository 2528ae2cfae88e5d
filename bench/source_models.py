"""P7: pretraining the course's source models, new recipe vs the one it replaced.

Two measurements in one run:

1. Training-step throughput on the same batches (the same 64 A images at 32 px, the same initial weights):
   - baseline: the recipe of version 1, whose small ResNet-18 had a CIFAR-style stride-1 stem (its stages saw 32,
     32, 16, 8 and 4 pixels), one epoch over all 30,000 A training images;
   - new: version 2, whose small ResNet-18 has a stride-2 stem (16, 8, 4, 2 pixels after the stem), two epochs over
     the 27,500 A training images (the validation images are held out). A step costs a third of version 1's, so
     ResNet-18 can afford the second epoch, which lifts its A-test accuracy from about 0.855 to about 0.875-0.88.
   Both are timed through `fit` itself (its default path: AdamW, one-cycle, autocast where the CPU has bf16,
   channels_last), the first step of each run not counted, in alternating rounds so that both see the same load. VGG16's
   architecture did not change, so its ratio is about 1; `step_ratio` is the time of one step of both baseline
   models over one step of both new models.
2. The new recipe itself: both default-mode source models pretrained from scratch (or read from the cache with
   `--cached`), their A-test accuracy on all 5,000 A test images, and their wall time together.

The last line is `P7 step_ratio=<x> seconds=<s> a_test_acc=<a>`, where `seconds` is the two pretrainings together
and `a_test_acc` the lower of the two accuracies.

With `--levers`, it first times the levers one could pull on the new recipe's step, through `fit` on the same A images:
`torch.compile`, and 28 px (Fashion-MNIST's own size) or 16 px (the first phase of progressive resizing) instead
of 32. A ratio above 1 is a faster step. VGG16 cannot take less than 32 px: its five 2×2 max-pools halve the map five
times.

Usage: python bench/source_models.py [--steps 8] [--cached] [--threads N] [--levers]
On a CPU with bf16, `ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2` in front runs the fp32 path of an older CPU.
"""
import argparse, os, time
import torch, torch._dynamo
from torch.utils.data import DataLoader, TensorDataset
from tl_course.core import amp_dtype, get_device, mode, seed_everything
from tl_course.data import FashionTask, image_transform
from tl_course.loop import Callback, fit
from tl_course.weights import SOURCE_ARCHS, create_model, source_model_path, source_recipe
from tl_course.sources import pretrain_source_model, source_model_info


def models_for(arch):
    "The baseline (version-1 architecture) and new model of `arch`, with the same initial weights."
    new = create_model(arch, 5, small=True, seed=0)
    old = create_model(arch, 5, small=True, seed=0)
    if arch == "resnet18": old.body.stem.conv1.stride = (1, 1)   # version 1's stride-1 stem, same weights
    return old, new


class StepTimer(Callback):
    "Record the seconds between consecutive training steps of `fit` (the first `warmup` steps are not counted)."
    def __init__(self, warmup=1): self.warmup = warmup
    def before_fit(self, run): self.t0, self.n, self.last, self.secs = time.perf_counter(), 0, None, []
    def after_batch(self, run):
        now, self.n = time.perf_counter(), self.n + 1
        if self.n == self.warmup: self.warmup_s = now - self.t0
        if self.n > self.warmup: self.secs.append(now - self.last)
        self.last = now


def fit_step_seconds(model, dl, warmup=1):
    "Mean seconds per training step of `fit`'s default path (AdamW, one-cycle, autocast, channels_last) on `dl`."
    timer = StepTimer(warmup)
    fit(model, dl, None, epochs=1, lr=2e-3, wd=0.05, device="cpu", show=False, callbacks=[timer])
    return sum(timer.secs) / len(timer.secs), timer.warmup_s


def a_batches(steps, size=32):
    "The same 64 A training images at `size` px, repeated for `steps` + 2 steps of batch 64."
    ds = FashionTask("A", "train", 64 // 5 + 1, image_transform(size, 3), seed=0)
    x, y = torch.stack([ds[i][0] for i in range(64)]), torch.stack([ds[i][1] for i in range(64)])
    return DataLoader(TensorDataset(x.repeat(steps + 2, 1, 1, 1), y.repeat(steps + 2)), batch_size=64)


def step_times(arch, steps, rounds=2):
    "Seconds per step of the baseline and the new model of `arch` through `fit`, on the same batches, rounds alternating."
    dl = a_batches(steps)
    t_old = t_new = 0.0
    for _ in range(rounds):   # baseline, new, baseline, new: both see the same machine load
        old, new = models_for(arch)
        t_old += fit_step_seconds(old, dl)[0] / rounds
        t_new += fit_step_seconds(new, dl)[0] / rounds
    return t_old, t_new


def min_size(model):
    "The smallest input size (px) the body takes: 2 ** (its 2×2 max-pools)."
    return 2 ** sum(isinstance(m, torch.nn.MaxPool2d) for m in model.body.modules())


LEVERS = [(32, False), (32, True), (28, False), (16, False)]   # (px, torch.compile)

def levers(steps, rounds=2):
    "Print each lever's step time (through `fit`, first two steps not counted) against the 32-px eager step."
    print(f"levers: the new recipe's step through fit, batch 64, the first two steps not counted (compile time is in "
          f"them), mean of {rounds} rounds; ratio = 32 px eager / lever")
    for arch in SOURCE_ARCHS:
        times, need = {}, min_size(create_model(arch, 5, small=True))
        for _ in range(rounds):   # every lever once per round: all see the same machine load
            for size, compiled in LEVERS:
                if size < need: continue
                model = create_model(arch, 5, small=True, seed=0)
                torch._dynamo.reset()
                secs, warm = fit_step_seconds(torch.compile(model) if compiled else model, a_batches(steps, size), warmup=2)
                times.setdefault((size, compiled), []).append((secs, warm))
        base = sum(s for s, _ in times[32, False]) / rounds
        for size, compiled in LEVERS:
            name = f"{arch:9s} {size} px {'torch.compile' if compiled else 'eager'}"
            if (size, compiled) not in times:
                print(f"{name:32s} not possible: {arch} needs at least {need} px (a 2×2 max-pool per block)")
                continue
            secs = sum(s for s, _ in times[size, compiled]) / rounds
            print(f"{name:32s} {secs*1000:6.0f} ms  ratio {base/secs:.2f}  (first two steps {times[size, compiled][0][1]:.1f} s "
                  "in the first round)", flush=True)


def pretrain_all(cached):
    "Pretrain (or, with `cached`, read) both default-mode source models: {arch: (seconds, A-test accuracy, n test)}."
    out = {}
    with mode("default"):
        for arch in SOURCE_ARCHS:
            if not (cached and source_model_path(arch).is_file()):
                pretrain_source_model(arch, source_recipe(arch), show=False)
            info = source_model_info(arch)
            out[arch] = (info["train_seconds"], info["a_test_acc"], info["n_test"])
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--cached", action="store_true", help="read the models from the cache if they are there")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--levers", action="store_true", help="first time torch.compile, 28 px and 16 px against the new step")
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    seed_everything(0)
    dt = amp_dtype(get_device("cpu"))
    print(f"path: CPU, {torch.get_num_threads()} threads, autocast {dt or 'off (fp32)'}, oneDNN instruction sets capped "
          f"at {os.environ.get('ONEDNN_MAX_CPU_ISA') or 'none'}, channels_last, batch 64, 32 px")
    if a.levers: levers(a.steps)
    old_total = new_total = 0.0
    for arch in SOURCE_ARCHS:
        t_old, t_new = step_times(arch, a.steps)
        old_total, new_total = old_total + t_old, new_total + t_new
        print(f"{arch:9s} step: baseline {t_old*1000:6.0f} ms ({64/t_old:5.1f} img/s), new {t_new*1000:6.0f} ms "
              f"({64/t_new:5.1f} img/s), ratio {t_old/t_new:.2f}", flush=True)
    res = pretrain_all(a.cached)
    for arch, (secs, acc, n) in res.items():
        print(f"{arch:9s} new recipe: pretraining {secs:.0f} s, A-test accuracy {acc:.4f} on {n} images")
    secs = sum(s for s, _, _ in res.values())
    acc = min(acc for _, acc, _ in res.values())
    print(f"P7 step_ratio={old_total/new_total:.2f} seconds={secs:.0f} a_test_acc={acc:.4f}")


if __name__ == "__main__":
    main()
