#!/usr/bin/env node
// Entry point of `npx latentgym`: runs the compiled CLI (built by `npm install` through `prepare`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/scripts/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('latentgym: the CLI is not built; run `npm install` (or `npm run build`) in the package root\n');
  process.exit(1);
}
await import(cli.href);
