// Bad command lines, as classes: every value flag of every command without its value, every count
// flag past its documented maximum, every choice flag with a bad value, every unknown subcommand,
// every failing --import; each is one line on stderr naming the flag and what is valid.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CliResult, ROOT, helpOptions, inBatches, runCli, runCliAsync } from './helpers/cli.js';
import { typeEnvOptions } from '../scripts/cli/support.js';

const scratch = mkdtempSync(join(tmpdir(), 'latentgym-cli-input-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(args);

function assertOneLineError(r: CliResult, pattern: RegExp, code = 2, what = '') {
  assert.equal(r.code, code, `${what}: exit ${r.code}\n${r.stdout}${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `${what}: expected one error line, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^latentgym: [^Y]/, what);
  assert.match(lines[0]!, pattern, what);
}

/** Every command that runs something, with the arguments it requires. */
const COMMANDS: { path: string[]; required: string[] }[] = [
  { path: ['envs'], required: [] },
  { path: ['rollout'], required: ['--env', 'Pendulum-v1'] },
  { path: ['collect'], required: ['--env', 'Pendulum-v1', '--out', 'data/none'] },
  { path: ['train', 'ppo'], required: ['--env', 'Pendulum-v1'] },
  { path: ['eval'], required: ['--run', 'runs/none'] },
  { path: ['bench', 'envs'], required: [] },
  { path: ['bench', 'nn'], required: [] },
  { path: ['bench', 'ppo'], required: [] },
  { path: ['figures'], required: [] },
];

/** Real-valued flags (rates, coefficients, seconds): ranges, but no integer maximum. */
const REAL_FLAGS = new Set(['lr', 'gamma', 'gae-lambda', 'clip-coef', 'vf-coef', 'ent-coef', 'max-grad-norm', 'target-kl', 'log-std-init', 'encoder-lr', 'seconds']);

const helps = new Map<string, ReturnType<typeof helpOptions>>();
function optionsOf(path: string[]) {
  const key = path.join(' ');
  if (!helps.has(key)) {
    const r = cli(...path, '--help');
    assert.equal(r.code, 0, r.stderr);
    helps.set(key, helpOptions(r.stdout));
  }
  return helps.get(key)!;
}

test('a value flag given without its value is refused with one line, on every command', async () => {
  const cases = COMMANDS.flatMap(({ path, required }) => optionsOf(path)
    .filter((o) => o.type !== 'boolean' && o.flag !== 'help' && o.flag !== 'version')
    .filter((o) => !required.includes(`--${o.flag}`))
    .map((o) => ({ what: `${path.join(' ')} --${o.flag}`, flag: o.flag, args: [...path, ...required, `--${o.flag}`, '--dry-run'] })));
  assert.ok(cases.length > 50, `${cases.length} value flags`);
  assert.ok(cases.some((c) => c.what === 'train ppo --steps') && cases.some((c) => c.what === 'rollout --import'));
  const results = await inBatches(cases, 4, (c) => runCliAsync(c.args, { timeoutMs: 30_000 }));
  cases.forEach((c, i) => assertOneLineError(results[i]!, new RegExp(`--${c.flag} needs a value`), 2, c.what));
  // The value may also be missing at the end of the line.
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--steps'), /--steps needs a value/);
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--steps', '5', '--steps', '6'), /--steps is given twice/);
});

test('every count flag documents its range and refuses values past it with one line', async () => {
  const cases: { what: string; args: string[]; flag: string; max: number }[] = [];
  for (const { path, required } of COMMANDS) {
    for (const o of optionsOf(path).filter((x) => x.type === 'number' || x.flag === 'seeds')) {
      if (REAL_FLAGS.has(o.flag)) continue;
      const range = /integer in \[(\d+), (\d+)\]/.exec(o.text);
      assert.ok(range, `${path.join(' ')} --${o.flag} documents no range: ${o.text}`);
      const max = Number(range[2]);
      cases.push({ what: `${path.join(' ')} --${o.flag}`, flag: o.flag, max, args: [...path, ...required, `--${o.flag}`, String(max + 1), '--dry-run'] });
    }
  }
  const byFlag = new Map(cases.map((c) => [c.what, c.max]));
  assert.equal(byFlag.get('rollout --steps'), 1e9);
  assert.equal(byFlag.get('train ppo --steps'), 1e9);
  assert.equal(byFlag.get('eval --episodes'), 1e6);
  assert.equal(byFlag.get('rollout --num-envs'), 1024);
  assert.equal(byFlag.get('train ppo --num-envs'), 1024);
  // One seed range everywhere: env i (and evaluation episode k) is seeded with seed + i, which must stay a valid seed.
  for (const seed of ['rollout --seed', 'train ppo --seed', 'eval --seed', 'figures --seeds']) assert.equal(byFlag.get(seed), 2 ** 31 - 1 - 2 ** 20, seed);
  const results = await inBatches(cases, 4, (c) => runCliAsync(c.args, { timeoutMs: 30_000 }));
  cases.forEach((c, i) => assertOneLineError(results[i]!, new RegExp(`--${c.flag} must be an integer in \\[\\d+, ${c.max}\\], got ${c.max + 1}`), 2, c.what));
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--steps', '1e30'), /--steps must be an integer in \[1, 1000000000\], got 1e\+30/);
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--seed', '2147483647', '--num-envs', '2', '--steps', '10'), /--seed must be an integer in \[0, 2146435071\]/);
  assertOneLineError(cli('bench', 'envs', '--seconds', '1e6'), /--seconds must be a number in \(0, 3600\], got 1000000/);
});

test('a bad choice prints the valid choices on one line', () => {
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--vectorization', 'foo'), /--vectorization must be one of sync, async, got foo/);
  assertOneLineError(cli('train', 'ppo', '--env', 'Pendulum-v1', '--obs', 'eyes'), /--obs must be one of state, pixels, latent, got eyes/);
  assertOneLineError(cli('eval', '--run', 'x', '--backend', 'gpu'), /--backend must be one of auto, tensorflow, wasm, cpu, got gpu/);
  assertOneLineError(cli('bench', 'ppo', '--config', 'fast'), /--config must be one of pendulum, cleanrl, got fast/);
});

test('an unknown command or subcommand names the valid ones', () => {
  assertOneLineError(cli('frobnicate'), /unknown command 'frobnicate'; valid: envs, rollout, collect, train, eval, bench, figures/);
  assertOneLineError(cli('bench', 'foo'), /unknown benchmark suite 'foo'; valid: envs, nn, ppo/);
  assertOneLineError(cli('train', 'foo'), /unknown algorithm 'foo'; valid: ppo/);
  assertOneLineError(cli('train', 'foo', '--env', 'Pendulum-v1'), /unknown algorithm 'foo'; valid: ppo/);
  assertOneLineError(cli('figures', 'foo'), /unknown figure 'foo'; valid: ppo-pendulum \(or list, all\)/);
  assertOneLineError(cli('bench'), /name a benchmark suite: envs, nn, ppo/);
  assertOneLineError(cli(), /name a command: envs, rollout, collect, train, eval, bench, figures/);
});

test('--dry-run checks flags, their combinations and env ids, and runs nothing', () => {
  const out = join(scratch, 'dry');
  const ok = cli('train', 'ppo', '--env', 'Pendulum-v1', '--steps', '1000', '--out', out, '--dry-run');
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /the command line is valid/);
  assert.equal(existsSync(out), false, 'nothing was run');
  assertOneLineError(cli('train', 'ppo', '--env', 'Pendulum-v1', '--preset', 'pendulum', '--out', out, '--resume', '--dry-run'), /--preset cannot be combined with --resume/);
  assertOneLineError(cli('rollout', '--env', 'MyEnv-v0', '--dry-run'), /unknown env id 'MyEnv-v0'; registered: /, 1);
  assertOneLineError(cli('bench', 'envs', '--env', 'Pendulum-v1', '--env', 'MyEnv-v0', '--dry-run'), /unknown env id 'MyEnv-v0'/, 1);
});

test('train ppo: a rollout far beyond --steps is refused; rounding up to whole rollouts is said', () => {
  assertOneLineError(cli('train', 'ppo', '--env', 'Pendulum-v1', '--num-envs', '1024', '--steps', '20000', '--out', join(scratch, 'huge')),
    /--steps 20000 is less than a tenth of one rollout \(--num-envs 1024 x --num-steps 2048 = 2,097,152 steps\); lower --num-steps/);
  const out = join(scratch, 'rounded');
  const r = cli('train', 'ppo', '--env', 'Pendulum-v1', '--num-envs', '2', '--num-steps', '64', '--steps', '300', '--epochs', '1',
    '--hidden', '8', '--eval-episodes', '0', '--quiet', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /--steps 300 rounds up to 384 steps: 3 whole rollouts of --num-envs 2 x --num-steps 64/);
  const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step?: number });
  assert.equal(rows[rows.length - 1]!.step, 384);
});

