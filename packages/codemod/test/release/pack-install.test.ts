/**
 * The packages as a registry user gets them: `scripts/release/pack.mjs` (`pnpm release:pack`)
 * packs the four packages with `pnpm pack`, and the tarballs are installed with plain
 * `npm install ./*.tgz` into a temporary project outside the workspace. There: the
 * `asynchat-migrate` binary checks and rewrites a legacy server, the migrated server answers a real
 * socket, eslint with the plugin's recommended config reports a legacy file, every entry point
 * loads from ESM and CommonJS, and the types resolve under moduleResolution node10, node16 and
 * bundler.
 *
 * The packages' own registry dependencies (ts-morph, diff, ...) come from the npm registry (or
 * npm's cache): this test needs network access the first time, and is bounded by its timeouts.
 */
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../../..');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

let work: string;
let consumer: string;
let tarballs: string[];

/** Where npm fetches from and caches: kept, so that a CI mirror or proxy still applies. */
const NPM_NETWORK_SETTINGS = /^npm_config_(registry|cache|userconfig|https?_proxy|proxy|noproxy|no_proxy|cafile|ca|strict_ssl)$/i;

/** The environment without the rest of what pnpm hands its scripts (npm_*), which would steer npm. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) || NPM_NETWORK_SETTINGS.test(key)) env[key] = value;
  return { ...env, NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

function run(command: string, args: string[], cwd: string, timeout = 120000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout });
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(consumer, file)), { recursive: true });
  fs.writeFileSync(path.join(consumer, file), text);
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'asynchat-release-'));
  const out = path.join(work, 'tarballs');
  const packed = execFileSync(process.execPath, [path.join(root, 'scripts/release/pack.mjs'), '--out', out], {
    cwd: root,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 300000,
    // Progress on stderr stays out of jest's output; a failure's message includes it.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  tarballs = packed.trim().split('\n');
  consumer = path.join(work, 'consumer');
  write('package.json', JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
  const install = run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs], consumer, 300000);
  if (install.status !== 0) throw new Error(`npm install failed (${install.status ?? install.signal}):\n${install.stdout}\n${install.stderr}`);
}, 600000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the tarballs', () => {
  function unpack(tarball: string): string {
    const dir = fs.mkdtempSync(path.join(work, 'unpacked-'));
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    return path.join(dir, 'package');
  }

  function filesUnder(dir: string, prefix = ''): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
    );
  }

  test('are one per package, named as npm names them', () => {
    expect(tarballs.map((tarball) => path.basename(tarball))).toEqual(['asynchat-streams-0.1.0.tgz', 'asynchat-shim-0.1.0.tgz', 'asynchat-codemod-0.1.0.tgz', 'asynchat-eslint-plugin-0.1.0.tgz']);
  });

  test.each(['streams', 'shim', 'codemod', 'eslint-plugin'])('@asynchat/%s: real versions, metadata, LICENSE, no .tsbuildinfo, source maps with their sources', (name) => {
    const packageDir = unpack(tarballs.find((tarball) => tarball.includes(`-${name}-`)) as string);
    const files = filesUnder(packageDir);
    const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    expect(JSON.stringify(manifest.dependencies ?? {})).not.toContain('workspace:');
    expect(manifest.repository).toEqual({ type: 'git', url: 'git+https://github.com/asynchat-migrate/asynchat-migrate.git', directory: `packages/${name}` });
    expect(manifest.homepage).toMatch(/^https:\/\/github\.com\/asynchat-migrate\/asynchat-migrate\//);
    expect(manifest.bugs.url).toBe('https://github.com/asynchat-migrate/asynchat-migrate/issues');
    expect(manifest.keywords.length).toBeGreaterThan(0);
    expect(manifest.publishConfig).toEqual({ access: 'public' });
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']));
    expect(fs.readFileSync(path.join(packageDir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(files.filter((file) => file.includes('tsbuildinfo'))).toEqual([]);
    const maps = files.filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources } = JSON.parse(fs.readFileSync(path.join(packageDir, map), 'utf8')) as { sources: string[] };
      for (const source of sources) expect(files).toContain(path.posix.normalize(path.posix.join(path.posix.dirname(map), source)));
    }
    // README links must work on the registry page: no repository-relative links.
    const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');
    expect(readme.match(/\]\((?!https?:|#)[^)]*\)/g) ?? []).toEqual([]);
  });

  test('npm would publish every package.json as it is (npm pkg fix changes nothing; the bin survives)', () => {
    for (const tarball of tarballs) {
      const packageDir = unpack(tarball);
      const before = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
      const fix = run(npm, ['pkg', 'fix'], packageDir);
      expect(fix.status).toBe(0);
      expect(JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'))).toEqual(before);
    }
  }, 60000);
});

describe('installed with npm into a project outside the workspace', () => {
  test('eslint with @asynchat/eslint-plugin\'s recommended config reports a legacy file', () => {
    write('lint/eslint.config.cjs', "module.exports = [require('@asynchat/eslint-plugin').configs.recommended];\n");
    write('lint/legacy.mjs', "import { async_chat } from '@asynchat/shim';\nexport class Echo extends async_chat {}\n");
    const lint = run(process.execPath, [path.join(consumer, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', 'legacy.mjs'], path.join(consumer, 'lint'));
    const [report] = JSON.parse(lint.stdout) as { messages: { ruleId: string }[] }[];
    expect(report!.messages.map((message) => message.ruleId).sort()).toEqual(['@asynchat/legacy-import', '@asynchat/legacy-subclass']);
  }, 120000);

  test('the project is outside the workspace and npm linked the binary', () => {
    expect(path.relative(root, consumer).startsWith('..')).toBe(true);
    expect(fs.existsSync(path.join(consumer, 'node_modules/.bin/asynchat-migrate'))).toBe(true);
  });

  test('npx asynchat-migrate checks a legacy server, rewrites it, and the migrated server answers a real socket', async () => {
    write(
      'src/echo-server.mjs',
      `import { AF_INET, SOCK_STREAM, async_chat, dispatcher, loop } from '@asynchat/shim';

export class EchoHandler extends async_chat {
  constructor(sock) {
    super(sock);
    this.data = [];
    this.set_terminator(Buffer.from('\\n'));
  }
  collect_incoming_data(data) {
    this.data.push(data);
  }
  found_terminator() {
    const message = Buffer.concat(this.data);
    this.data = [];
    this.push(Buffer.concat([Buffer.from('echo: '), message, Buffer.from('\\n')]));
  }
}

export class EchoServer extends dispatcher {
  constructor(host, port) {
    super();
    this.create_socket(AF_INET, SOCK_STREAM);
    this.bind([host, port]);
    this.listen(5);
  }
  handle_accepted(sock) {
    new EchoHandler(sock);
  }
}

export async function main(host, port) {
  new EchoServer(host, port);
  await loop();
}
`,
    );
    const before = run(npx, ['--no', 'asynchat-migrate', 'check', 'src'], consumer);
    expect(before.stderr).toBe('');
    expect(before.status).toBe(1);
    expect(before.stdout).toContain('src/echo-server.mjs:1:1  legacy-import');

    const rewrite = run(npx, ['--no', 'asynchat-migrate', 'rewrite', 'src'], consumer);
    expect(rewrite.status).toBe(0);
    expect(rewrite.stdout).toMatch(/changed +src\/echo-server\.mjs/);
    const migrated = fs.readFileSync(path.join(consumer, 'src/echo-server.mjs'), 'utf8');
    expect(migrated).toContain("from '@asynchat/streams'");
    expect(migrated).not.toContain('@asynchat/shim');

    const after = run(npx, ['--no', 'asynchat-migrate', 'check', 'src'], consumer);
    expect(after.status).toBe(0);

    // The migrated module exports its server start; a client talks to it over loopback.
    write(
      'serve.mjs',
      `import * as net from 'node:net';
import * as migrated from './src/echo-server.mjs';
const start = Object.values(migrated).find((value) => typeof value === 'function' && /^start/.test(value.name));
const server = await start('127.0.0.1', 0);
const socket = net.connect(server.address().port, '127.0.0.1');
socket.setEncoding('utf8');
let received = '';
socket.on('data', (text) => {
  received += text;
  if (received.endsWith('\\n') && received.split('\\n').length === 3) {
    console.log(JSON.stringify(received));
    socket.end();
    server.close();
  }
});
socket.write('hello\\nwor');
setTimeout(() => socket.write('ld\\n'), 20);
`,
    );
    const served = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['serve.mjs'], { cwd: consumer, env: cleanEnv() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
    expect(served.stderr).toBe('');
    expect(JSON.parse(served.stdout)).toBe('echo: hello\necho: world\n');
    expect(served.code).toBe(0);
  }, 120000);

  const entryPoints = `
    results.push(typeof streams.startServer, typeof streams.openConnection, typeof streams.StreamReader);
    results.push(typeof shim.async_chat, shim.async_chat === asynchat.async_chat, typeof asyncore.loop);
    results.push(typeof codemod.rewrite, typeof codemod.check, typeof codemod.AsynchatMigrateError);
    results.push(jscodeshift.parser);
    const { findings, exitCode } = await codemod.check({ cwd: process.cwd(), paths: ['legacy'] });
    results.push(exitCode, findings.map((finding) => finding.rule).sort().join(','));
    console.log(JSON.stringify(results));
  `;
  const expected = ['function', 'function', 'function', 'function', true, 'function', 'function', 'function', 'function', 'tsx', 1, 'legacy-import,legacy-subclass'];

  test.each([
    [
      'ESM',
      'entry.mjs',
      `import * as streams from '@asynchat/streams';
import * as shim from '@asynchat/shim';
import * as asynchat from '@asynchat/shim/asynchat';
import * as asyncore from '@asynchat/shim/asyncore';
import * as codemod from '@asynchat/codemod';
import * as jscodeshift from '@asynchat/codemod/jscodeshift';
import { check } from '@asynchat/codemod';
if (check !== codemod.check) throw new Error('named import differs');
const results = [];
${entryPoints}`,
    ],
    [
      'CommonJS',
      'entry.cjs',
      `const streams = require('@asynchat/streams');
const shim = require('@asynchat/shim');
const asynchat = require('@asynchat/shim/asynchat');
const asyncore = require('@asynchat/shim/asyncore');
const codemod = require('@asynchat/codemod');
const jscodeshift = require('@asynchat/codemod/jscodeshift');
if (typeof jscodeshift.default !== 'function') throw new Error('no transform');
const results = [];
(async () => {
${entryPoints}
})();`,
    ],
  ])('%s: every entry point loads, and the programmatic check runs', (_kind, file, text) => {
    write('legacy/handler.js', "const { async_chat } = require('@asynchat/shim');\nclass Handler extends async_chat {}\nmodule.exports = { Handler };\n");
    write(file, text);
    const result = run(process.execPath, [file], consumer, 60000);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(expected);
    expect(result.status).toBe(0);
  }, 60000);

  test.each([
    ['node10', { module: 'commonjs', moduleResolution: 'node10' }, ['types/consumer.ts']],
    ['node16', { module: 'node16', moduleResolution: 'node16' }, ['types/consumer.ts', 'types/consumer-esm.mts']],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['types/consumer.ts']],
  ])('types resolve under moduleResolution %s', (name, options, files) => {
    const imports = `import { startServer, StreamReader, type Server } from '@asynchat/streams';
import { async_chat } from '@asynchat/shim';
import * as asynchat from '@asynchat/shim/asynchat';
import * as asyncore from '@asynchat/shim/asyncore';
import { check, rewrite, type CheckResult, type RewriteResult } from '@asynchat/codemod';
`;
    const uses = `
export const reader: StreamReader = new StreamReader();
export const server: (port: number) => Promise<Server> = (port) => startServer(async () => undefined, { port });
export const base: typeof async_chat = asynchat.async_chat;
export const options: asyncore.LoopOptions = { timeout: 0.1 };
export const checked: Promise<CheckResult> = check({ paths: ['src'] });
export const rewritten: Promise<RewriteResult> = rewrite({ dryRun: true });
// @ts-expect-error a number is not RewriteOptions: the types are real, not any
void rewrite(42);
`;
    write('types/consumer.ts', `${imports}import transform, { parser } from '@asynchat/codemod/jscodeshift';\n${uses}
export const output: string | undefined = transform({ path: 'a.ts', source: '' });
export const parserName: string = parser;
`);
    write('types/consumer-esm.mts', `${imports}import { parser } from '@asynchat/codemod/jscodeshift';\n${uses}\nexport const parserName: string = parser;\n`);
    const tsconfig = `tsconfig.${name}.json`;
    write(
      tsconfig,
      JSON.stringify({
        compilerOptions: {
          ...options,
          target: 'es2022',
          strict: true,
          noEmit: true,
          esModuleInterop: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [path.join(root, 'node_modules/@types')],
        },
        files,
      }),
    );
    const result = run(process.execPath, [tsc, '-p', tsconfig], consumer, 120000);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 120000);
});
