/**
 * `asynchat-migrate verify`: conversations recorded on the shim (fixtures/verify/line-server.cjs
 * with ASYNCHAT_RECORD) replayed against candidates that are right, wrong in one way each, or
 * right with other chunking; noise from two baseline runs; a chat where one client's message
 * reaches another (the replay must wait); an SMTP session on the real smtpd port; usage errors.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { memoryIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { findNoise } from '../../src/verify/noise';
import { compareConversation } from '../../src/verify/compare';
import type { ReplayOutcome } from '../../src/verify/replay';
import { buildPort, type BuiltPort } from '../../../../fixtures/real/smtpd/harness';

const root = path.resolve(__dirname, '../../../..');
const server = path.join(root, 'fixtures/verify/line-server.cjs');
const candidate = (mode = 'correct') => `MODE=${mode} ${JSON.stringify(process.execPath)} ${JSON.stringify(server)} {port}`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let work: string;

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/shim'], { cwd: root });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'asynchat-verify-'));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

type Client = net.Socket & { text: () => string };

/** Starts a server process recording into `dir`, runs `script` against its port, stops it. */
async function recordSession(name: string, script: (connect: () => Promise<Client>) => Promise<void>, command: string[] = [server, '0'], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const dir = path.join(work, name);
  const child = spawn(process.execPath, ['--no-deprecation', ...command], { env: { ...process.env, ...env, ASYNCHAT_RECORD: dir }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (text: Buffer) => {
        buffered += text.toString();
        const match = /"port":\s*(\d+)/.exec(buffered);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', () => reject(new Error(`server exited early: ${buffered}`)));
    });
    const connect = async (): Promise<Client> => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.setNoDelay(true);
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      await new Promise((resolve) => socket.once('connect', resolve));
      return Object.assign(socket, { text: () => text });
    };
    await script(connect);
    await pause(150);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  return dir;
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5000) throw new Error('timed out');
    await pause(5);
  }
}

/** The environment without FORCE_COLOR (CI may set it), and NO_COLOR: plain text unless a test asks. */
const { FORCE_COLOR: _force, ...plainEnv } = process.env;

async function verify(args: string[], env: NodeJS.ProcessEnv = { ...plainEnv, NO_COLOR: '1' }): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo({ cwd: root, env });
  const code = await main(['verify', ...args], io);
  return { code, stdout: io.output(), stderr: io.errors() };
}

let echoRecording: string;
let chatRecording: string;
let noisyRecording: string;

beforeAll(async () => {
  echoRecording = await recordSession('echo', async (connect) => {
    const client = await connect();
    client.write('ECHO one\r\n');
    await until(() => client.text() === 'one\r\n');
    client.write('ECHO tw');
    await pause(20);
    client.write('o\r\nECHO three\r\n');
    await until(() => client.text().endsWith('three\r\n'));
    client.write('QUIT\r\n');
    await until(() => client.text().endsWith('BYE\r\n'));
    const second = await connect();
    second.write('ECHO solo\r\n');
    await until(() => second.text() === 'solo\r\n');
    second.end();
    await pause(50);
  });
  chatRecording = await recordSession('chat', async (connect) => {
    const ann = await connect();
    const bob = await connect();
    ann.write('JOIN ann\r\n');
    await until(() => ann.text() === 'hello ann\r\n');
    bob.write('JOIN bob\r\n');
    await until(() => bob.text() === 'hello bob\r\n');
    ann.write('SAY hi bob\r\n');
    await until(() => bob.text().endsWith('ann: hi bob\r\n'));
    bob.write('SAY hi ann\r\n');
    await until(() => ann.text().endsWith('bob: hi ann\r\n'));
    ann.write('QUIT\r\n');
    bob.write('QUIT\r\n');
    await until(() => ann.text().endsWith('BYE\r\n') && bob.text().endsWith('BYE\r\n'));
  });
  noisyRecording = await recordSession('noisy', async (connect) => {
    const client = await connect();
    for (const command of ['TIME', 'COUNT', 'ECHO steady', 'COUNT', 'TIME']) {
      const before = client.text().length;
      client.write(`${command}\r\n`);
      await until(() => client.text().length > before && client.text().endsWith('\r\n'));
    }
    client.write('QUIT\r\n');
    await until(() => client.text().endsWith('BYE\r\n'));
  });
}, 60000);

