import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { FigureContext, FigureError } from '../scripts/figures/figure.js';
import { RunDirectory } from '../scripts/runs/run-directory.js';
import { viridis, writeImageStrip, writeLinePlot, writeScatterPlot } from '../scripts/runs/plots.js';


const scratch = mkdtempSync(join(tmpdir(), 'latentgym-figures-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(args, 120_000);

const isPng = (path: string) => readFileSync(path).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
const isSvg = (path: string) => /^(<\?xml|<svg)/.test(readFileSync(path, 'utf8')) && readFileSync(path, 'utf8').includes('</svg>');

test('figures list names each figure with what it reproduces and its full wall time', () => {
  const r = cli('figures', 'list');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ppo-pendulum {2}PPO on Pendulum-v1/m);
  assert.match(r.stdout, /reproduces {2}RL Baselines3 Zoo.*-172 \+- 104/);
  assert.match(r.stdout, /full {8}about .* minutes/);
});

test('an unknown figure is one error line naming the valid ones', () => {
  const r = cli('figures', 'nope', '--quick');
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(r.stderr.trim().split('\n'), ["latentgym: unknown figure 'nope'; valid: ppo-pendulum (or list, all)"]);
  const seeds = cli('figures', 'ppo-pendulum', '--seeds', '1', '1');
  assert.equal(seeds.code, 2);
  assert.match(seeds.stderr, /^latentgym: --seeds repeats a seed: 1 1\n$/);
});

test('figures all --quick writes ppo-pendulum\'s plot, numbers and summary; a second run reuses its runs', () => {
  const r = cli('figures', 'all', '--quick', '--out', scratch);
  assert.equal(r.code, 0, r.stderr);
  const out = join(scratch, 'ppo-pendulum');
  assert.ok(isPng(join(out, 'ppo-pendulum.png')));
  assert.ok(isSvg(join(out, 'ppo-pendulum.svg')));

  const [header, ...rows] = readFileSync(join(out, 'ppo-pendulum.csv'), 'utf8').trim().split('\n');
  assert.equal(header, 'step,seed,meanReturn,stdReturn,episodes');
  const cells = rows.map((row) => row.split(',').map(Number));
  assert.deepEqual([...new Set(cells.map((c) => c[1]))], [1, 2]);
  assert.deepEqual(cells.filter((c) => c[1] === 1).map((c) => c[0]), [2048, 4096, 6144, 8192]);
  for (const c of cells) assert.ok(c[2]! < 0 && c[2]! > -2000 && c[3]! >= 0 && c[4] === 10, `row ${c.join(',')}`);

  const json = JSON.parse(readFileSync(join(out, 'ppo-pendulum.json'), 'utf8')) as {
    setting: string; seeds: number[]; anchor: { mean: number; std: number }; anchorMet: boolean | null;
    curve: { step: number; mean: number; std: number; seeds: number }[]; final: { step: number; mean: number; perSeed: { seed: number; meanReturn: number }[] };
  };
  assert.equal(json.setting, 'quick');
  assert.deepEqual(json.seeds, [1, 2]);
  assert.deepEqual(json.anchor.mean, -172.225);
  assert.equal(json.anchorMet, null);
  assert.deepEqual(json.curve.map((c) => [c.step, c.seeds]), [[2048, 2], [4096, 2], [6144, 2], [8192, 2]]);
  const finals = json.final.perSeed.map((s) => s.meanReturn);
  assert.ok(Math.abs(json.final.mean - (finals[0]! + finals[1]!) / 2) < 1e-9);

  const summary = readFileSync(join(out, 'summary.md'), 'utf8');
  assert.match(summary, /QUICK setting: a smoke run, not a reproduction/);
  assert.match(summary, /rl-baselines3-zoo, -172\.225 \+- 104\.159 at 100k/);
  assert.match(summary, /\| 1 \| -?\d+\.\d \+- \d+\.\d \(10 episodes\) \|/);
  assert.match(summary, /Not assessed/);
  assert.ok(existsSync(join(out, 'runs', 'quick-seed-2', 'run.json')));

  const again = cli('figures', 'ppo-pendulum', '--quick', '--out', out);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.match(/reusing the finished run/g)?.length, 2, again.stdout);
  const reused = JSON.parse(readFileSync(join(out, 'ppo-pendulum.json'), 'utf8')) as { runs: { reused: boolean }[]; final: { mean: number } };
  assert.deepEqual(reused.runs.map((run) => run.reused), [true, true]);
  assert.equal(reused.final.mean, json.final.mean);
});

