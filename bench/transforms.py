"""Bench: `data.ImageCompose` (the course's transform pipeline) against `torchvision.transforms.v2.Compose` of the same
steps, on Fashion-MNIST's uint8 image tensors: the per-image time of each, and the ratio v2.Compose / ImageCompose.

`ImageCompose` sends a plain image tensor straight to v2's kernels, skipping v2's per-call dispatch; the notebook
`01_data` tests that both give the same pixels. Rounds alternate between the two and the best round of each is kept,
so a shared machine's load hits both alike. Runs in well under a minute on a 2-core CPU.
Usage: python bench/transforms.py [--images 3000] [--rounds 3]
"""
import argparse, time
import torch
from torchvision.transforms import v2
from tl_course.data import image_transform, load_fashion_mnist

def per_image_us(tfm, imgs) -> float:
    "Microseconds per image of `tfm` over `imgs`."
    t0 = time.perf_counter()
    for im in imgs: tfm(im)
    return (time.perf_counter() - t0) / len(imgs) * 1e6

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    x, _ = load_fashion_mnist("train")
    imgs = [x[i][None] for i in range(a.images)]
    print(f"torch threads {torch.get_num_threads()}; baseline: torchvision.transforms.v2.Compose of the same steps")
    for size, channels, augment in ((32, 3, False), (28, 1, False), (32, 3, True)):
        fast = image_transform(size, channels, augment=augment)
        slow = v2.Compose(fast.transforms)
        best = {"fast": float("inf"), "v2": float("inf")}
        for _ in range(a.rounds):
            best["fast"] = min(best["fast"], per_image_us(fast, imgs))
            best["v2"] = min(best["v2"], per_image_us(slow, imgs))
        print(f"image_transform({size}, {channels}, augment={augment}) ImageCompose_us={best['fast']:.0f} "
              f"v2_us={best['v2']:.0f} ratio={best['v2'] / best['fast']:.2f}")

if __name__ == "__main__":
    main()
