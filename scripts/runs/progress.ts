/**
 * Progress on the terminal: a bar with rate, ETA and a few key numbers when stderr is a terminal
 * (cli-progress), nothing otherwise (the caller prints one line per iteration instead).
 */
import { SingleBar } from 'cli-progress';

/** A number with thousands separators. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `{name: value}` as 'name value, name value'. */
export function formatFields(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields).map(([name, value]) => `${name} ${value}`).join(', ');
}

export interface ProgressBar {
  /** Move to `value` (of the total), showing `fields`. */
  update(value: number, fields?: Readonly<Record<string, string>>): void;
  stop(): void;
}

/**
 * A bar `label [====] value/total unit | rate unit/s | ETA | fields` on stderr, or undefined when
 * `quiet` or stderr is not a terminal.
 */
export function progressBar(label: string, unit: string, total: number, start: number, quiet: boolean): ProgressBar | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted} | {fields}`,
    stream: process.stderr, etaBuffer: 20,
  });
  const startTime = performance.now();
  bar.start(total, start, { rate: '-', fields: '' });
  return {
    update(value, fields = {}) {
      const seconds = (performance.now() - startTime) / 1000;
      bar.update(value, { rate: seconds > 0 ? formatCount((value - start) / seconds) : '-', fields: formatFields(fields) });
    },
    stop: () => bar.stop(),
  };
}
