/**
 * Saving and restoring a set of variables with their Adam state through models/serialization's
 * checkpoint files (atomic, digest-checked). Variables are matched by position and shape, since
 * their names are unique per process rather than stable.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadCheckpoint, saveCheckpoint, type NamedTensor } from '../compute/serialization.js';
import { CheckpointMismatchError } from '../errors.js';

/** Write `variables` (group 'model') and the optimiser's state (group 'optimizer') with `meta`. */
export async function saveModelState(path: string, variables: readonly tf.Variable[], optimizer: tf.Optimizer, meta: Record<string, unknown>): Promise<void> {
  const model: NamedTensor[] = variables.map((v, i) => ({ name: `${i}`, tensor: v }));
  const state = await optimizer.getWeights();
  try {
    saveCheckpoint(path, { model, optimizer: state.map(({ name, tensor }) => ({ name, tensor })) }, meta);
  } finally {
    // getWeights makes a new iteration-count scalar; the moments are the optimiser's own variables.
    state[0]?.tensor.dispose();
  }
}

/**
 * Load what saveModelState wrote into `variables` and `optimizer`; returns the meta. `checkMeta`
 * may refuse the file (throw) by its meta; a file whose tensors do not fit (another architecture)
 * is refused too, in both cases before anything is changed.
 */
export async function loadModelState(
  path: string, variables: readonly tf.Variable[], optimizer: tf.Optimizer, what: string,
  checkMeta: (meta: Record<string, unknown>) => void = () => {},
): Promise<Record<string, unknown>> {
  const { groups, meta } = loadCheckpoint(path);
  const all = Object.values(groups).flat().map((t) => t.tensor);
  try {
    checkMeta(meta);
    const model = groups.model ?? [];
    const optimizerState = groups.optimizer ?? [];
    if (model.length !== variables.length) {
      throw new CheckpointMismatchError(`${path}: holds ${model.length} ${what} tensors, this ${what} has ${variables.length} (another architecture)`);
    }
    model.forEach(({ tensor }, i) => {
      const expected = variables[i]!.shape;
      if (!tf.util.arraysEqual(tensor.shape, expected)) {
        throw new CheckpointMismatchError(`${path}: ${what} tensor ${i} has shape [${tensor.shape}] in the file but [${expected}] here (another architecture or input shape)`);
      }
    });
    // Adam: [iterations, first moments of every variable, second moments of every variable].
    const moments = optimizerState.slice(1);
    if (optimizerState.length === 0 || (moments.length !== 0 && moments.length !== 2 * variables.length)) {
      throw new CheckpointMismatchError(`${path}: optimizer state has ${optimizerState.length} tensors; expected 1 or ${1 + 2 * variables.length}`);
    }
    moments.forEach(({ tensor }, i) => {
      if (!tf.util.arraysEqual(tensor.shape, variables[i % variables.length]!.shape)) {
        throw new CheckpointMismatchError(`${path}: optimizer tensor ${i + 1} does not fit variable ${i % variables.length}`);
      }
    });
    model.forEach(({ tensor }, i) => variables[i]!.assign(tensor));
    await optimizer.setWeights(optimizerState.map(({ name, tensor }) => ({ name, tensor })));
  } finally {
    tf.dispose(all);
  }
  return meta;
}
