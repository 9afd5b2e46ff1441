import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import {
  gaussLegendreNodes,
  integrationRule,
  refinementPlan,
} from '../../src/engine/integration-rules.js';
import type { IgMethod } from '../../src/shared/types.js';
import { isIgError } from '../../src/shared/types.js';

const METHODS: IgMethod[] = [
  'trapezoid',
  'riemann-left',
  'riemann-right',
  'riemann-middle',
  'gausslegendre',
];

/** A small seeded generator, so a failing polynomial can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('integration rules', () => {
  it('have increasing nodes on [0, 1] and weights that sum to 1, with steps + 1 nodes for trapezoid', () => {
    for (const method of METHODS) {
      for (const steps of [1, 2, 7, 50, 333, 4096]) {
        const { alphas, weights } = integrationRule(method, steps);
        expect(alphas.length, `${method} ${steps}`).to.equal(
          method === 'trapezoid' ? steps + 1 : steps,
        );
        expect(weights.length).to.equal(alphas.length);
        const sum = weights.reduce((a, b) => a + b, 0);
        expect(sum, `${method} ${steps} weight sum`).to.be.closeTo(1, 1e-12);
        expect(weights.every((w) => w > 0)).to.equal(true);
        for (let i = 1; i < alphas.length; i++) {
          expect(alphas[i] > alphas[i - 1], `${method} ${steps} node ${i}`).to.equal(true);
        }
        expect(alphas[0]).to.be.at.least(0);
        expect(alphas[alphas.length - 1]).to.be.at.most(1);
      }
    }
  });

  it('place the Riemann nodes at the left, right and middle of each segment', () => {
    expect(integrationRule('riemann-left', 4).alphas).to.deep.equal([0, 0.25, 0.5, 0.75]);
    expect(integrationRule('riemann-right', 4).alphas).to.deep.equal([0.25, 0.5, 0.75, 1]);
    expect(integrationRule('riemann-middle', 4).alphas).to.deep.equal([0.125, 0.375, 0.625, 0.875]);
    expect(integrationRule('trapezoid', 4).weights).to.deep.equal([0.125, 0.25, 0.25, 0.25, 0.125]);
  });

  for (const backend of ['cpu', 'webgl']) {
    it(`trapezoid nodes equal the tutorial's tf.linspace(0, 1, m_steps + 1) on ${backend}`, async () => {
      await tf.setBackend(backend);
      for (const steps of [1, 3, 50, 100, 300, 1000, 4096]) {
        const linspace = tf.linspace(0, 1, steps + 1);
        const expected = Array.from(await linspace.data());
        linspace.dispose();
        // Bit for bit: 50 steps end at 0.99999964, not 1, in TF.js as in the tutorial's float32.
        expect(integrationRule('trapezoid', steps).alphas, `${steps} steps`).to.deep.equal(
          expected,
        );
      }
    });
  }

  it('Gauss-Legendre with n nodes integrates random polynomials of degree 2n - 1 exactly', () => {
    const next = random(42);
    for (let n = 1; n <= 8; n++) {
      const { alphas, weights } = gaussLegendreNodes(n);
      const degree = 2 * n - 1;
      for (let trial = 0; trial < 5; trial++) {
        const coefficients = Array.from({ length: degree + 1 }, () => 2 * next() - 1);
        const p = (x: number) => coefficients.reduce((s, c, k) => s + c * x ** k, 0);
        const exact = coefficients.reduce((s, c, k) => s + c / (k + 1), 0);
        const quadrature = alphas.reduce((s, x, i) => s + weights[i] * p(x), 0);
        expect(quadrature, `n=${n} trial ${trial}`).to.be.closeTo(exact, 1e-13);
      }
      // ... and not degree 2n: x^(2n) is integrated with an error.
      const high = alphas.reduce((s, x, i) => s + weights[i] * x ** (2 * n), 0);
      expect(Math.abs(high - 1 / (2 * n + 1)), `n=${n} degree 2n`).to.be.above(1e-11);
    }
  });

  it('Gauss-Legendre stays accurate up to 4096 nodes', () => {
    for (const n of [64, 1000, 4096]) {
      const { alphas, weights } = gaussLegendreNodes(n);
      // Smooth integrands converge to machine precision: int_0^1 cos(20x) dx, int x^99 dx.
      const cosine = alphas.reduce((s, x, i) => s + weights[i] * Math.cos(20 * x), 0);
      expect(cosine, `n=${n}`).to.be.closeTo(Math.sin(20) / 20, 1e-13);
      const power = alphas.reduce((s, x, i) => s + weights[i] * x ** 99, 0);
      expect(power, `n=${n}`).to.be.closeTo(1 / 100, 1e-13);
      // Symmetric about 1/2.
      for (let i = 0; i < n; i++) {
        expect(alphas[i] + alphas[n - 1 - i]).to.be.closeTo(1, 1e-14);
        expect(weights[i]).to.be.closeTo(weights[n - 1 - i], 1e-15);
      }
    }
    // Known nodes: n = 2 -> 1/2 -/+ 1/(2 sqrt 3), weights 1/2.
    const two = gaussLegendreNodes(2);
    expect(two.alphas[0]).to.be.closeTo(0.5 - 0.5 / Math.sqrt(3), 1e-15);
    expect(two.alphas[1]).to.be.closeTo(0.5 + 0.5 / Math.sqrt(3), 1e-15);
    expect(two.weights[0]).to.be.closeTo(0.5, 1e-15);
    expect(two.weights[1]).to.be.closeTo(0.5, 1e-15);
  });

  it('rejects a step count that is not a positive whole number with invalid-attribute', () => {
    for (const steps of [0, -3, 2.5, NaN]) {
      let thrown: unknown;
      try {
        integrationRule('trapezoid', steps);
      } catch (error) {
        thrown = error;
      }
      expect(isIgError(thrown) && thrown.code, String(steps)).to.equal('invalid-attribute');
    }
  });
});

describe('refinementPlan', () => {
  it('visits every node once, coarse to fine, each level a prefix that is the coarser rule', () => {
    for (const method of METHODS) {
      for (const steps of [1, 6, 16, 50, 97, 128]) {
        const rule = integrationRule(method, steps);
        const plan = refinementPlan(method, steps);
        const where = `${method} ${steps}`;
        expect(
          [...plan.order].sort((a, b) => a - b),
          where,
        ).to.deep.equal(rule.alphas.map((_, k) => k));
        const last = plan.levels.at(-1)!;
        expect(last, where).to.deep.equal({ points: rule.alphas.length, scale: 1, steps });
        for (const level of plan.levels) {
          // The prefix, in alpha order, with the full rule's weights times scale, is the rule of
          // level.steps segments: a coarse map is a real IG estimate, not a partial sum.
          const prefix = plan.order.slice(0, level.points).sort((a, b) => a - b);
          const coarse = integrationRule(method, level.steps);
          expect(prefix.length, where).to.equal(coarse.alphas.length);
          prefix.forEach((k, i) => {
            expect(rule.alphas[k], where).to.be.closeTo(coarse.alphas[i], 1e-6);
            expect(rule.weights[k] * level.scale, where).to.be.closeTo(coarse.weights[i], 1e-12);
          });
        }
      }
    }
  });

  it('halves strides where steps allows: 50 -> 1, 2, 10, 50 segments; 16 -> 1, 2, 4, 8, 16', () => {
    expect(refinementPlan('trapezoid', 50).levels.map((l) => l.steps)).to.deep.equal([
      1, 2, 10, 50,
    ]);
    expect(refinementPlan('trapezoid', 50).order.slice(0, 3)).to.deep.equal([0, 50, 25]);
    expect(refinementPlan('riemann-right', 16).levels.map((l) => l.steps)).to.deep.equal([
      1, 2, 4, 8, 16,
    ]);
    // Midpoints nest only under odd factors; Gauss-Legendre nodes never.
    expect(refinementPlan('riemann-middle', 12).levels.map((l) => l.steps)).to.deep.equal([4, 12]);
    expect(refinementPlan('riemann-middle', 16).levels.map((l) => l.steps)).to.deep.equal([16]);
    expect(refinementPlan('gausslegendre', 50).levels.map((l) => l.steps)).to.deep.equal([50]);
  });
});
