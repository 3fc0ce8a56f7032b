/**
 * --frame-limit: migrated readers keep asynchat's unbounded frames (limit: Infinity) unless a bound
 * is asked for, and the run says so once; a bad value is a usage error.
 */
import { memoryIo } from '../../src/cli/io';
import { runRewrite, UNBOUNDED_FRAMES_NOTE } from '../../src/cli/rewrite';
import { createTempProject, type TempProject } from './support/temp-project';

const SERVER = `import type { Socket } from 'node:net';
import { async_chat, dispatcher, type Address } from '@asynchat/shim';

export class EchoHandler extends async_chat {
  private buffer: Buffer[] = [];

  constructor(sock: Socket) {
    super(sock);
    this.set_terminator('\\n');
  }

  override collect_incoming_data(data: Buffer): void {
    this.buffer.push(data);
  }

  override found_terminator(): void {
    this.push(Buffer.concat(this.buffer));
    this.buffer = [];
  }
}

export class EchoServer extends dispatcher {
  constructor(host: string, port: number) {
    super();
    this.create_socket();
    this.bind([host, port]);
    this.listen(5);
  }

  override handle_accepted(sock: Socket, _addr: Address): void {
    new EchoHandler(sock);
  }
}
`;

let project: TempProject;
afterEach(() => project?.remove());

async function rewrite(...argv: string[]) {
  project = createTempProject({ 'src/echo.ts': SERVER, 'src/other.ts': SERVER.replace(/Echo/g, 'Other') });
  const io = memoryIo({ cwd: project.root });
  const exitCode = await runRewrite(['--allow-dirty', ...argv], io);
  return { exitCode, stdout: io.output(), stderr: io.errors(), text: project.read('src/echo.ts') };
}

describe('rewrite --frame-limit', () => {
  test('by default the migrated server reads frames of any length, and the run says so once', async () => {
    const { exitCode, stdout, text } = await rewrite('src');
    expect(exitCode).toBe(0);
    expect(text).toContain('startServer(handleEcho, { host, port, limit: Infinity })');
    expect(stdout.split(UNBOUNDED_FRAMES_NOTE).length - 1).toBe(1);
  });

  test('--frame-limit 1048576 emits that bound and no note', async () => {
    const { exitCode, stdout, text } = await rewrite('--frame-limit', '1048576', 'src');
    expect(exitCode).toBe(0);
    expect(text).toContain('startServer(handleEcho, { host, port, limit: 1048576 })');
    expect(stdout).not.toContain(UNBOUNDED_FRAMES_NOTE);
  });

  test.each(['0', '-5', '64k', ''])('--frame-limit %p is a usage error (exit 2), nothing written', async (value) => {
    const { exitCode, stderr, text } = await rewrite('--frame-limit', value, 'src');
    expect(exitCode).toBe(2);
    expect(stderr).toContain('--frame-limit');
    expect(text).toBe(SERVER);
  });
});
