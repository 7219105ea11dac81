import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';


const scratch = mkdtempSync(join(tmpdir(), 'latentgym-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(args);

function assertOneLineError(r: ReturnType<typeof cli>, pattern: RegExp, code = 2) {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one error line, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^latentgym: [^Y]/); // no wrapper error names such as YError
  assert.match(lines[0]!, pattern);
}

test('envs lists the built-in environments with their spaces', () => {
  const r = cli('envs', '--json');
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { id: string; observationSpace: string; actionSpace: string }[];
  const pendulum = rows.find((row) => row.id === 'Pendulum-v1');
  assert.equal(pendulum?.observationSpace, 'Box([-1, -1, -8], [1, 1, 8], [3], float32)');
  assert.equal(pendulum?.actionSpace, 'Box(-2, 2, [1], float32)');
  assert.ok(rows.some((row) => row.id === 'Planar-v0'));
});

test('rollout reports steps/s, episodes and mean return, and writes a GIF', () => {
  const gif = join(scratch, 'first.gif');
  const r = cli('rollout', '--env', 'Pendulum-v1', '--steps', '400', '--num-envs', '2', '--seed', '3', '--gif', gif, '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { steps: number; episodes: number; meanReturn: number; stepsPerSecond: number };
  assert.equal(out.steps, 400);
  assert.equal(out.episodes, 2); // two envs x 200-step episodes
  assert.ok(out.meanReturn < 0 && out.stepsPerSecond > 0);
  assert.equal(readFileSync(gif).subarray(0, 6).toString('latin1'), 'GIF89a');
  const again = cli('rollout', '--env', 'Pendulum-v1', '--steps', '400', '--num-envs', '2', '--seed', '3', '--json');
  assert.equal((JSON.parse(again.stdout) as { meanReturn: number }).meanReturn, out.meanReturn, 'same seed, same returns');
});

test('bad input gives one clear error line and a non-zero exit', () => {
  assertOneLineError(cli('rollout', '--env', 'Nope-v0'), /unknown env id 'Nope-v0'; registered: .*Pendulum-v1/, 1);
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--steps', '-5'), /--steps must be an integer in \[1, 1000000000\], got -5/);
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--num-envs', 'two'), /--num-envs must be an integer in \[1, 1024\], got two/);
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--gif', '/no/such/dir/x.gif'), /directory \/no\/such\/dir does not exist/);
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--import', 'missing-module.js'), /--import: file .*missing-module.js does not exist/);
  assertOneLineError(cli('rollout'), /Missing required argument: env/);
  assertOneLineError(cli('frobnicate'), /unknown command 'frobnicate'; valid: envs, rollout/);
});

test('--help works on every command', () => {
  for (const args of [['--help'], ['envs', '--help'], ['rollout', '--help'], ['bench', 'envs', '--help']]) {
    const r = cli(...args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /Options:/);
  }
});

test('a user module registers a custom env usable by rollout, also in worker threads', () => {
  const envs = new URL('../envs/index.js', import.meta.url).href;
  const module = join(scratch, 'coin.mjs');
  writeFileSync(module, `
import { Env, Box, Discrete, register, ndarray } from '${envs}';
class CoinEnv extends Env {
  observationSpace = new Box({ low: 0, high: 1, shape: [1] });
  actionSpace = new Discrete(2);
  metadata = { renderModes: [], renderFps: 1 };
  renderMode = undefined;
  reset({ seed } = {}) { this.seedRandom(seed); return { observation: ndarray([0]), info: {} }; }
  step(action) {
    const reward = this.npRandom.integer(0, 1) === action ? 1 : 0;
    return { observation: ndarray([reward]), reward, terminated: false, truncated: false, info: {} };
  }
}
register('Coin-v0', () => new CoinEnv(), { maxEpisodeSteps: 10 });
`);
  for (const mode of ['sync', 'async']) {
    const r = cli('rollout', '--import', module, '--env', 'Coin-v0', '--steps', '100', '--num-envs', '2', '--vectorization', mode, '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { episodes: number; meanReturn: number };
    assert.equal(out.episodes, 10);
    assert.ok(out.meanReturn >= 0 && out.meanReturn <= 10);
  }
});

test('bench envs --json reports steps/s with and without rendering', () => {
  const r = cli('bench', 'envs', '--env', 'Pendulum-v1', '--seconds', '0.2', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { results: { env: string; mode: string; stepsPerSecond: number; frameSize: number[] | null }[] };
  assert.deepEqual(out.results.map((x) => x.mode), ['step', 'render']);
  assert.deepEqual(out.results[1]!.frameSize, [64, 64]);
  assert.ok(out.results.every((x) => x.stepsPerSecond > 0));
});
