/**
 * Adam with one kernel per variable and step (kernels/adam-update.ts) where the backend has it,
 * else TensorFlow.js's own update. It is a tf.AdamOptimizer in every other respect: the same
 * hyper-parameters, state variables, getWeights/setWeights layout and serialised class name.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, adamInput, type AdamUpdateAttrs } from './kernels/adam-update.js';

/** AdamOptimizer's private state (tfjs-core 4.x): its moments the fused update keeps as the original does. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /** The step size used from the next applyGradients on (for learning-rate schedules). */
  setLearningRate(learningRate: number): void {
    if (!(learningRate >= 0) || !Number.isFinite(learningRate)) {
      throw new RangeError(`FusedAdamOptimizer: learning rate must be a finite number >= 0, got ${learningRate}`);
    }
    this.learningRate = learningRate;
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const state = this as unknown as AdamState;
    if (tf.getKernel(ADAM_UPDATE, tf.getBackend()) === undefined) {
      // The fused path does not keep accBeta1/2 up to date; the original update relies on them.
      tf.tidy(() => {
        state.accBeta1.assign(tf.scalar(this.beta1 ** (this.iterations + 1)));
        state.accBeta2.assign(tf.scalar(this.beta2 ** (this.iterations + 1)));
      });
      super.applyGradients(variableGradients);
      return;
    }
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor] as const)
      : Object.entries(variableGradients);
    const t = this.iterations + 1;
    tf.tidy(() => {
      const inputs: tf.NamedTensorMap = {};
      const updated: tf.Variable[] = [];
      entries.forEach(([name, gradient], i) => {
        const value = tf.engine().registeredVariables[name]!;
        // Moments are matched by position in the gradient map, as tf.AdamOptimizer does (and as saved
        // optimiser state relies on: variable names may differ between runs), so every step must pass
        // the same variables in the same order.
        const moment = (suffix: string) => ({ originalName: `${name}/${suffix}`, variable: tf.zerosLike(value).variable(false) });
        state.accumulatedFirstMoment[i] ??= moment('m');
        state.accumulatedSecondMoment[i] ??= moment('v');
        const m = state.accumulatedFirstMoment[i]!.variable;
        const v = state.accumulatedSecondMoment[i]!.variable;
        if (gradient == null) return;
        const k = updated.length / 3;
        Object.assign(inputs, { [adamInput('value', k)]: value, [adamInput('m', k)]: m, [adamInput('v', k)]: v, [adamInput('gradient', k)]: gradient });
        updated.push(value, m, v);
      });
      const attrs: AdamUpdateAttrs = {
        count: updated.length / 3, learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2,
        epsilon: this.epsilon, correction1: 1 - this.beta1 ** t, correction2: 1 - this.beta2 ** t,
      };
      const results = tf.engine().runKernel(ADAM_UPDATE, inputs, attrs) as tf.Tensor[];
      updated.forEach((variable, j) => variable.assign(results[j]!));
    });
    this.incrementIterations();
  }
}

/** Like tf.train.adam (epsilon defaults to the backend's, 1e-7 for float32). */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
