#!/usr/bin/python3
"""Plain PyTorch Integrated Gradients, timed: the reference side of `npm run bench:pytorch`.

The IG a data scientist would write (or get from Captum's IntegratedGradients with
method="riemann_trapezoid"): uniform trapezoid points on the straight path from a black
baseline, batched, input gradients only, all CPU threads. Random weights (the timing does not
depend on them): torchvision's GoogLeNet (the Inception V1 shape), MobileNetV2 and Inception V3.

    /usr/bin/python3 scripts/bench_pytorch_ig.py [--models googlenet,mobilenet_v2]
        [--batches 1,4,8,16] [--evaluations 32] [--threads N]

Prints one JSON object on stdout: per model, ms per path evaluation (forward + input gradient)
at each batch size and at the fastest one. Needs Debian's python3-torch and python3-torchvision.
"""

import argparse
import json
import os
import platform
import sys
import time

import torch
import torchvision

MODELS = {
    # name: (constructor, input size)
    "googlenet": (
        lambda: torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True),
        224,
    ),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(weights=None), 224),
    "inception_v3": (
        lambda: torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=True),
        299,
    ),
}


def integrated_gradients(model, image, baseline, target, steps, batch):
    """Trapezoid IG with steps + 1 uniform points, `batch` points per pass; returns attributions."""
    alphas = torch.linspace(0, 1, steps + 1)
    weights = torch.full((steps + 1,), 1.0 / steps)
    weights[0] = weights[-1] = 0.5 / steps
    total = torch.zeros_like(image)
    for start in range(0, steps + 1, batch):
        a = alphas[start : start + batch].view(-1, 1, 1, 1)
        points = (baseline + a * (image - baseline)).requires_grad_(True)
        scores = torch.softmax(model(points), dim=1)[:, target]
        (grad,) = torch.autograd.grad(scores.sum(), points)
        total += (grad * weights[start : start + batch].view(-1, 1, 1, 1)).sum(0)
    return (image - baseline) * total


def ms_per_evaluation(model, size, batch, evaluations):
    image = torch.rand(1, 3, size, size)
    baseline = torch.zeros_like(image)
    # Whole batches only: steps + 1 = a multiple of the batch.
    steps = max(batch, (evaluations // batch) * batch) - 1
    steps = max(steps, 1)
    integrated_gradients(model, image, baseline, 0, min(steps, batch), batch)  # warm-up
    start = time.perf_counter()
    integrated_gradients(model, image, baseline, 0, steps, batch)
    return 1000 * (time.perf_counter() - start) / (steps + 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="googlenet,mobilenet_v2")
    parser.add_argument("--batches", default="1,4,8,16")
    parser.add_argument("--evaluations", type=int, default=32)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    out = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "threads": torch.get_num_threads(),
        "cpus": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "models": {},
    }
    for name in filter(None, args.models.split(",")):
        make, size = MODELS[name]
        model = make().eval()
        by_batch = {}
        for batch in [int(b) for b in args.batches.split(",") if b]:
            by_batch[batch] = ms_per_evaluation(model, size, batch, args.evaluations)
            print(f"[pytorch] {name} batch {batch}: {by_batch[batch]:.1f} ms", file=sys.stderr)
        best = min(by_batch, key=by_batch.get)
        out["models"][name] = {
            "inputSize": size,
            "msPerEvaluation": by_batch[best],
            "batch": best,
            "byBatch": by_batch,
        }
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