test('every --import failure names the file and the first line of its cause', () => {
  const dir = join(scratch, 'modules');
  mkdirSync(dir);
  const write = (name: string, text: string) => { writeFileSync(join(dir, name), text); return join(dir, name); };
  const syntax = write('syntax.mjs', 'export const a = 1;\nexport const b = {;\n');
  assertOneLineError(cli('rollout', '--import', syntax, '--env', 'Pendulum-v1'), /could not load the user module .*syntax\.mjs: SyntaxError: Unexpected token ';' \(.*syntax\.mjs:2\)/, 1);
  write('broken-dep.mjs', 'export const x = );\n');
  const importer = write('importer.mjs', "import './broken-dep.mjs';\n");
  assertOneLineError(cli('rollout', '--import', importer, '--env', 'Pendulum-v1'), /could not load the user module .*importer\.mjs: SyntaxError: .*\(.*broken-dep\.mjs:1\)/, 1);
  const thrower = write('thrower.mjs', "throw 'boom';\n");
  assertOneLineError(cli('rollout', '--import', thrower, '--env', 'Pendulum-v1'), /could not load the user module .*thrower\.mjs: boom/, 1);
  const empty = write('empty-error.mjs', "throw new TypeError('');\n");
  assertOneLineError(cli('rollout', '--import', empty, '--env', 'Pendulum-v1'), /could not load the user module .*empty-error\.mjs: TypeError \(no message\)/, 1);
  const missing = write('missing-package.mjs', "import 'no-such-package-xyz';\n");
  assertOneLineError(cli('rollout', '--import', missing, '--env', 'Pendulum-v1'), /could not load the user module .*missing-package\.mjs: .*Cannot find package 'no-such-package-xyz'/, 1);
  assertOneLineError(cli('rollout', '--import', dir, '--env', 'Pendulum-v1'), /--import: .*modules is a directory, expected a JavaScript module file/);
});