test('trainOrReuse trains an absent run, reuses a finished one, continues an unfinished one and refuses another config', async () => {
  const context = new FigureContext({ out: join(scratch, 'ctx'), quick: true });
  const dir = context.runDir('toy');
  const calls: boolean[] = [];
  const request = (config: object, steps: number) => ({
    dir, config,
    finished: (run: RunDirectory) => run.readMetrics().some((r) => r.kind === 'eval' && r.step === steps),
    train: async (d: string, resume: boolean) => {
      calls.push(resume);
      const run = resume ? RunDirectory.open(d) : RunDirectory.create(d, { command: 'toy', config: { ...config }, seed: 0, backend: {}, version: '0' });
      run.appendMetrics({ kind: 'eval', step: steps });
    },
  });
  assert.equal((await context.trainOrReuse(request({ lr: 1, sizes: [4] }, 10))).reused, false);
  assert.equal((await context.trainOrReuse(request({ lr: 1, sizes: [4] }, 10))).reused, true);
  assert.equal((await context.trainOrReuse(request({ lr: 1, sizes: [4] }, 20))).reused, false);
  assert.deepEqual(calls, [false, true]);
  await assert.rejects(context.trainOrReuse(request({ lr: 2, sizes: [4] }, 20)), (e: Error) =>
    e instanceof FigureError && /holds a run of another config \(lr: 1, the figure wants 2\); delete it or choose another --out/.test(e.message));
  const lazy = { ...request({ lr: 1, sizes: [4] }, 30), train: async () => {} };
  await assert.rejects(context.trainOrReuse(lazy), /did not finish/);
});

test('the context writes CSV (quoted where needed), JSON and a summary listing the files', () => {
  const context = new FigureContext({ out: join(scratch, 'writers'), quick: false });
  const csv = context.writeCsv('t.csv', ['a', 'b'], [{ a: 1, b: 'x,"y"' }, { a: null }]);
  assert.equal(readFileSync(csv, 'utf8'), 'a,b\n1,"x,""y"""\n,\n');
  context.writeJson('t.json', { n: 1 });
  const figure = {
    name: 'toy', title: 'Toy', reproduces: { paper: 'P', figure: 'Fig. 1', claim: 'C holds.' },
    full: { description: 'big.', wallTime: '1 h' }, quick: { description: 'small.', wallTime: '1 s' }, run: async () => {},
  };
  const summary = readFileSync(context.writeSummary(figure, '## Measured\n\n42'), 'utf8');
  assert.match(summary, /^# Toy\n\n\*\*Reproduces:\*\* P, Fig\. 1\.\n\n\*\*Claim:\*\* C holds\.\n\n\*\*Setting \(full\):\*\* big\. Expected wall time: 1 h\./);
  assert.match(summary, /## Measured\n\n42\n\nFiles: `t.csv`, `t.json`\./);
});

test('plot helpers write PNG and SVG: line with a reference band, scatter coloured by a value, image strip', () => {
  const line = writeLinePlot(join(scratch, 'line'), [{ label: 'mean', x: [0, 1, 2], y: [-3, -2, -1], lower: [-4, -3, -2], upper: [-2, -1, 0] }], {
    title: 't', xLabel: 'x', yLabel: 'y', references: [{ label: 'anchor', y: -1.5, band: 0.5 }],
  });
  const scatter = writeScatterPlot(join(scratch, 'scatter'), [{ x: 0, y: 0, value: 1 }, { x: 1, y: 2, value: 5 }, { x: 2, y: 1, value: 3 }], {
    title: 's', xLabel: 'x', yLabel: 'y', valueLabel: 'v',
  });
  const frames = [0, 128, 255].map((v) => ({ shape: [8, 6, 3], data: new Uint8Array(8 * 6 * 3).fill(v) }));
  const strip = writeImageStrip(join(scratch, 'strip'), frames, { title: 'frames', captions: ['a', 'b', 'c'], scale: 4 });
  for (const files of [line, scatter, strip]) {
    assert.ok(isPng(files.png), files.png);
    assert.ok(isSvg(files.svg), files.svg);
  }
  const png = readFileSync(strip.png);
  assert.equal(png.readUInt32BE(16), 2 * 10 + 3 * 24 + 2 * 8); // margins + 3 frames of 6 x 4 px + gaps
  assert.equal(viridis(0), '#440154');
  assert.equal(viridis(1), '#fde725');
  assert.throws(() => writeImageStrip(join(scratch, 'bad'), [{ shape: [8, 6, 4], data: new Uint8Array(192) }]), /image 0 must have shape \[H, W, 3\]/);
  assert.throws(() => writeImageStrip(join(scratch, 'bad'), frames, { captions: ['a'] }), /1 captions for 3 images/);
});
