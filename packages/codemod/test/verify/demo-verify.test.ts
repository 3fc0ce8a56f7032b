/**
 * The demo's record -> migrate -> verify step (scripts/demo.mjs): the legacy app's end-to-end
 * traffic is recorded by the shim and replayed against the migrated copy with no difference; the
 * same replay against a copy changed by one byte fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'packages/codemod/dist/cli/main.js');
let out: string;

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/streams', 'packages/shim', 'packages/codemod'], { cwd: root });
  out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'asynchat-demo-verify-')), 'migrated');
});

afterAll(() => fs.rmSync(path.dirname(out), { recursive: true, force: true }));

test('the demo records the legacy traffic and verify finds no difference in the migrated copy; a changed byte is found', () => {
  const demo = spawnSync(process.execPath, [path.join(root, 'scripts/demo.mjs'), '--out', out], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 280_000 });
  const output = demo.stdout + demo.stderr;
  expect({ status: demo.status, tail: demo.status === 0 ? '' : output.slice(-3000) }).toEqual({ status: 0, tail: '' });
  expect(output).toMatch(/conversations recorded into/);
  const matched = /all (\d+) replayed conversations matched/.exec(output);
  expect(Number(matched?.[1])).toBeGreaterThanOrEqual(20);

  const recordings = path.join(path.dirname(out), 'legacy-app-recordings');
  const protocol = path.join(out, 'out/services/protocol.js');
  fs.writeFileSync(protocol, fs.readFileSync(protocol, 'utf8').replace('BYE', 'BYe'));
  const command = 'node out/main.js --echo-port {port:EchoServer} --protocol-port {port:ProtocolServer} --http-port {port:HttpServer} --chat-port {port:ChatServer} --stats-port {port:StatsServer}';
  const broken = spawnSync(process.execPath, [cli, 'verify', recordings, '--run', command, '--json'], { cwd: out, encoding: 'utf8', timeout: 120_000 });
  expect(broken.status).toBe(1);
  const report = JSON.parse(broken.stdout) as { summary: { differing: number }; conversations: { listener: string; status: string }[] };
  expect(report.summary.differing).toBeGreaterThan(0);
  expect(new Set(report.conversations.filter((entry) => entry.status === 'differing').map((entry) => entry.listener))).toEqual(new Set(['ProtocolServer']));
}, 300_000);
