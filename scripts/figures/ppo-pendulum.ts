/**
 * PPO on Pendulum-v1 from state against the rl-baselines3-zoo benchmark: evaluation return (mean +-
 * std across seeds) against environment steps, with the zoo's -172 +- 104 at 100k steps drawn as a
 * reference line and band.
 *
 * Runs: one run directory per seed under OUT/runs/ (seed-S, or quick-seed-S), reused when finished
 * with the same config. They hold checkpoints, so they are not committed: the committed full figure
 * (docs/figures/ppo-pendulum/) keeps only the plot, numbers and summary; .gitignore excludes
 * docs/figures/<name>/runs/.
 */
import { relative } from 'node:path';
import { formatCount } from '../runs/progress.js';
import { type PpoConfig, resolvePpoConfig } from '../../agents/ppo/config.js';
import type { RunDirectory } from '../runs/run-directory.js';
import type { Series } from '../runs/plots.js';
import type { Figure, FigureContext } from './figure.js';
// Training, evaluation and plotting load when the figure runs (`figures list` and --help need none).

/** rl-baselines3-zoo benchmark.md: ppo, Pendulum-v1, 100k steps, one trained agent, 750 evaluation episodes. */
const ANCHOR = { mean: -172.225, std: 104.159, steps: 100_000, episodes: 750 };

interface Setting {
  seeds: number[];
  /** PpoConfig.totalSteps and numSteps (4 envs each); the rest is the `pendulum` preset. */
  totalSteps: number;
  numSteps: number;
  /** Evaluate every this many iterations, and at the end. */
  evalEvery: number;
  evalEpisodes: number;
  runPrefix: string;
}

const FULL: Setting = { seeds: [1, 2, 3], totalSteps: 100_000, numSteps: 1024, evalEvery: 5, evalEpisodes: 10, runPrefix: 'seed-' };
const QUICK: Setting = { seeds: [1, 2], totalSteps: 8192, numSteps: 256, evalEvery: 2, evalEpisodes: 10, runPrefix: 'quick-seed-' };

/** The resolved config of one seed's run: defaults <- the `pendulum` preset <- the setting's budget. */
function runConfig(setting: Setting, seed: number): PpoConfig {
  return resolvePpoConfig({ envId: 'Pendulum-v1', preset: 'pendulum', pipeline: 'state', seed, totalSteps: setting.totalSteps, numSteps: setting.numSteps });
}

/** Train (or continue) one run with exactly runConfig(setting, seed). */
async function trainRun(config: PpoConfig, setting: Setting, out: string, resume: boolean): Promise<void> {
  const { trainPpo } = await import('../runs/ppo.js');
  await trainPpo(resume ? {} : config, {
    out, resume, checkpointEvery: 5, keepCheckpoints: 1, evalEvery: setting.evalEvery, evalEpisodes: setting.evalEpisodes, quiet: true,
  });
}

/** The steps at which a finished run has evaluations: every evalEvery iterations and the last. */
function evaluationSteps(config: PpoConfig, setting: Setting): number[] {
  const rollout = config.numEnvs * config.numSteps;
  const iterations = Math.ceil(config.totalSteps / rollout);
  const at: number[] = [];
  for (let i = setting.evalEvery; i < iterations; i += setting.evalEvery) at.push(i * rollout);
  return [...at, iterations * rollout];
}

interface Evaluation {
  step: number;
  meanReturn: number;
  stdReturn: number;
  episodes: number;
}

interface SeedRun {
  seed: number;
  dir: string;
  reused: boolean;
  trainingSeconds: number | null;
  evaluations: Evaluation[];
}

function evaluations(run: RunDirectory): Evaluation[] {
  return run.readMetrics().filter((r) => r.kind === 'eval').map((r) => ({
    step: r.step as number, meanReturn: r.meanReturn as number, stdReturn: r.stdReturn as number, episodes: r.episodes as number,
  }));
}

/** Training wall time as the run recorded it (seconds to its last iteration, evaluations included). */
function trainingSeconds(run: RunDirectory): number | null {
  const rows = run.readMetrics().filter((r) => r.kind === 'iteration' && typeof r.elapsedSeconds === 'number');
  return (rows[rows.length - 1]?.elapsedSeconds as number | undefined) ?? null;
}

const fmt = (x: number) => x.toFixed(1);