describe('replay against candidates', () => {
  test('the same program: every conversation matches (exit 0)', async () => {
    const result = await verify([echoRecording, '--run', candidate()]);
    expect(result.stdout).toContain('verify: 2 conversations, 2 matched, 0 differing');
    expect(result.code).toBe(0);
  });

  test('a changed reply byte: exit 1, the first divergence as a text diff with the chunk before it', async () => {
    const result = await verify([echoRecording, '--run', candidate('changed-byte')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('bytes differ at byte 0 of 22 expected');
    expect(result.stdout).toContain('the client had just sent: "ECHO one\\r\\n"');
    expect(result.stdout).toContain('    - one\\r\\n');
    expect(result.stdout).toContain('    + nne\\r\\n');
    const json = JSON.parse((await verify([echoRecording, '--run', candidate('changed-byte'), '--json'])).stdout);
    expect(json.summary).toMatchObject({ conversations: 2, matched: 0, differing: 2 });
    expect(json.conversations[0].divergences[0]).toMatchObject({ kind: 'bytes', expectedOffset: 0, actualOffset: 0 });
  });

  test('a missing reply: exit 1, the divergence where the reply should be', async () => {
    const result = await verify([echoRecording, '--run', candidate('missing-reply'), '--timeout', '300', '--json']);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    const divergence = json.conversations[0].divergences[0];
    expect(divergence).toMatchObject({ kind: 'bytes', expectedOffset: 5 });
    expect(Buffer.from(divergence.actualExcerpt, 'base64').toString()).toBe('one\r\nthree\r\nBYE\r\n');
  });

  test('an early close: exit 1, reported as a close divergence', async () => {
    const result = await verify([echoRecording, '--run', candidate('early-close'), '--timeout', '300']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/close: expected the server closes after the client's 4th step; the server closed early, after the client's 1st step/);
  });

  test('a server that keeps the connection open after QUIT: exit 1, "did not close"', async () => {
    const result = await verify([echoRecording, '--run', candidate('no-close'), '--timeout', '300']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('the server did not close');
  });

  test('the same bytes in other chunks: no difference', async () => {
    const result = await verify([echoRecording, '--run', candidate('split')]);
    expect(result.stdout).toContain('2 matched, 0 differing');
    expect(result.code).toBe(0);
  });

  test("a chat: one client's message reaches the other, the replay waits for it (and --target)", async () => {
    const result = await verify([chatRecording, '--run', candidate()]);
    expect(result.stdout).toContain('2 conversations, 2 matched');
    expect(result.code).toBe(0);
    const running = spawn(process.execPath, [server, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((resolve) => running.stdout.once('data', (text: Buffer) => resolve(JSON.parse(text.toString()).port)));
      const targeted = await verify([chatRecording, '--target', `127.0.0.1:${port}`]);
      expect(targeted.code).toBe(0);
    } finally {
      running.kill();
    }
  });
});

describe('noise', () => {
  test('a time and a counter differ from the recording: differences without a baseline, none with one', async () => {
    const plain = await verify([noisyRecording, '--run', candidate(), '--json']);
    expect(plain.code).toBe(1);
    const withBaseline = await verify([noisyRecording, '--run', candidate(), '--baseline', candidate(), '--json']);
    expect(JSON.parse(withBaseline.stdout).summary).toMatchObject({ matched: 1, differing: 0, baselineRuns: 2 });
    expect(JSON.parse(withBaseline.stdout).summary.noiseIgnored.regions).toBeGreaterThan(0);
    expect(withBaseline.code).toBe(0);
  }, 60000);

  test('noise does not hide a real difference next to it', async () => {
    const result = await verify([noisyRecording, '--run', candidate('changed-byte'), '--baseline', candidate()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('- steady\\r\\n');
    expect(result.stdout).toContain('+ rteady\\r\\n');
  }, 60000);

  test('--ignore: known-noisy text is not compared', async () => {
    const result = await verify([noisyRecording, '--run', candidate(), '--ignore', 'time=\\d+', '--ignore', 'n=\\d+']);
    expect(result.code).toBe(0);
  });

  test('tokens: a timestamp whose leading digits agree is noise as a whole; a longer counter still aligns', () => {
    const outcome = (received: string): ReplayOutcome => ({ received: Buffer.from(received), serverClosed: false, serverReset: false, closedAfterInbound: null, undelivered: 0, inbound: [], expectedBeforeInbound: [], connectError: null });
    const compare = (reference: string, other: string, actual: string) =>
      compareConversation({ received: Buffer.from(reference), serverCloses: null, closeAfterInbound: null }, outcome(actual), findNoise(Buffer.from(reference), [Buffer.from(other)], []), []);
    // The two legacy runs agree on 17123456 and differ after it: the candidate differs in those leading digits too.
    expect(compare('at 1712345678123 ok\r\n', 'at 1712345679456 ok\r\n', 'at 1799999999999 ok\r\n').divergences).toEqual([]);
    expect(compare('at 2026-11-25T10:00:00.123Z ok', 'at 2026-11-25T10:00:01.456Z ok', 'at 2026-11-25T10:59:59.999Z ok').divergences).toEqual([]);
    expect(compare('n=9 items, id=ab12\r\nnext\r\n', 'n=10 items, id=cd34\r\nnext\r\n', 'n=1000 items, id=zz99zz\r\nnext\r\n').divergences).toEqual([]);
    const real = compare('n=9 items\r\nnext\r\n', 'n=10 items\r\nnext\r\n', 'n=11 items\r\nNEXT\r\n');
    expect(real.divergences).toEqual([expect.objectContaining({ kind: 'bytes', expectedOffset: 11, actualOffset: 12 })]);
    expect(real.noiseIgnored).toBe(1);
  });
});

describe('an SMTP session on the real smtpd port (interactive: each command waits for the reply before it)', () => {
  let port: BuiltPort;
  beforeAll(() => {
    port = buildPort();
  }, 120000);
  afterAll(() => port?.remove());

  test('recorded and replayed with the waits: 0 differences', async () => {
    const recording = await recordSession(
      'smtp',
      async (connect) => {
        const client = await connect();
        const step = async (line: string | null, expectCode: string) => {
          const before = client.text().length;
          if (line !== null) client.write(line);
          await until(() => client.text().slice(before).includes(`${expectCode} `) && client.text().endsWith('\r\n'));
        };
        await step(null, '220');
        await step('EHLO client.example\r\n', '250');
        await step('MAIL FROM:<a@example.com>\r\n', '250');
        await step('RCPT TO:<b@example.com>\r\n', '250');
        await step('DATA\r\n', '354');
        await step('Subject: hi\r\n\r\nfirst line\r\n.\r\n', '250');
        await step('QUIT\r\n', '221');
      },
      [path.join(port.outDir, 'main.js'), '-n', '-c', 'RecordingServer'],
      { ...port.env, PORT: '0' },
    );
    const result = await verify([recording, '--run', `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(port.outDir, 'main.js'))} -n -c RecordingServer`], { ...plainEnv, ...port.env, NO_COLOR: '1' });
    expect(result.stderr).not.toContain('error');
    expect(result.stdout).toContain('1 conversations, 1 matched');
    expect(result.code).toBe(0);
  }, 60000);
});

describe('usage and setup errors (exit 2)', () => {
  test.each([
    [['--run', 'x'], 'give the recordings directory'],
    [['dir', '--rnu', 'x'], "unknown option '--rnu' (did you mean '--run'?)"],
    [['dir'], 'give the program to verify'],
    [['dir', '--run', 'x', '--target', '127.0.0.1:1'], 'cannot be combined'],
    [['dir', '--target', 'nope'], '--target expects [KEY=]host:port'],
    [['dir', '--run', 'x', '--timeout', 'soon'], '--timeout expects a whole number'],
    [['dir', '--run', 'x', '--ignore', '('], 'not a valid regular expression'],
  ])('%j', async (args, message) => {
    const result = await verify(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  test('no recordings, an unreadable file, a program that never listens', async () => {
    expect((await verify([path.join(work, 'missing'), '--run', 'true'])).stderr).toContain('no such directory');
    const empty = fs.mkdtempSync(path.join(work, 'empty-'));
    expect(await verify([empty, '--run', 'true'])).toMatchObject({ code: 2, stderr: expect.stringContaining('no conversation files') });
    fs.writeFileSync(path.join(empty, 'bad.jsonl'), 'not json\n{}\n');
    expect(await verify([empty, '--run', 'true'])).toMatchObject({ code: 2, stderr: expect.stringContaining('bad.jsonl:1: not a JSON line') });
    const exits = await verify([echoRecording, '--run', 'echo starting; exit 3']);
    expect(exits).toMatchObject({ code: 2, stderr: expect.stringContaining('the program exited with code 3 before listening') });
    expect(exits.stderr).toContain('starting');
    const silent = await verify([echoRecording, '--run', 'sleep 5', '--start-timeout', '300']);
    expect(silent).toMatchObject({ code: 2, stderr: expect.stringContaining('nothing accepted connections on port') });
  });

  test('colours: off with NO_COLOR, on with FORCE_COLOR=1 even into a pipe', async () => {
    const plain = await verify([echoRecording, '--run', candidate('changed-byte')]);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await verify([echoRecording, '--run', candidate('changed-byte')], { ...process.env, NO_COLOR: '', FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001b[31m');
  });

  test('--help, --version', async () => {
    expect(await verify(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: asynchat-migrate verify <recordings-dir>') });
    expect((await verify(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
