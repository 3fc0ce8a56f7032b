import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The BUILT package, resolved by its name the way a user's project resolves it: CommonJS
 * `require` and ESM `import` (through Node's CommonJS named-export detection) both work.
 */
const root = path.resolve(__dirname, '../../..');
const packageDir = path.join(root, 'packages/streams');
let projectDir: string;

beforeAll(() => {
  // Incremental: a no-op when `pnpm build` already ran.
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', packageDir], {
    cwd: root,
    stdio: 'pipe',
  });
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-consumer-'));
  fs.mkdirSync(path.join(projectDir, 'node_modules/@asynchat'), { recursive: true });
  fs.symlinkSync(packageDir, path.join(projectDir, 'node_modules/@asynchat/streams'), 'dir');
}, 60000);

afterAll(() => {
  fs.rmSync(projectDir, { recursive: true, force: true });
});

const NAMES = [
  'StreamReader',
  'StreamWriter',
  'startServer',
  'openConnection',
  'fromSocket',
  'Server',
  'IncompleteReadError',
  'LimitOverrunError',
  'ConcurrentReadError',
  'ConnectionResetError',
  'FrameBuffer',
  'toSeparatorBytes',
];

/** A loopback echo through the package: proves more than that the names exist. */
const ECHO = `
  const server = await streams.startServer(async (reader, writer) => {
    for await (const message of reader.frames('\\r\\n', { partial: 'drop' })) {
      writer.write(message);
      writer.write('\\r\\n');
      await writer.drain();
    }
    writer.close();
  }, { host: '127.0.0.1', port: 0 });
  const { reader, writer } = await streams.openConnection({ host: '127.0.0.1', port: server.address().port });
  writer.write('ping\\r\\npong\\r\\n');
  writer.writeEof();
  const echoed = (await reader.read()).toString();
  server.close();
  await server.waitClosed();
  const names = ${JSON.stringify(NAMES)}.filter((name) => typeof streams[name] !== 'function');
  console.log(JSON.stringify({ echoed, missing: names, limit: streams.DEFAULT_LIMIT }));
`;

function run(file: string, source: string): { echoed: string; missing: string[]; limit: number } {
  fs.writeFileSync(path.join(projectDir, file), source);
  const output = execFileSync(process.execPath, [file], { cwd: projectDir, encoding: 'utf8', timeout: 20000 });
  return JSON.parse(output);
}

test('require() from a CommonJS consumer', () => {
  const result = run('consumer.cjs', `const streams = require('@asynchat/streams');\n(async () => {${ECHO}})();`);
  expect(result).toEqual({ echoed: 'ping\r\npong\r\n', missing: [], limit: 65536 });
});

test('import from an ESM consumer, named imports included', () => {
  const result = run(
    'consumer.mjs',
    `import * as streams from '@asynchat/streams';\nimport { StreamReader, DEFAULT_LIMIT } from '@asynchat/streams';\n` +
      `if (new StreamReader().limit !== DEFAULT_LIMIT) throw new Error('named import broken');\n${ECHO}`,
  );
  expect(result).toEqual({ echoed: 'ping\r\npong\r\n', missing: [], limit: 65536 });
});

test('the package ships type declarations for its entry point', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const types = path.join(packageDir, manifest.exports['.'].types);
  const declarations = fs.readFileSync(types, 'utf8');
  for (const name of NAMES) expect(declarations).toMatch(new RegExp(`\\b${name}\\b`));
  // Internal plumbing of the iterators is not part of the published types.
  const reader = fs.readFileSync(path.join(packageDir, 'dist/reader.d.ts'), 'utf8');
  expect(reader).not.toMatch(/pollFrame|waitThen/);
});
