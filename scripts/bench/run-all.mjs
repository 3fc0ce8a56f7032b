#!/usr/bin/env node
// Runs every package benchmark in turn (each in its own process, so one cannot warm or starve
// another) and passes the flags through: `pnpm bench -- --quick`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const flags = process.argv.slice(2).filter((flag) => flag !== '--');
const benchmarks = ['streams', 'frame-ceiling', 'shim', 'shim-bulk', 'recording', 'check', 'rewrite', 'eslint-plugin'];

let failed = 0;
for (const name of benchmarks) {
  const script = join(here, `${name}.mjs`);
  if (!existsSync(script)) {
    console.log(`\n== ${name}: no benchmark script yet (${script})`);
    continue;
  }
  console.log(`\n== ${name}`);
  const result = spawnSync(process.execPath, [script, ...flags], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`== ${name} failed (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
