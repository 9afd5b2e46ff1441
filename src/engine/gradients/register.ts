// Every input gradient the engine fills in or replaces, registered together.
import { registerFastConvGradient } from '../conv-gradient.js';
import { registerFastKernels } from '../kernels/register.js';
import { registerDepthwiseInputGradient } from './depthwise.js';
import { registerMaxPoolInputGradient } from './pooling.js';
import { registerRelu6Gradient } from './relu6.js';

/**
 * Registers the engine's input gradients with TF.js (global, once): Conv2D as a forward
 * convolution on WASM and for dilations everywhere, DepthwiseConv2dNative where the backend has
 * no DepthwiseConv2dNativeBackpropInput and for dilations, MaxPool where the backend's MaxPoolGrad
 * fails on negative windows (WASM, by the windows' argmax), Relu6 in one kernel (WASM).
 * Layers models are made to differentiate towards the input at load
 * (differentiateTowardsInput), graph models by unfuseLinearOps.
 */
export function registerInputGradients(): void {
  registerFastKernels();
  registerFastConvGradient();
  registerDepthwiseInputGradient();
  registerMaxPoolInputGradient();
  registerRelu6Gradient();
}
