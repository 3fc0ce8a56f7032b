/**
 * Recording (ASYNCHAT_RECORD / record()): one JSON Lines file per accepted channel with the
 * chunks recv() returned, the sends, their order across conversations, and how each ended; the
 * bounds, sampling and file modes; and a process killed with SIGKILL leaving its files readable.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as asynchat from '@asynchat/shim/asynchat';
import * as asyncore from '@asynchat/shim/asyncore';
import { parseRecording, readRecordings, record, RecordingFormatError, RecordOptionError, type RecordedConversation, type Recorder } from '@asynchat/shim';

const root = path.resolve(__dirname, '../../..');
const CRLF = Buffer.from('\r\n');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class LineHandler extends asynchat.async_chat {
  private parts: Buffer[] = [];
  constructor(sock: net.Socket, map: asyncore.SocketMap) {
    super(sock, map);
    this.set_terminator(CRLF);
  }
  override collect_incoming_data(data: Buffer): void {
    this.parts.push(data);
  }
  override found_terminator(): void {
    const line = Buffer.concat(this.parts).toString('latin1');
    this.parts = [];
    if (line === 'QUIT') {
      this.push(Buffer.from('BYE\r\n'));
      this.close_when_done();
    } else {
      // Two pushes per reply: the recording joins the sends of one event into one `out`.
      this.push(Buffer.from(line));
      this.push(CRLF);
    }
  }
}

class LineServer extends asyncore.dispatcher {
  constructor(map: asyncore.SocketMap) {
    super(null, map);
    this.create_socket();
    this.bind(['127.0.0.1', 0]);
    this.listen(16);
  }
  override handle_accepted(sock: net.Socket): void {
    new LineHandler(sock, this._map);
  }
}

let dir: string;
let recorder: Recorder | null = null;
let map: Map<number, asyncore.dispatcher>;
let server: LineServer;
let serving: Promise<void>;
let stopped = false;

async function serve(): Promise<void> {
  while (!stopped) await asyncore.loop({ timeout: 0.005, count: 1, map });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asynchat-recording-'));
  map = new Map();
  stopped = false;
});

afterEach(async () => {
  stopped = true;
  await serving;
  asyncore.close_all(map, true);
  recorder?.stop();
  recorder = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

function start(options: Partial<Parameters<typeof record>[0]> = {}): number {
  recorder = record({ dir: path.join(dir, 'rec'), ...options });
  server = new LineServer(map);
  serving = serve();
  return server.socket.getsockname()[1] as number;
}

async function connect(port: number): Promise<net.Socket & { received: () => string; ended: Promise<void> }> {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  socket.setNoDelay(true);
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('error', () => {});
  socket.on('end', () => socket.end());
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  return Object.assign(socket, { received: () => received, ended });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await pause(5);
  }
}

function conversations(): RecordedConversation[] {
  const { conversations: found, errors } = readRecordings(path.join(dir, 'rec'));
  expect(errors).toEqual([]);
  return found;
}

function summary(conversation: RecordedConversation): string[] {
  return conversation.events.map((event) => {
    if (event.kind === 'in' || event.kind === 'out') return `${event.kind} ${JSON.stringify(event.data.toString('latin1'))}`;
    return event.kind;
  });
}

test('a conversation: the chunks recv returned, the joined sends, peer EOF then close, the listening address', async () => {
  const port = start();
  const client = await connect(port);
  const clientPort = client.localPort;
  client.write('one\r\n');
  await until(() => client.received() === 'one\r\n', 'the first reply');
  client.write('tw');
  await pause(30);
  client.write('o\r\n');
  await until(() => client.received().endsWith('two\r\n'), 'the second reply');
  client.end();
  await client.ended;
  await until(() => conversations()[0]?.ending === 'peer-eof', 'the close');
  const [conversation] = conversations();
  expect(summary(conversation!)).toEqual(['in "one\\r\\n"', 'out "one\\r\\n"', 'in "tw"', 'in "o\\r\\n"', 'out "two\\r\\n"', 'eof', 'close']);
  expect(conversation!.header).toMatchObject({ format: 'asynchat-recording', version: 1, listen: { host: '127.0.0.1', port }, listener: 'LineServer', handler: 'LineHandler' });
  expect(conversation!.header.peer).toMatchObject({ host: '127.0.0.1', port: clientPort });
  const times = conversation!.events.map((event) => event.t);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(20);
  expect(conversation!.torn).toBe(false);
});

test('interleaving across conversations: seq orders the events of every file', async () => {
  const port = start();
  const first = await connect(port);
  const second = await connect(port);
  first.write('a1\r\n');
  await until(() => first.received() === 'a1\r\n', 'a1');
  second.write('b1\r\n');
  await until(() => second.received() === 'b1\r\n', 'b1');
  first.write('a2\r\n');
  await until(() => first.received().endsWith('a2\r\n'), 'a2');
  first.end();
  second.end();
  await Promise.all([first.ended, second.ended]);
  await until(() => conversations().every((conversation) => conversation.ending === 'peer-eof') && conversations().length === 2, 'both closes');
  const merged = conversations()
    .flatMap((conversation) => conversation.events.filter((event) => event.kind === 'in').map((event) => ({ seq: event.seq, data: (event as { data: Buffer }).data.toString() })))
    .sort((a, b) => a.seq - b.seq)
    .map((event) => event.data);
  expect(merged).toEqual(['a1\r\n', 'b1\r\n', 'a2\r\n']);
  expect(new Set(conversations().map((conversation) => conversation.header.run)).size).toBe(1);
});

test('end states: the server closing first, and a reset by the peer', async () => {
  const port = start();
  const quitting = await connect(port);
  quitting.write('QUIT\r\n');
  await quitting.ended;
  const resetting = await connect(port);
  resetting.write('half a li');
  await until(() => conversations().length === 2 && conversations().some((conversation) => conversation.events.some((event) => event.kind === 'in' && event.data.toString() === 'half a li')), 'the partial line');
  resetting.resetAndDestroy();
  await until(() => conversations().every((conversation) => conversation.events.some((event) => event.kind === 'close')), 'both closes');
  const endings = conversations().map((conversation) => conversation.ending).sort();
  expect(endings).toEqual(['local-close', 'reset']);
  const reset = conversations().find((conversation) => conversation.ending === 'reset')!;
  expect(reset.events.find((event) => event.kind === 'reset')).toMatchObject({ code: 'ECONNRESET' });
});

test('files are created with mode 0600 in a directory created with mode 0700', async () => {
  const port = start();
  const client = await connect(port);
  client.write('x\r\n');
  await until(() => client.received() === 'x\r\n', 'the reply');
  client.destroy();
  const [conversation] = conversations();
  expect(fs.statSync(conversation!.file).mode & 0o777).toBe(0o600);
  expect(fs.statSync(path.join(dir, 'rec')).mode & 0o777).toBe(0o700);
});

test('bounds: at most maxConversations files; maxBytes stops a conversation with a truncated line', async () => {
  const port = start({ maxConversations: 2, maxBytes: 1500 });
  const clients: Awaited<ReturnType<typeof connect>>[] = [];
  for (let index = 0; index < 3; index += 1) {
    const client = await connect(port);
    client.write(`hello ${index}\r\n`);
    await until(() => client.received() === `hello ${index}\r\n`, 'the reply');
    clients.push(client);
  }
  expect(conversations()).toHaveLength(2);
  // ~600 bytes of header per file; 200-byte lines then run the 1,500-byte budget out.
  const big = 'y'.repeat(150);
  for (let index = 0; index < 5; index += 1) {
    clients[0]!.write(`${big}\r\n`);
    await until(() => clients[0]!.received().split(big).length === index + 2, 'the big reply');
  }
  for (const client of clients) client.destroy();
  const found = conversations();
  expect(found.map((conversation) => conversation.ending)).toContain('truncated');
  const total = found.reduce((sum, conversation) => sum + fs.statSync(conversation.file).size, 0);
  // Within the bound, give or take the short `truncated` line that says why the file stops.
  expect(total).toBeLessThanOrEqual(1500 + 80);
  expect(recorder!.bytesWritten).toBeLessThanOrEqual(1500);
});

test('sampling records the share of conversations the rate asks for; a rate above 1 is refused', async () => {
  const draws = [0.1, 0.9, 0.2, 0.8, 0.3, 0.7];
  const port = start({ sample: 0.5, random: () => draws.shift() ?? 0.99 });
  for (let index = 0; index < 6; index += 1) {
    const client = await connect(port);
    client.write(`n${index}\r\n`);
    await until(() => client.received() === `n${index}\r\n`, 'the reply');
    client.destroy();
  }
  const recorded = conversations().map((conversation) => conversation.events.find((event) => event.kind === 'in'));
  expect(recorded.map((event) => (event as { data: Buffer }).data.toString().trim()).sort()).toEqual(['n0', 'n2', 'n4']);
  expect(() => record({ dir, sample: 2 })).toThrow(RecordOptionError);
});

test('a torn last line is dropped on read; a bad line elsewhere is an error that names it', () => {
  const header = JSON.stringify({ format: 'asynchat-recording', version: 1, id: 'x', run: 'r', pid: 1, started: '', startedAt: 0, listen: { host: '127.0.0.1', port: 1 }, listener: 'L', handler: 'H', peer: null });
  const torn = parseRecording(`${header}\n{"seq":1,"t":0,"in":"YQ=="}\n{"seq":2,"t":1,"ou`, 'torn.jsonl');
  expect(torn).toMatchObject({ torn: true, ending: 'unfinished' });
  expect(torn.events).toHaveLength(1);
  expect(() => parseRecording(`${header}\n{"seq":1,"t":0,"in":"YQ==\n{"seq":2,"t":1,"close":true}\n`, 'bad.jsonl')).toThrow(new RecordingFormatError('bad.jsonl', 2, 'not a JSON line'));
  expect(() => parseRecording(`${header.replace('"version":1', '"version":9')}\n`, 'new.jsonl')).toThrow(/newer/);
});

test('ASYNCHAT_RECORD in a process killed with SIGKILL: every event up to the kill is in its file', async () => {
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/shim'], { cwd: root });
  const recordings = path.join(dir, 'killed');
  const child = spawn(process.execPath, [path.join(root, 'fixtures/verify/line-server.cjs'), '0'], {
    env: { ...process.env, ASYNCHAT_RECORD: recordings },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve) => child.stdout.once('data', (text: Buffer) => resolve(JSON.parse(text.toString()).port)));
    const client = await connect(port);
    client.write('ECHO before the kill\r\n');
    await until(() => client.received() === 'before the kill\r\n', 'the reply');
    client.write('ECHO unterminated');
    await pause(100);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    client.destroy();
  } finally {
    child.kill('SIGKILL');
  }
  const { conversations: found, errors } = readRecordings(recordings);
  expect(errors).toEqual([]);
  expect(found).toHaveLength(1);
  expect(found[0]!.ending).toBe('unfinished');
  expect(summary(found[0]!)).toEqual(['in "ECHO before the kill\\r\\n"', 'out "before the kill\\r\\n"', 'in "ECHO unterminated"']);
}, 60000);