test('an env factory that returns no Env is one line naming the env id and its factory', () => {
  const module = join(scratch, 'null-env.mjs');
  writeFileSync(module, `import { register } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'envs', 'index.js')).href)};\nregister('Null-v0', () => null);\n`);
  assertOneLineError(cli('rollout', '--import', module, '--env', 'Null-v0', '--steps', '10'), /Null-v0.*factory|factory.*Null-v0/, 1);
});

test('--env-option values are typed by the env\'s defaults, then make() validates them', () => {
  const defaults = { g: 10, observation: 'state', randomizeScene: true, meshDir: '' };
  assert.deepEqual(typeEnvOptions('Some-v0', defaults, { g: '9.5', observation: '12', randomizeScene: 'false', meshDir: 'a/b', extra: 'true', other: '3', word: 'x' }),
    { g: 9.5, observation: '12', randomizeScene: false, meshDir: 'a/b', extra: true, other: 3, word: 'x' });
  assert.throws(() => typeEnvOptions('Some-v0', defaults, { g: 'heavy' }), /--env-option g=heavy: Some-v0's option 'g' is a number/);
  assert.throws(() => typeEnvOptions('Some-v0', defaults, { randomizeScene: 'yes' }), /--env-option randomizeScene=yes: Some-v0's option 'randomizeScene' is true or false/);

  const r = cli('rollout', '--env', 'Pendulum-v1', '--env-option', 'g=5', '--env-option', 'maxEpisodeSteps=50', '--steps', '200', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { episodes: number }).episodes, 4, 'maxEpisodeSteps=50 reached make()');
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--env-option', 'gravity=5'), /unknown option 'gravity'; valid options: .*\bg\b/, 1);
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--env-option', 'g=-1'), /option 'g' must be/, 1);
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--env-option', 'g'), /--env-option must be KEY=VALUE, got g/);
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--env-option', 'g=1', '--env-option', 'g=2'), /--env-option g is given twice/);
  assertOneLineError(cli('rollout', '--env', 'Pendulum-v1', '--env-option', 'renderMode=rgb_array'), /--env-option renderMode: the command sets the render mode/);
  assertOneLineError(cli('eval', '--run', 'x', '--env-option', 'g=5'), /eval runs the env with the options the run was trained with/);

  const out = join(scratch, 'env-option-run');
  const t = cli('train', 'ppo', '--env', 'Pendulum-v1', '--env-option', 'g=9.5', '--num-envs', '1', '--num-steps', '32', '--steps', '32',
    '--epochs', '1', '--hidden', '8', '--eval-episodes', '0', '--quiet', '--out', out);
  assert.equal(t.code, 0, t.stderr);
  const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { config: { envOptions: unknown } };
  assert.deepEqual(record.config.envOptions, { g: 9.5 });
  assertOneLineError(cli('train', 'ppo', '--resume', '--out', out, '--env-option', 'g=3'), /--env-option .* differs from the run's/);

  const b = cli('bench', 'envs', '--env', 'Pendulum-v1', '--env-option', 'g=5', '--seconds', '0.05', '--json');
  assert.equal(b.code, 0, b.stderr);
  assertOneLineError(cli('bench', 'envs', '--env', 'Pendulum-v1', '--env-option', 'renderWidth=32'), /--env-option renderWidth: bench envs sets the frame size \(--size\)/);
});

test('bench envs shows its progress: a line per env on stderr as each finishes', () => {
  const r = cli('bench', 'envs', '--env', 'Pendulum-v1', '--env', 'Planar-v0', '--seconds', '0.05', '--json');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[0]!, /^bench envs: Pendulum-v1 \(1\/2\) done/);
  assert.match(lines[1]!, /^bench envs: Planar-v0 \(2\/2\) done/);
  assert.equal((JSON.parse(r.stdout) as { results: unknown[] }).results.length, 4);
});

test('train ppo --help says what --env requires and what each preset sets', () => {
  const r = cli('train', 'ppo', '--help');
  assert.equal(r.code, 0, r.stderr);
  const env = optionsOf(['train', 'ppo']).find((o) => o.flag === 'env')!;
  assert.match(env.text, /required for a new run/);
  const text = r.stdout.replace(/\s*\n\s*/g, ' '); // yargs wraps the lines
  assert.match(text, /pendulum: .*--num-envs 4 --num-steps 1024 --gamma 0\.9/);
  assert.match(text, /pixels: .*--num-envs 8 --num-steps 128 --epochs 4 --minibatch-size 256/);
});

/** A module hook that logs every package the CLI resolves (as `node --import` loads it first). */
function packageLog(name: string): { nodeArgs: string[]; read: () => string[] } {
  const log = join(scratch, `${name}.log`);
  writeFileSync(log, '');
  const hooks = join(scratch, `${name}-hooks.mjs`);
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (!/^(node:|[./]|file:)/.test(specifier)) appendFileSync(${JSON.stringify(log)}, specifier + '\\n');
  return next(specifier, context);
}\n`);
  const register = join(scratch, `${name}-register.mjs`);
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  return { nodeArgs: ['--import', pathToFileURL(register).href], read: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

test('--help of every command and `envs` load no TensorFlow.js, agents, plots or figures', () => {
  const heavy = /^(@tensorflow\/|chart\.js|@napi-rs\/canvas|cannon-es|gifenc)/;
  for (const path of [[], ...COMMANDS.map((c) => c.path), ['train'], ['bench']]) {
    const hook = packageLog(`help-${path.join('-') || 'top'}`);
    const r = runCli([...path, '--help'], 60_000, { nodeArgs: hook.nodeArgs });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(hook.read().filter((p) => heavy.test(p)), [], `${path.join(' ')} --help`);
  }
  const hook = packageLog('envs');
  const r = runCli(['envs', '--json'], 60_000, { nodeArgs: hook.nodeArgs });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(hook.read().filter((p) => /^(@tensorflow\/|chart\.js)/.test(p)), [], 'envs');
});
