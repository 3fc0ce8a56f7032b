/**
 * The built package as users load it: ESM and CommonJS imports of the three entry points (run
 * in fresh node processes against dist/), and the DeprecationWarning with its Node flags.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const shimPackage = path.resolve(__dirname, '..');
let project: string;

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), text);
}

function node(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', timeout: 30000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  // `pnpm test` builds first; build here too so that this file also runs on its own.
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/shim'], { cwd: root });
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'asynchat-shim-consumer-'));
  fs.mkdirSync(path.join(project, 'node_modules/@asynchat'), { recursive: true });
  fs.symlinkSync(shimPackage, path.join(project, 'node_modules/@asynchat/shim'), 'dir');
  const handlers = `
    class LegacyLine extends asynchat.async_chat {
      constructor(sock, map) { super(sock, map); this.set_terminator(Buffer.from('\\n')); }
      collect_incoming_data(data) { this._collect_incoming_data(data); }
      found_terminator() { this.push(Buffer.concat([this._get_data(), Buffer.from('\\n')])); }
    }
    class Other extends asyncore.dispatcher {}
  `;
  // A chain across files: Leaf (leaf.cjs) extends Base (base.cjs) extends async_chat, built in chain.cjs.
  write('chain/base.cjs', `const { async_chat } = require('@asynchat/shim');\nclass Base extends async_chat {\n  constructor(sock, map) { super(sock, map); }\n}\nmodule.exports = { Base };\n`);
  write('chain/leaf.cjs', `const { Base } = require('./base.cjs');\nclass Leaf extends Base {\n  constructor(sock, map) { super(sock, map); this.set_terminator('\\n'); }\n}\nmodule.exports = { Leaf };\n`);
  write('chain/bare.cjs', `const { Base } = require('./base.cjs');\nclass Bare extends Base {}\nmodule.exports = { Bare };\n`);
  write('chain.cjs', `const { Leaf } = require('./chain/leaf.cjs');\nconst { Bare } = require('./chain/bare.cjs');\nconst map = new Map();\nnew Leaf(null, map);\nnew Bare(null, map);\n`);
  write('legacy/handlers.cjs', `const asynchat = require('@asynchat/shim/asynchat');\nconst asyncore = require('@asynchat/shim/asyncore');\n${handlers}\nmodule.exports = { LegacyLine, Other };\n`);
  write('legacy/handlers.mjs', `import * as asynchat from '@asynchat/shim/asynchat';\nimport * as asyncore from '@asynchat/shim/asyncore';\n${handlers}\nexport { LegacyLine, Other };\n`);
  const usage = (load: string): string => `${load}
    const results = [];
    results.push(typeof root.async_chat, typeof root.dispatcher, typeof root.loop, typeof root.simple_producer);
    results.push(root.async_chat === asynchat.async_chat, root.dispatcher === asyncore.dispatcher);
    results.push(typeof asynchat.find_prefix_at_end, typeof asyncore.close_all, asyncore.AF_INET, typeof asyncore.ExitNow);
    const map = new Map();
    new handlers.LegacyLine(null, map);
    new handlers.LegacyLine(null, map);
    new handlers.Other(null, map);
    results.push(asynchat.find_prefix_at_end(Buffer.from('qwerty\\r'), Buffer.from('\\r\\n')));
    asyncore.loop({ timeout: 0, count: 1, map }).then(() => console.log(JSON.stringify(results)));
  `;
  write(
    'main.cjs',
    usage(`const root = require('@asynchat/shim');
    const asynchat = require('@asynchat/shim/asynchat');
    const asyncore = require('@asynchat/shim/asyncore');
    const handlers = require('./legacy/handlers.cjs');`),
  );
  write(
    'main.mjs',
    usage(`import * as root from '@asynchat/shim';
    import { async_chat } from '@asynchat/shim';
    import * as asynchat from '@asynchat/shim/asynchat';
    import * as asyncore from '@asynchat/shim/asyncore';
    import * as handlers from './legacy/handlers.mjs';
    if (async_chat !== asynchat.async_chat) throw new Error('named import differs');`),
  );
}, 120000);

afterAll(() => {
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

const expected = ['function', 'function', 'function', 'function', true, true, 'function', 'function', 2, 'function', 1];

test.each(['main.cjs', 'main.mjs'])('%s imports @asynchat/shim, /asynchat and /asyncore from dist', (file) => {
  const { status, stdout, stderr } = node([file]);
  expect(stderr).not.toMatch(/\bError\b/);
  expect(status).toBe(0);
  expect(JSON.parse(stdout)).toEqual(expected);
});

test.each([
  ['main.cjs', 'legacy/handlers.cjs'],
  ['main.mjs', 'legacy/handlers.mjs'],
])('%s: one DeprecationWarning per handler class, naming the rewrite command for its file', (file, handlerFile) => {
  const { status, stderr } = node([file]);
  expect(status).toBe(0);
  const warnings = stderr.split('\n').filter((line) => line.includes('[ASYNCHAT_SHIM] DeprecationWarning'));
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toContain('LegacyLine');
  expect(warnings[0]).toContain(`asynchat-migrate rewrite ${handlerFile}`);
  expect(warnings[1]).toContain('Other');
  expect(warnings[1]).toContain(`asynchat-migrate rewrite ${handlerFile}`);
});

test('a subclass of a subclass is named with its own file, not its base class\'s', () => {
  const { status, stderr } = node(['chain.cjs']);
  expect(status).toBe(0);
  const warnings = stderr.split('\n').filter((line) => line.includes('[ASYNCHAT_SHIM] DeprecationWarning'));
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toMatch(/Leaf runs on .* asynchat-migrate rewrite chain\/leaf\.cjs$/);
  // Bare has no constructor of its own: V8 still reports its implicit one, in Bare's file.
  expect(warnings[1]).toMatch(/Bare runs on .* asynchat-migrate rewrite chain\/bare\.cjs$/);
});

test('--no-deprecation silences it; --throw-deprecation makes it fatal; --trace-deprecation adds the stack', () => {
  const silent = node(['--no-deprecation', 'main.cjs']);
  expect(silent.status).toBe(0);
  expect(silent.stderr).not.toContain('ASYNCHAT_SHIM');
  const fatal = node(['--throw-deprecation', 'main.cjs']);
  expect(fatal.status).not.toBe(0);
  expect(fatal.stderr).toContain('LegacyLine runs on @asynchat/shim');
  const traced = node(['--trace-deprecation', 'main.cjs']);
  expect(traced.status).toBe(0);
  expect(traced.stderr).toMatch(/DeprecationWarning: LegacyLine[^\n]*\n\s+at /);
});
