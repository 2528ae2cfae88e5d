"""P4: training throughput and final accuracy of `fit`'s default path vs the PyTorch transfer-learning tutorial's settings.

Same model (same initial weights), same training images, same number of epochs, same test images:

- baseline: the tutorial's loop (pytorch/tutorials beginner_source/transfer_learning_tutorial.py): fp32, NCHW,
  batch 4, SGD lr 1e-3 momentum 0.9, StepLR(step_size=7, gamma=0.1) stepped per epoch, a plain Python loop;
- fit: `tl_course.loop.fit` with its defaults (AdamW lr 1e-3, one-cycle, autocast in bf16 where the CPU has it,
  channels_last for conv nets) on batches of 64 from `make_loader` (its default of 128 would leave too few steps
  on 1,000 images for a fair accuracy comparison).

The two trainings alternate epoch by epoch (fit's epoch 1, the baseline's epoch 1, fit's epoch 2, ...), so that on
a machine shared with other jobs both see the same load. Throughput is training images per second over all
epochs; accuracy is measured the same way for both (plain fp32 forward pass on the test images). The last line is `P4 ratio=<x> acc_fit=<a> acc_baseline=<b>`.

Usage: python bench/fine_tuning.py [--n-per-class 200] [--epochs 3] [--test-per-class 200] [--batch-size 64] [--threads N] [--model source|resnet18]
On a CPU with bf16, `ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2` in front runs the fp32 path of an older CPU.
"""
import argparse, copy, os, time
import torch
from torch import nn
from torch.utils.data import DataLoader
from tl_course.core import amp_dtype, seed_everything, mode
from tl_course.data import FashionTask, image_transform, make_loader
from tl_course.loop import fit, Callback

def build_model(kind):
    "The model to fine-tune and its input size: the course's ResNet-18 pretrained on A, or torchvision's at random init."
    if kind == "source":
        from tl_course.weights import source_model_path, source_recipe, create_model
        from tl_course.sources import source_model
        recipe = source_recipe("resnet18")
        if not source_model_path("resnet18", recipe).is_file():   # not pretrained in this mode yet: use the short test recipe
            with mode("test"): recipe = source_recipe("resnet18")
        src = source_model("resnet18", recipe)
        model = create_model("resnet18", 5, small=True)
        model.body.load_state_dict(src.body.state_dict())     # the A-pretrained body, a new 5-class head
        desc = (f"ResNet-18 (32-px stem) pretrained on Fashion-MNIST A ({recipe['n_per_class'] or 'all'} images/class, "
                f"{recipe['epochs']} epoch(s), A-test accuracy {src.info['a_test_acc']:.3f})")
        return model, 32, desc
    import torchvision
    torch.manual_seed(0)
    return torchvision.models.resnet18(num_classes=5), 64, "torchvision ResNet-18, random init (no pretrained weights offline)"

class TutorialLoop:
    "The tutorial's training loop (fp32, batch 4, SGD + StepLR per epoch), one epoch at a time."
    def __init__(self, model, ds, seed=0):
        self.model, self.crit = model, nn.CrossEntropyLoss()
        self.dl = DataLoader(ds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(seed))
        self.opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
        self.sched = torch.optim.lr_scheduler.StepLR(self.opt, step_size=7, gamma=0.1)
    def epoch(self):
        "Train one epoch; return its seconds."
        t0 = time.perf_counter()
        self.model.train()
        for x, y in self.dl:
            self.opt.zero_grad()
            loss = self.crit(self.model(x), y)
            loss.backward(); self.opt.step()
        self.sched.step()
        return time.perf_counter() - t0

class Interleave(Callback):
    "Time each of fit's epochs, and after each one run (and time) one epoch of the baseline loop."
    def __init__(self, baseline): self.baseline, self.fit_secs, self.base_secs = baseline, [], []
    def before_epoch(self, run): self.t0 = time.perf_counter()
    def after_epoch(self, run):
        self.fit_secs.append(time.perf_counter() - self.t0)
        self.base_secs.append(self.baseline.epoch())
        print(f"  epoch {run.epoch}: fit {self.fit_secs[-1]:6.1f} s, baseline {self.base_secs[-1]:6.1f} s, "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)

def train_both(fit_model, base_model, ds, epochs, batch_size=64, seed=0):
    "Train both models for `epochs` epochs, alternating fit's epochs and the baseline's so both see the same machine load."
    seed_everything(seed)
    cb = Interleave(TutorialLoop(base_model, ds, seed))
    fit(fit_model, make_loader(ds, batch_size, shuffle=True, seed=seed, device="cpu"), None, epochs=epochs,
        device="cpu", show=False, seed=seed, callbacks=[cb])
    return sum(cb.fit_secs), sum(cb.base_secs)

@torch.no_grad()
def test_accuracy(model, ds):
    "Plain fp32 accuracy on `ds`, the same measurement for both models."
    model.eval().to(memory_format=torch.contiguous_format)
    right = 0
    for x, y in DataLoader(ds, batch_size=256):
        right += (model(x).argmax(1) == y).sum().item()
    return right / len(ds)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-per-class", type=int, default=200, help="training images per B class")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--test-per-class", type=int, default=200, help="B test images per class (up to 1000)")
    ap.add_argument("--batch-size", type=int, default=64, help="fit's batch size (the baseline keeps the tutorial's 4)")
    ap.add_argument("--threads", type=int, default=None,
                    help="torch CPU threads for both (default: torch's choice). On a machine shared with other jobs, 1 keeps "
                         "the comparison fair: with 2 threads and more runnable jobs than cores, the many tiny ops of batch 4 "
                         "suffer far more from threads waiting on each other than fit's larger batches do")
    ap.add_argument("--model", choices=["source", "resnet18"], default=None,
                    help="default: the course's source model if tl_course.weights exists, else resnet18")
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    kind = a.model
    if kind is None:
        try:
            import tl_course.weights
            kind = "source"
        except ImportError: kind = "resnet18"
    model, size, desc = build_model(kind)
    train = FashionTask("B", "train", n_per_class=a.n_per_class, transform=image_transform(size, 3, augment=True))
    test = FashionTask("B", "test", a.test_per_class, transform=image_transform(size, 3))
    n_img = len(train) * a.epochs
    print(f"model: {desc}; {len(train)} training images × {a.epochs} epochs at {size} px; {len(test)} test images")
    print(f"CPU threads: {torch.get_num_threads()}; autocast dtype: {amp_dtype('cpu')}; oneDNN instruction sets capped at "
          f"{os.environ.get('ONEDNN_MAX_CPU_ISA') or 'none'}; load average at start: {os.getloadavg()[0]:.1f}")

    base_model, fit_model = copy.deepcopy(model), copy.deepcopy(model)
    t_fit, t_base = train_both(fit_model, base_model, train, a.epochs, a.batch_size)
    acc_base, acc_fit = test_accuracy(base_model, test), test_accuracy(fit_model, test)
    print(f"baseline (tutorial: fp32, batch 4, SGD+StepLR): {n_img / t_base:7.1f} img/s ({t_base:.0f} s), test accuracy {acc_base:.4f}")
    print(f"fit (defaults: AdamW one-cycle, {amp_dtype('cpu') or 'fp32'} autocast, channels_last; batch {a.batch_size}): "
          f"{n_img / t_fit:7.1f} img/s ({t_fit:.0f} s), test accuracy {acc_fit:.4f}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print(f"P4 ratio={t_base / t_fit:.2f} acc_fit={acc_fit:.4f} acc_baseline={acc_base:.4f}")

if __name__ == "__main__": main()
