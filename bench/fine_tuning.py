"""P4: training throughput and final accuracy of `fit`'s default path vs the PyTorch transfer-learning tutorial's settings.

Same model (same initial weights), same training images, same number of epochs, same test images:

- baseline: the tutorial's loop (pytorch/tutorials beginner_source/transfer_learning_tutorial.py): fp32, NCHW,
  batch 4, SGD lr 1e-3 momentum 0.9, StepLR(step_size=7, gamma=0.1) stepped per epoch, a plain Python loop;
- fit: `tl_course.train.fit` with its defaults (AdamW, one-cycle, autocast in bf16 where the CPU has it,
  channels_last for conv nets) on `make_loader`'s default batch of 128.

Throughput is training images per second over the whole training call; accuracy is measured the same way for both
(plain fp32 forward pass on the test images). The last line is `P4 ratio=<x> acc_fit=<a> acc_baseline=<b>`.

Usage: python bench/fine_tuning.py [--n-per-class 200] [--epochs 3] [--model source|resnet18]
"""
import argparse, copy, os, time
import torch
from torch import nn
from torch.utils.data import DataLoader
from tl_course.core import amp_dtype, seed_everything
from tl_course.data import FashionTask, image_transform, make_loader
from tl_course.train import fit

def build_model(kind):
    "The model to fine-tune and its input size: the course's ResNet-18 pretrained on A, or torchvision's at random init."
    if kind == "source":
        from tl_course.models import create_model
        return create_model("resnet18", 5, weights="source"), 32, "ResNet-18 (32-px stem) pretrained on Fashion-MNIST A"
    import torchvision
    torch.manual_seed(0)
    return torchvision.models.resnet18(num_classes=5), 64, "torchvision ResNet-18, random init (no pretrained weights offline)"

def tutorial_train(model, ds, epochs, seed=0):
    "The tutorial's training loop: fp32, batch 4, SGD + StepLR; returns seconds."
    seed_everything(seed)
    dl = DataLoader(ds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(seed))
    crit = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.1)
    t0 = time.perf_counter()
    for _ in range(epochs):
        model.train()
        for x, y in dl:
            opt.zero_grad()
            loss = crit(model(x), y)
            loss.backward(); opt.step()
        sched.step()
    return time.perf_counter() - t0

def fit_train(model, ds, epochs, seed=0):
    "`fit` with its defaults on `make_loader`'s default batch; returns seconds."
    dl = make_loader(ds, shuffle=True, seed=seed, device="cpu")
    t0 = time.perf_counter()
    fit(model, dl, None, epochs=epochs, device="cpu", show=False, seed=seed)
    return time.perf_counter() - t0

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
    ap.add_argument("--model", choices=["source", "resnet18"], default=None,
                    help="default: the course's source model if tl_course.models exists, else resnet18")
    a = ap.parse_args()
    kind = a.model
    if kind is None:
        try: import tl_course.models; kind = "source"
        except ImportError: kind = "resnet18"
    model, size, desc = build_model(kind)
    train = FashionTask("B", "train", n_per_class=a.n_per_class, transform=image_transform(size, 3, augment=True))
    test = FashionTask("B", "test", transform=image_transform(size, 3))
    n_img = len(train) * a.epochs
    print(f"model: {desc}; {len(train)} training images × {a.epochs} epochs at {size} px; {len(test)} test images")
    print(f"CPU threads: {torch.get_num_threads()}; autocast dtype: {amp_dtype('cpu')}; load average at start: {os.getloadavg()[0]:.1f}")

    base_model, fit_model = copy.deepcopy(model), copy.deepcopy(model)
    t_base = tutorial_train(base_model, train, a.epochs)
    acc_base = test_accuracy(base_model, test)
    print(f"baseline (tutorial: fp32, batch 4, SGD+StepLR): {n_img / t_base:7.1f} img/s ({t_base:.0f} s), test accuracy {acc_base:.4f}")
    t_fit = fit_train(fit_model, train, a.epochs)
    acc_fit = test_accuracy(fit_model, test)
    print(f"fit (defaults: AdamW one-cycle, bf16 autocast, channels_last, batch 128): {n_img / t_fit:7.1f} img/s ({t_fit:.0f} s), test accuracy {acc_fit:.4f}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print(f"P4 ratio={t_base / t_fit:.2f} acc_fit={acc_fit:.4f} acc_baseline={acc_base:.4f}")

if __name__ == "__main__": main()
