/**
 * A run's checkpoints/ folder: one directory per checkpoint, `iter-NNNNNN` by the learner's
 * iteration, written under a temporary name and renamed when complete (so a crash leaves no half
 * checkpoint, and every directory whose name matches is complete); only the newest `keep` are kept.
 * What goes inside is the learner's business.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const CHECKPOINT_PATTERN = /^iter-\d{6,}$/;

export function checkpointName(iteration: number): string {
  return `iter-${String(iteration).padStart(6, '0')}`;
}

/** Complete checkpoints in `checkpointsDir`, oldest first. */
export function listCheckpoints(checkpointsDir: string): string[] {
  if (!existsSync(checkpointsDir)) return [];
  return readdirSync(checkpointsDir).filter((n) => CHECKPOINT_PATTERN.test(n)).sort();
}

export function latestCheckpoint(checkpointsDir: string): string | undefined {
  const names = listCheckpoints(checkpointsDir);
  const last = names[names.length - 1];
  return last === undefined ? undefined : join(checkpointsDir, last);
}

/**
 * Write checkpoint `iteration` into `checkpointsDir` with `write(dir)` (into a fresh temporary
 * directory), then rename it into place and drop all but the newest `keep`. Returns its path.
 */
export async function writeCheckpoint(
  checkpointsDir: string, iteration: number, write: (dir: string) => Promise<void>, keep = Infinity,
): Promise<string> {
  const final = join(checkpointsDir, checkpointName(iteration));
  const tmp = `${final}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await write(tmp);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  rmSync(final, { recursive: true, force: true }); // the same iteration saved again after a resume
  renameSync(tmp, final);
  const all = listCheckpoints(checkpointsDir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(join(checkpointsDir, old), { recursive: true, force: true });
  return final;
}
