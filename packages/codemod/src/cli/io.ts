/**
 * What a subcommand may touch of the outside world. `main.ts` builds one from `process`; tests build
 * one from strings, so every subcommand can be run in-process and its output asserted.
 *
 * @example
 * ```ts
 * const io = processIo();
 * const exitCode = await runCheck(['src', '--format', 'json'], io);
 * ```
 */
export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Reads all of standard input (used by `--stdin`); resolves to '' when there is none. */
  readStdin(): Promise<string>;
  /** The directory relative paths (arguments, output) are taken from. */
  cwd: string;
  /** True when stdout is a terminal: progress bars and colours only then. */
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

/** The real process as a CliIo. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: () => readAll(process.stdin),
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  if ((stream as NodeJS.ReadStream).isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** A CliIo that records what is written: for tests and for programmatic callers. */
export interface CapturedIo extends CliIo {
  output(): string;
  errors(): string;
}

/**
 * @example
 * ```ts
 * const io = memoryIo({ cwd: '/repo', stdin: 'src/a.ts\n' });
 * await runCheck(['--stdin'], io);
 * io.output(); // what check printed
 * ```
 */
export function memoryIo(options: { cwd: string; stdin?: string; isTTY?: boolean; env?: Record<string, string | undefined> }): CapturedIo {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    readStdin: async () => options.stdin ?? '',
    cwd: options.cwd,
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    output: () => stdout,
    errors: () => stderr,
  };
}
