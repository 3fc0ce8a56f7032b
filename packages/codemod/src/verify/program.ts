import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

/** The program under test (or the legacy one, for the baseline) could not be started or reached. */
export class ProgramStartError extends Error {
  override readonly name = 'ProgramStartError';
  constructor(
    readonly command: string,
    readonly reason: string,
    /** The last of what the program printed (stdout and stderr), for the report. */
    readonly output: string,
  ) {
    super(`${reason}: ${command}${output.trim() === '' ? '' : `\n--- its output (last lines) ---\n${output.trimEnd()}`}`);
  }
}

/** A `{port}` / `{port:KEY}` placeholder of a command, with the free port chosen for it. */
export interface PortPlaceholder {
  /** null for the plain `{port}`; otherwise the recorded listening port or listener class it stands for. */
  key: string | null;
  port: number;
}

export interface RunningProgram {
  command: string;
  ports: PortPlaceholder[];
  stop(): Promise<void>;
}

const PLACEHOLDER = /\{port(?::([^}]+))?\}/g;

/** The placeholders a command holds (each key once); a command without any gets one plain `{port}` (given as PORT). */
export function placeholdersOf(command: string): (string | null)[] {
  const keys = new Set<string | null>();
  for (const match of command.matchAll(PLACEHOLDER)) keys.add(match[1] ?? null);
  if (keys.size === 0) keys.add(null);
  return [...keys];
}

/** A port no one listens on right now (the system's choice; released before the program takes it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts `command` in a shell, with every `{port}` / `{port:KEY}` replaced by a free port (and
 * PORT set to the first one), and waits until each of those ports accepts connections. Fails
 * with a ProgramStartError when the program exits first or `startTimeoutMs` passes.
 * ASYNCHAT_RECORD is removed from its environment: a replay must not record itself.
 */
export async function startProgram(command: string, env: NodeJS.ProcessEnv, startTimeoutMs: number): Promise<RunningProgram> {
  const ports: PortPlaceholder[] = [];
  for (const key of placeholdersOf(command)) ports.push({ key, port: await freePort() });
  const portOf = (key: string | null): number => ports.find((placeholder) => placeholder.key === key)!.port;
  const concrete = command.replace(PLACEHOLDER, (_match, key: string | undefined) => String(portOf(key ?? null)));
  const childEnv: NodeJS.ProcessEnv = { ...env, PORT: String(ports[0]!.port) };
  delete childEnv.ASYNCHAT_RECORD;
  // Its own process group: stop() ends the shell and what it started.
  const child = spawn(concrete, { shell: true, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (text: string): void => {
    output = (output + text).slice(-4000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = `could not start (${error.message})`;
      resolve();
    });
  });
  const stop = (): Promise<void> => stopProcess(child, exit);
  const deadline = Date.now() + startTimeoutMs;
  for (const { port } of ports) {
    for (;;) {
      if (exited !== null) throw new ProgramStartError(concrete, `the program ${exited} before listening on port ${port}`, output);
      if (await accepts(port)) break;
      if (Date.now() > deadline) {
        await stop();
        throw new ProgramStartError(concrete, `nothing accepted connections on port ${port} within ${startTimeoutMs} ms`, output);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { command: concrete, ports, stop };
}

/** Whether something accepts connections on `host:port`, asking every 50 ms for up to `waitMs`. */
export async function waitUntilAccepting(host: string, port: number, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await accepts(port, host)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stopProcess(child: ChildProcess, exit: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 3000);
  await exit;
  clearTimeout(timer);
  // The shell may be gone while what it started lingers in the group.
  signalGroup('SIGKILL');
}
