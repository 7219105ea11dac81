import type { CommandModule } from 'yargs';

interface EnvsArgs { json: boolean }

/** Describe one registered env by building it once (spaces are only known from an instance). */
async function describeEnv(id: string) {
  const { make, spec } = await import('../../envs/registration.js');
  const envSpec = spec(id);
  const env = make(id, { disableEnvChecker: true });
  try {
    return {
      id,
      observationSpace: env.observationSpace.toString(),
      actionSpace: env.actionSpace.toString(),
      maxEpisodeSteps: envSpec.maxEpisodeSteps ?? null,
      renderModes: [...env.metadata.renderModes],
      options: { ...envSpec.defaults },
      description: envSpec.description,
    };
  } finally {
    env.close();
  }
}

export const envsCommand: CommandModule<object, EnvsArgs> = {
  command: 'envs',
  describe: 'List the registered environments with their spaces',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
  handler: async (args) => {
    const { registeredIds } = await import('../../envs/registration.js');
    const rows = await Promise.all(registeredIds().map(describeEnv));
    if (args.json) {
      console.log(JSON.stringify(rows, null, 2));
      return;
    }
    for (const row of rows) {
      console.log(`${row.id}${row.description ? `  ${row.description}` : ''}`);
      console.log(`  observation  ${row.observationSpace}`);
      console.log(`  action       ${row.actionSpace}`);
      console.log(`  time limit   ${row.maxEpisodeSteps ?? 'none'}   render modes: ${row.renderModes.join(', ') || 'none'}`);
      const options = Object.entries(row.options).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
      if (options) console.log(`  options      ${options}`);
    }
  },
};
