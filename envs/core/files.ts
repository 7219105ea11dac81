/** File writing shared by every part that saves results: GIFs, checkpoints, run records, plots. */
import { existsSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Write `bytes` to `path + '.tmp-<pid>'` and rename it onto `path`, so readers never see a partial
 * file. The directory must exist (the error names it).
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`cannot write '${path}': directory '${dir}' does not exist`);
  }
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    throw error;
  }
}
