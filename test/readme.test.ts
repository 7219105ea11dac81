// The READMEs' examples, as a user meets them: every ```ts block (README.md and agents/ppo/README.md)
// compiles with `tsc --strict` against the built package, the ```js custom-env example runs under
// `latentgym rollout --import`, and every `npx latentgym ...` line of their ```sh blocks parses
// (flags, values, env ids: `--dry-run`), so examples and flags cannot drift apart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, inBatches, runCli, runCliAsync } from './helpers/cli.js';

const READMES = ['README.md', 'agents/ppo/README.md'];

/** The blocks of one language in a Markdown file, with the file they come from. */
function blocks(language: string): { file: string; code: string }[] {
  return READMES.flatMap((file) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))]
    .map((m) => ({ file, code: m[1]! })));
}

/** A user's project with latentgym installed (a link to this checkout). */
let project = '';
const scratch = mkdtempSync(join(tmpdir(), 'latentgym-readme-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
before(() => {
  project = join(scratch, 'user-project');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(project, 'node_modules', 'latentgym'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', type: 'module', private: true }));
});

test('every ```ts example of the READMEs compiles with tsc --strict against the built package', () => {
  const examples = blocks('ts');
  assert.ok(examples.length >= 5, `${examples.length} examples`);
  const dir = join(project, 'ts');
  mkdirSync(dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'],
      types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')], skipLibCheck: true,
    },
    include: ['*.ts'],
  }));
  const names = examples.map((e, i) => `${e.file.replace(/[/.]/g, '_')}-${i}.ts`);
  // Each block is a module of its own (top-level await, its own imports).
  examples.forEach((e, i) => writeFileSync(join(dir, names[i]!), `${e.code}\nexport {};\n`));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `tsc --strict on the README examples (${names.join(', ')}):\n${r.stdout}${r.stderr}`);
});

test('the README\'s JavaScript custom env runs under rollout --import, as the README says', () => {
  const [example, ...more] = blocks('js').filter((b) => b.file === 'README.md');
  assert.ok(example && more.length === 0, 'one ```js block: the custom env');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const said = /Save it as `([\w.-]+)` and `npx latentgym (rollout --import [^`]+)`/.exec(readme);
  assert.ok(said, 'the README says how to run it');
  writeFileSync(join(project, said[1]!), example.code);
  const args = said[2]!.split(/\s+/).concat('--steps', '100', '--json');
  for (const vectorization of ['sync', 'async']) {
    const r = runCli([...args, '--vectorization', vectorization], 60_000, { cwd: project });
    assert.equal(r.code, 0, `latentgym ${args.join(' ')}: ${r.stderr}`);
    assert.equal((JSON.parse(r.stdout) as { steps: number }).steps, 100);
  }
});

/** `npx latentgym ...` lines of the READMEs' sh blocks: continuations joined, comments dropped, [--optional] flags included. */
function commandLines(): string[] {
  return blocks('sh').flatMap((b) => b.code.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('npx latentgym '))
    .map((line) => line.replace(/\[([^\]]+)\]/g, '$1'));
}

test('every `npx latentgym` line of the READMEs parses (flags, values, env ids)', async () => {
  const lines = commandLines();
  assert.ok(lines.length >= 15, `${lines.length} command lines`);
  const dir = join(project, 'commands');
  mkdirSync(dir);
  const example = blocks('js').find((b) => b.file === 'README.md');
  writeFileSync(join(dir, 'my-env.js'), example?.code ?? '');
  symlinkSync(join(project, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const args = lines.map((line) => line.slice('npx latentgym '.length).split(/\s+/));
  // The directories the lines write into exist (a run directory is made by the training line before it).
  for (const a of args) {
    a.forEach((arg, i) => { if (a[i - 1] === '--gif') mkdirSync(join(dir, dirname(arg)), { recursive: true }); });
  }
  const results = await inBatches(args, 4, (a) => runCliAsync([...a, '--dry-run'], { cwd: dir, timeoutMs: 60_000 }));
  results.forEach((r, i) => assert.equal(r.code, 0, `latentgym ${args[i]!.join(' ')}:\n${r.stderr}`));
});
