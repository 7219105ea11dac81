/** File writing shared by every part that saves results: GIFs, checkpoints, run records, plots. */
import { existsSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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

/** Whether process `pid` is alive on this host (EPERM: alive, but another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the entries of `dir` that `pattern` marks as temporaries of a process (its first capture
 * group is the pid) that is no longer alive: what a killed writer left behind.
 */
export function removeDeadTemporaries(dir: string, pattern: RegExp): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const pid = pattern.exec(name)?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && !processAlive(Number(pid))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}