export const ppoPendulum: Figure = {
  name: 'ppo-pendulum',
  title: 'PPO on Pendulum-v1 from state: evaluation return against environment steps',
  reproduces: {
    paper: 'RL Baselines3 Zoo (Raffin, 2020), benchmark.md',
    figure: 'the trained-agents table, row ppo / Pendulum-v1',
    claim: `PPO (rl-baselines3-zoo's tuned hyperparameters, with gSDE exploration) reaches a mean evaluation return of ${ANCHOR.mean.toFixed(0)} +- ${ANCHOR.std.toFixed(0)} after 100k environment steps (one trained agent, std over ${ANCHOR.episodes} deterministic evaluation episodes).`,
  },
  full: {
    description: 'seeds 1, 2, 3 x 102,400 environment steps (`--preset pendulum`: 25 iterations of 4 envs x 1024 steps), evaluation of the deterministic policy on 10 episodes every 5 iterations and at the end.',
    wallTime: 'about 2-4 minutes on 2 cores (25-35 s of training per seed on idle cores, up to about 100 s on shared ones)',
  },
  quick: {
    description: 'seeds 1, 2 x 8,192 environment steps (the `pendulum` preset with rollouts of 4 envs x 256 steps: 8 iterations), evaluation on 10 episodes every 2 iterations and at the end.',
    wallTime: 'about 20-40 seconds (a smoke run, not a reproduction)',
  },
  run: (context) => runPpoPendulum(context),
};

