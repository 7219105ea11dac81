/**
 * Gradient clipping by global norm (PPO's max_grad_norm), which TensorFlow.js lacks: all
 * gradients are scaled by min(1, maxNorm / (norm + 1e-6)), norm being the L2 norm of all of them
 * together, as torch.nn.utils.clip_grad_norm_ does.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The clipped gradients (new tensors, same keys) and the norm before clipping. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  if (!(maxNorm > 0)) throw new RangeError(`maxNorm must be positive, got ${maxNorm}`);
  return tf.tidy(() => {
    const tensors = Object.values(grads);
    const norm = tf.sqrt(tf.addN(tensors.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    const clipped = Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)]));
    return { grads: clipped, norm };
  });
}
