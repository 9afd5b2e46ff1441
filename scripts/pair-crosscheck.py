#!/usr/bin/env python3
"""Cross-check of our Blur IG, Guided IG, IG and SmoothGrad against PAIR saliency's reference.

PAIR saliency's core (saliency/core/*.py) is numpy (and scipy) only. This script builds a small
non-linear model written in numpy with a hand-written gradient, an image, runs PAIR's methods on
them, and writes both the model and PAIR's attributions to test/fixtures/pair/crosscheck.json.
test/engine/pair-crosscheck.test.ts loads the same weights into TF.js, runs our engine on the
same image and compares, within the tolerances recorded here.

PAIR's code is not vendored: point --saliency at a checkout of PAIR-code/saliency at the pinned
commit (the script refuses another one):

  git clone https://github.com/PAIR-code/saliency /tmp/saliency
  git -C /tmp/saliency checkout 7b72b673fde6680180befd277c1890d4a9de4b48
  apt-get install -y python3-numpy python3-scipy
  /usr/bin/python3 scripts/pair-crosscheck.py --saliency /tmp/saliency \
    > test/fixtures/pair/crosscheck.txt

The fixture and the printed summary (crosscheck.txt) are committed, so CI needs no Python: the
browser test compares against them. Rerun the script after changing the model or a tolerance.

Model: logits = tanh(flatten(x) @ W1 + b1) @ W2 + b2 on a 16x12x3 image; the explained output is
the logit of class TARGET.
"""
import argparse
import importlib
import json
import math
import os
import subprocess
import sys
import types

import numpy as np

PINNED = '7b72b673fde6680180befd277c1890d4a9de4b48'
HEIGHT, WIDTH, CHANNELS, HIDDEN, CLASSES, TARGET = 16, 12, 3, 16, 3, 1
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'pair', 'crosscheck.json')


def load_core(root):
  """saliency.core's modules without its __init__ (which imports xrai and skimage)."""
  head = subprocess.run(['git', '-C', root, 'rev-parse', 'HEAD'], capture_output=True, text=True)
  if head.returncode == 0 and head.stdout.strip() != PINNED:
    sys.exit(f'{root} is at {head.stdout.strip()}, not the pinned {PINNED}')
  for name, path in (('saliency', root), ('saliency.core', os.path.join(root, 'saliency', 'core'))):
    package = types.ModuleType(name)
    package.__path__ = [os.path.join(root, 'saliency') if name == 'saliency' else path]
    sys.modules[name] = package
  return {m: importlib.import_module(f'saliency.core.{m}') for m in ('base', 'integrated_gradients', 'blur_ig', 'guided_ig')}


def f32(a):
  return np.asarray(a, dtype=np.float32).astype(np.float64)


def make_model(rng):
  pixels = HEIGHT * WIDTH * CHANNELS
  w1 = f32(rng.normal(0, 3 / math.sqrt(pixels), (pixels, HIDDEN)))
  b1 = f32(rng.normal(0, 0.3, HIDDEN))
  w2 = f32(rng.normal(0, 1, (HIDDEN, CLASSES)))
  b2 = f32(rng.normal(0, 0.1, CLASSES))
  return w1, b1, w2, b2


def logit(model, x):
  w1, b1, w2, b2 = model
  h = np.tanh(x.reshape(x.shape[0], -1) @ w1 + b1)
  return (h @ w2 + b2)[:, TARGET]


def gradient(model, x):
  w1, b1, w2, _ = model
  h = np.tanh(x.reshape(x.shape[0], -1) @ w1 + b1)
  return (((1 - h * h) * w2[:, TARGET]) @ w1.T).reshape(x.shape)


def edge_blur(image, sigma, radius):
  """Our blur (src/engine/gaussian-blur.ts): edge padding, taps |d| <= radius, normalized."""
  if sigma == 0:
    return image
  d = np.arange(-radius, radius + 1)
  taps = np.exp(-d * d / (2 * sigma * sigma))
  taps /= taps.sum()

  def matrix(n):
    m = np.zeros((n, n))
    rows = np.repeat(np.arange(n), d.size)
    np.add.at(m, (rows, np.clip(rows + np.tile(d, n), 0, n - 1)), np.tile(taps, n))
    return m

  return np.einsum('ij,jkc,lk->ilc', matrix(image.shape[0]), image, matrix(image.shape[1]))