async function runPpoPendulum(context: FigureContext): Promise<void> {
  const [{ meanStd }, { writeLinePlot }] = await Promise.all([import('../../agents/ppo/evaluate.js'), import('../runs/plots.js')]);
  const setting = context.quick ? QUICK : FULL;
  const seeds = [...(context.seeds ?? setting.seeds)];
  const start = performance.now();
  const runs: SeedRun[] = [];
  for (const seed of seeds) {
    const config = runConfig(setting, seed);
    const expected = evaluationSteps(config, setting);
    const result = await context.trainOrReuse({
      dir: context.runDir(`${setting.runPrefix}${seed}`),
      config,
      finished: (run) => {
        const evals = evaluations(run);
        return expected.every((step) => evals.some((e) => e.step === step && e.episodes === setting.evalEpisodes));
      },
      train: (dir, resume) => trainRun(config, setting, dir, resume),
    });
    // The scheduled evaluations only (a run continued past its budget could hold more).
    const evals = evaluations(result.run).filter((e) => expected.includes(e.step));
    const last = evals[evals.length - 1]!;
    context.say(`seed ${seed}: evaluation at step ${formatCount(last.step)}: ${fmt(last.meanReturn)} +- ${fmt(last.stdReturn)}${result.reused ? ' (reused run)' : ` (${result.seconds.toFixed(0)} s)`}`);
    runs.push({ seed, dir: result.run.path, reused: result.reused, trainingSeconds: trainingSeconds(result.run), evaluations: evals });
  }
  const wallSeconds = (performance.now() - start) / 1000;

  // Across seeds at each evaluation step (population std of the seeds' mean returns).
  const steps = [...new Set(runs.flatMap((r) => r.evaluations.map((e) => e.step)))].sort((a, b) => a - b);
  const curve = steps.map((step) => {
    const values = runs.flatMap((r) => r.evaluations.filter((e) => e.step === step).map((e) => e.meanReturn));
    return { step, ...meanStd(values), seeds: values.length };
  });
  const finals = runs.map((r) => r.evaluations[r.evaluations.length - 1]!);
  const final = meanStd(finals.map((e) => e.meanReturn));
  // All final episodes pooled (from each seed's mean and population std), comparable to the zoo's std over episodes.
  const episodes = finals.reduce((a, e) => a + e.episodes, 0);
  const pooledMean = finals.reduce((a, e) => a + e.episodes * e.meanReturn, 0) / episodes;
  const pooledStd = Math.sqrt(finals.reduce((a, e) => a + e.episodes * (e.stdReturn ** 2 + e.meanReturn ** 2), 0) / episodes - pooledMean ** 2);
  const band = [ANCHOR.mean - ANCHOR.std, ANCHOR.mean + ANCHOR.std] as const;
  const position = final.mean < band[0] ? 'below' : final.mean > band[1] ? 'above' : 'within';
  const anchorMet = context.quick ? null : position !== 'below';
  const finalStep = finals[0]!.step;
  const trainingTotal = runs.reduce((a, r) => a + (r.trainingSeconds ?? 0), 0);

  // Numbers.
  const name = ppoPendulum.name;
  context.writeCsv(`${name}.csv`, ['step', 'seed', 'meanReturn', 'stdReturn', 'episodes'],
    runs.flatMap((r) => r.evaluations.map((e) => ({ seed: r.seed, ...e }))));
  context.writeJson(`${name}.json`, {
    figure: name, setting: context.quick ? 'quick' : 'full', reproduces: ppoPendulum.reproduces,
    anchor: { ...ANCHOR, source: 'rl-baselines3-zoo benchmark.md (ppo, Pendulum-v1, with gSDE)' },
    config: runConfig(setting, seeds[0]!), seeds, evalEvery: setting.evalEvery, evalEpisodes: setting.evalEpisodes,
    curve, final: { step: finalStep, mean: final.mean, std: final.std, stdOver: 'seeds (population std)', pooledEpisodes: { episodes, mean: pooledMean, std: pooledStd }, perSeed: runs.map((r, i) => ({ seed: r.seed, ...finals[i]! })) },
    anchorMet, anchorPosition: position,
    runs: runs.map((r) => ({ seed: r.seed, dir: relative(context.out, r.dir), reused: r.reused, trainingSeconds: r.trainingSeconds })),
    trainingSeconds: trainingTotal, wallSeconds,
  });

  // The plot: each seed thin, the mean with its std band, the anchor.
  const label = context.quick ? `QUICK (not a reproduction): ${seeds.length} seeds x ${formatCount(finalStep)} steps` : `${seeds.length} seeds x ${formatCount(finalStep)} steps`;
  const seedColors = ['#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
  const series: Series[] = runs.map((r, i) => ({
    label: `seed ${r.seed}`, x: r.evaluations.map((e) => e.step), y: r.evaluations.map((e) => e.meanReturn),
    color: seedColors[i % seedColors.length], lineWidth: 1,
  }));
  series.push({
    label: `mean +- std over ${seeds.length} seeds`, color: '#1f77b4', x: curve.map((c) => c.step), y: curve.map((c) => c.mean),
    lower: curve.map((c) => c.mean - c.std), upper: curve.map((c) => c.mean + c.std),
  });
  const plot = writeLinePlot(context.file(name), series, {
    title: `PPO on Pendulum-v1 from state, ${label}`,
    subtitle: `final evaluation at step ${formatCount(finalStep)}: ${fmt(final.mean)} +- ${fmt(final.std)} across seeds (deterministic policy, ${finals[0]!.episodes} episodes per seed)`,
    xLabel: 'environment steps', yLabel: 'evaluation return', xMin: 0,
    references: [{ label: `rl-baselines3-zoo PPO (gSDE) at 100k: ${ANCHOR.mean.toFixed(0)} +- ${ANCHOR.std.toFixed(0)}`, y: ANCHOR.mean, band: ANCHOR.std }],
  });
  context.wrote(plot.png, plot.svg);

  const perSeed = runs.map((r, i) => {
    const e = finals[i]!;
    const time = r.trainingSeconds === null ? '-' : `${r.trainingSeconds.toFixed(0)} s`;
    return `| ${r.seed} | ${fmt(e.meanReturn)} +- ${fmt(e.stdReturn)} (${e.episodes} episodes) | ${time} | ${r.reused ? 'reused' : 'trained now'} |`;
  });
  const verdict = context.quick
    ? `Not assessed: the quick setting trains ${formatCount(finalStep)} steps, the anchor is for 100k (across-seed mean ${fmt(final.mean)} lies ${position} the band).`
    : `**${anchorMet ? 'Met' : 'Not met'}**: the across-seed mean of the final evaluations, ${fmt(final.mean)}, lies ${position} the anchor's band [${fmt(band[0])}, ${fmt(band[1])}] (met: within or above it).`;
  context.writeSummary(ppoPendulum, `
## Measured

Final evaluation of the deterministic policy at step ${formatCount(finalStep)}:

| seed | final evaluation return (mean +- std over episodes) | training wall time | run |
|---|---|---|---|
${perSeed.join('\n')}

Across seeds: **${fmt(final.mean)} +- ${fmt(final.std)}** (mean +- population std of the ${seeds.length} seeds' final means). All ${episodes} final episodes pooled: ${fmt(pooledMean)} +- ${fmt(pooledStd)} (the spread comparable to the anchor's std over episodes).

Anchor: rl-baselines3-zoo, ${ANCHOR.mean} +- ${ANCHOR.std} at 100k steps (one agent, ${ANCHOR.episodes} episodes, with gSDE). ${verdict}

Budget: ${seeds.length} seeds (${seeds.join(', ')}) x ${formatCount(finalStep)} environment steps (\`pendulum\` preset, ${runConfig(setting, seeds[0]!).numEnvs} envs x ${formatCount(setting.numSteps)} steps per rollout). Training wall time: ${trainingTotal.toFixed(0)} s over the ${seeds.length} runs (as they recorded it, evaluations included); this invocation: ${wallSeconds.toFixed(0)} s${runs.some((r) => r.reused) ? ' (reused runs were not trained again)' : ''}.

Departure from the anchor's setup: no gSDE (state-dependent exploration); our \`pendulum\` preset uses a state-independent Gaussian, no observation normalisation, reward scaling by the return's std and no value clipping (see agents/ppo/README.md, "Defaults and presets").
`);
}
