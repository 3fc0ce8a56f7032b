/**
 * npm reads the repository's .npmrc for every `npx ...` the READMEs show: keys only pnpm knows
 * made it print "Unknown project config" warnings on each of them. pnpm's settings belong in
 * pnpm-workspace.yaml (pnpm 10) or are pnpm 9's defaults (see the comment there).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../../..');

test('npm run in the repository prints no configuration warnings', () => {
  const env: NodeJS.ProcessEnv = {};
  // What pnpm hands its scripts (npm_config_*) is not the repository's configuration.
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['config', 'get', 'registry'], { cwd: root, env, encoding: 'utf8', timeout: 60000 });
  expect(result.status).toBe(0);
  expect(result.stderr).not.toMatch(/npm warn/i);
}, 60000);