def main():
  parser = argparse.ArgumentParser()
  parser.add_argument('--saliency', required=True, help='a checkout of PAIR-code/saliency at ' + PINNED)
  args = parser.parse_args()
  core = load_core(os.path.abspath(args.saliency))

  rng = np.random.RandomState(0)
  model = make_model(rng)
  image = f32(rng.uniform(0, 1, (HEIGHT, WIDTH, CHANNELS)))
  baseline = np.zeros_like(image)

  def call_model(batch, call_model_args=None, expected_keys=None):
    batch = np.asarray(batch, dtype=np.float64)
    return {core['base'].INPUT_OUTPUT_GRADIENTS: gradient(model, batch)}

  score = lambda x: float(logit(model, x[None])[0])
  results = {}

  # IG: PAIR weighs x_steps points of linspace(0, 1) by 1/x_steps each, an O(1/n) rule; ours
  # are O(1/n^2) or better. Both converge to the integral: compared at PAIR's 4097 points.
  ig = core['integrated_gradients'].IntegratedGradients().GetMask(
      image, call_model, x_baseline=baseline, x_steps=4097, batch_size=4097)
  results['ig'] = {'steps': 256, 'method': 'trapezoid', 'attributions': ig.ravel().tolist(),
                   'tolerance': 5e-4}

  # Blur IG: PAIR's sigmas i * max_sigma / steps, i = 0..steps-1, are our riemann-right nodes on
  # a path with sigma(alpha) = max_sigma (1 - alpha) (power 1). PAIR blurs with zero padding
  # (scipy mode='constant'), which fades the border toward black; ours repeats the border. The
  # comparison swaps PAIR's blur for ours (the path and the integration stay PAIR's) and uses a
  # small grad_step, since PAIR takes a finite difference where we take the exact derivative.
  # 'blurPair': PAIR's nodes exactly (100 steps, power 1); 'blur': our defaults (power 3, 128
  # trapezoid steps) against PAIR converged (6000 steps, where its even sigma spacing is fine
  # enough near sigma 0).
  max_sigma = 50
  radius = math.ceil(3 * max_sigma)
  original_blur = core['blur_ig'].gaussian_blur
  pair_zero_padded = core['blur_ig'].BlurIG().GetMask(image, call_model, max_sigma=max_sigma, steps=100)
  core['blur_ig'].gaussian_blur = lambda x, sigma: edge_blur(x, sigma, radius)
  blur_ig = core['blur_ig'].BlurIG()
  blur_pair = blur_ig.GetMask(image, call_model, max_sigma=max_sigma, steps=100, grad_step=1e-5)
  blur = blur_ig.GetMask(image, call_model, max_sigma=max_sigma, steps=6000, grad_step=1e-5)
  core['blur_ig'].gaussian_blur = original_blur
  blurred_score = score(edge_blur(image, max_sigma, radius))
  results['blurPair'] = {'steps': 100, 'method': 'riemann-right', 'power': 1,
                         'attributions': blur_pair.ravel().tolist(), 'scoreBaseline': blurred_score,
                         'tolerance': 5e-4}
  results['blur'] = {'steps': 128, 'method': 'trapezoid', 'attributions': blur.ravel().tolist(),
                     'scoreBaseline': blurred_score, 'tolerance': 1e-4,
                     'zeroPaddedDifference': float(np.abs(pair_zero_padded - blur_pair).max() / np.abs(blur_pair).max())}
  print(f"Blur IG completeness: PAIR 100 steps {blur_pair.sum():.5f}, 6000 steps {blur.sum():.5f}, "
        f"f(x) - f(blurred) {score(image) - blurred_score:.5f}")

  # Guided IG: PAIR's rule is the gradient at each step's start: our riemann-left.
  guided = core['guided_ig'].GuidedIG().GetMask(image, call_model, x_baseline=baseline, x_steps=64,
                                                 fraction=0.25, max_dist=0.02)
  results['guided'] = {'steps': 64, 'method': 'riemann-left', 'attributions': guided.ravel().tolist(),
                       'tolerance': 1e-5}

  # SmoothGrad around IG: PAIR's noise is numpy's, ours TF.js's, so the means are compared; the
  # tolerance is 4 standard errors of the difference of a 256-sample mean (ours) and this
  # 4096-sample one, as a fraction of the map's largest value.
  ig_class = core['integrated_gradients'].IntegratedGradients()
  np.random.seed(1)
  samples = []
  for _ in range(4096):
    samples.append(ig_class.GetSmoothedMask(image, call_model, stdev_spread=0.15, nsamples=1,
                                            magnitude=False, x_baseline=baseline, x_steps=257,
                                            batch_size=257))
  samples = np.asarray(samples)
  mean = samples.mean(axis=0)
  spread = samples.std(axis=0)
  standard_error = spread * math.sqrt(1 / 256 + 1 / 4096)
  results['smoothgrad'] = {'steps': 64, 'method': 'trapezoid', 'noiseSamples': 256, 'noiseLevel': 0.15,
                           'attributions': mean.ravel().tolist(),
                           'tolerance': float(4 * standard_error.max() / np.abs(mean).max())}

  w1, b1, w2, b2 = model
  fixture = {
      'about': 'Written by scripts/pair-crosscheck.py from PAIR-code/saliency ' + PINNED,
      'shape': [HEIGHT, WIDTH, CHANNELS], 'target': TARGET,
      'w1': w1.ravel().tolist(), 'b1': b1.tolist(), 'w2': w2.ravel().tolist(), 'b2': b2.tolist(),
      'hidden': HIDDEN, 'classes': CLASSES,
      'image': image.ravel().tolist(),
      'scoreInput': score(image), 'scoreBlack': score(baseline),
      'results': results,
  }
  os.makedirs(os.path.dirname(OUT), exist_ok=True)
  with open(OUT, 'w') as out:
    json.dump(fixture, out, separators=(',', ':'))
  for name, r in results.items():
    a = np.asarray(r['attributions'])
    print(f"{name}: sum {a.sum():.6f}, max |a| {np.abs(a).max():.6f}, tolerance {r['tolerance']:.2e}")
  print(f"IG completeness: {ig.sum():.6f} vs {score(image) - score(baseline):.6f}")
  print(f"Blur IG: PAIR's zero padding differs from edge padding by {results['blur']['zeroPaddedDifference']:.3f} of the max")


if __name__ == '__main__':
  main()
