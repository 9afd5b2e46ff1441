// Backend switches one at a time: a worker may be asked for a backend by two things at once (an
// explanation starting while an earlier one's helper still sets up, a memory probe), and two
// tf.setBackend calls at once left the WebGL backend's kernels running on another's state
// ("Cannot read properties of undefined (reading 'get')" in the WebGL Reshape kernel).
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { currentBackend, useBackend } from '../../src/worker/backend.js';

const options = {
  thread: 'main' as const,
  entryUrl: new URL('/src/worker/worker.ts', location.href).href,
};

describe('useBackend', function () {
  this.timeout(120000);

  it('serves calls made at once one after another, ending on the last one asked', async () => {
    const chosen = await Promise.all([
      useBackend('auto', options),
      useBackend('webgl', options),
      useBackend('auto', options),
      useBackend('cpu', options),
    ]);
    expect(chosen[1]).to.equal('webgl');
    expect(chosen[3]).to.equal('cpu');
    expect(chosen[0]).to.equal(chosen[2]);
    expect(currentBackend()).to.equal('cpu');
    expect(tf.getBackend()).to.equal('cpu');
    // A convolution runs on it: 3x3 of ones over 3 channels of ones, 27 in the middle.
    const y = tf.tidy(() =>
      tf.conv2d(
        tf.ones([1, 5, 5, 3]) as tf.Tensor4D,
        tf.ones([3, 3, 3, 2]) as tf.Tensor4D,
        1,
        'same',
      ),
    );
    const values = await y.data();
    y.dispose();
    expect(values[2 * (5 * 2 + 2)]).to.equal(27);
  });
});
