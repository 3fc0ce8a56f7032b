/**
 * The documentation cannot rot: every ```ts block preceded by `<!-- example -->` in docs/api/*.md
 * and docs/migration.md is type-checked (strict) against the BUILT packages and run as its own
 * Node process, as a user would run it; it must exit 0 within the timeout, so an example that
 * leaves a server open fails too. Each reference page must also document every name its package
 * exports.
 *
 * Needs `pnpm build` first (`pnpm test` does it).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const REPO_ROOT = path.resolve(__dirname, '../..');
const PAGES = ['docs/api/streams.md', 'docs/api/shim.md', 'docs/migration.md'];
const PACKAGES = ['streams', 'shim'] as const;
const EXAMPLE_TIMEOUT_MS = 20_000;

interface Example {
  page: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
  code: string;
  fileName: string;
}

/** The marked examples of a page: a `<!-- example -->` line, then (blank lines allowed) a ```ts fence. */
function extractExamples(page: string, markdown: string): Omit<Example, 'fileName'>[] {
  const lines = markdown.split('\n');
  const examples: Omit<Example, 'fileName'>[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    if (lines[index]!.trim() !== '<!-- example -->') continue;
    let fence = index + 1;
    while (fence < lines.length && lines[fence]!.trim() === '') fence += 1;
    if (!/^```ts\s*$/.test(lines[fence] ?? '')) {
      throw new Error(`${page}:${index + 1}: <!-- example --> must be followed by a \`\`\`ts block`);
    }
    const end = lines.findIndex((line, at) => at > fence && line.startsWith('```'));
    if (end === -1) throw new Error(`${page}:${fence + 1}: unclosed code block`);
    examples.push({ page, line: fence + 1, code: lines.slice(fence + 1, end).join('\n') });
    index = end;
  }
  return examples;
}

/**
 * An example is written as a module with top-level await; it is compiled to CommonJS, so its body
 * (everything after the leading imports) runs inside an async main.
 */
function toModule(example: Omit<Example, 'fileName'>): string {
  const lines = example.code.split('\n');
  let bodyStart = 0;
  while (bodyStart < lines.length && /^(import\b|\s*$)/.test(lines[bodyStart]!)) bodyStart += 1;
  return [
    `// ${example.page}:${example.line}`,
    ...lines.slice(0, bodyStart),
    'async function main(): Promise<void> {',
    ...lines.slice(bodyStart),
    '}',
    'main().catch((error: unknown) => {',
    '  console.error(error);',
    '  process.exitCode = 1;',
    '});',
    '',
  ].join('\n');
}

const pagesPresent = PAGES.filter((page) => fs.existsSync(path.join(REPO_ROOT, page)));
const examples: Example[] = pagesPresent.flatMap((page) =>
  extractExamples(page, fs.readFileSync(path.join(REPO_ROOT, page), 'utf8')).map((example, index) => ({
    ...example,
    fileName: `${path.basename(page, '.md')}-${index + 1}.ts`,
  })),
);

let workDir = '';
let diagnostics: string[] = [];

beforeAll(() => {
  for (const name of PACKAGES) {
    const entry = path.join(REPO_ROOT, 'packages', name, 'dist', 'index.js');
    if (!fs.existsSync(entry)) throw new Error(`@asynchat/${name} is not built (${entry} is missing): run \`pnpm build\` first`);
  }
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'asynchat-docs-examples-'));
  const scope = path.join(workDir, 'node_modules', '@asynchat');
  fs.mkdirSync(scope, { recursive: true });
  for (const name of PACKAGES) fs.symlinkSync(path.join(REPO_ROOT, 'packages', name), path.join(scope, name), 'dir');
  for (const example of examples) fs.writeFileSync(path.join(workDir, example.fileName), toModule(example));

  const program = ts.createProgram({
    rootNames: examples.map((example) => path.join(workDir, example.fileName)),
    options: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
      outDir: workDir,
      rootDir: workDir,
    },
  });
  const emitted = program.emit();
  diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file === undefined || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${path.basename(diagnostic.file.fileName)}:${line + 1}: ${message}`;
  });
}, 60_000);

afterAll(() => {
  if (workDir !== '') fs.rmSync(workDir, { recursive: true, force: true });
});

test('the reference pages exist and hold runnable examples', () => {
  expect(pagesPresent).toEqual(expect.arrayContaining(['docs/api/streams.md', 'docs/api/shim.md']));
  for (const page of ['docs/api/streams.md', 'docs/api/shim.md']) {
    expect(examples.filter((example) => example.page === page).length).toBeGreaterThan(0);
  }
});

test('every example type-checks (strict) against the built packages', () => {
  expect(diagnostics).toEqual([]);
});

describe.each(examples.map((example) => [`${example.page}:${example.line}`, example] as const))('example %s', (_where, example) => {
  test('runs to completion and exits 0', async () => {
    const script = path.join(workDir, example.fileName.replace(/\.ts$/, '.js'));
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--no-deprecation', script],
        { cwd: workDir, timeout: EXAMPLE_TIMEOUT_MS, killSignal: 'SIGKILL' },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
          resolve({ code, output: `${stdout}${stderr}${error?.killed ? `\n(killed after ${EXAMPLE_TIMEOUT_MS} ms: something was left open)` : ''}` });
        },
      );
    });
    expect(result.code === 0 ? 'exit 0' : `exit ${result.code}\n${result.output}`).toBe('exit 0');
  }, EXAMPLE_TIMEOUT_MS + 5_000);
});

describe.each(PACKAGES.map((name) => [name] as const))('docs/api/%s.md', (name) => {
  test('documents every name the package exports', () => {
    const page = path.join(REPO_ROOT, 'docs', 'api', `${name}.md`);
    const headings = fs
      .readFileSync(page, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .join('\n');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built package, as users load it
    const exported = Object.keys(require(path.join(REPO_ROOT, 'packages', name, 'dist', 'index.js')) as object);
    const undocumented = exported.filter((exportName) => exportName !== '__esModule' && !headings.includes(`\`${exportName}`));
    expect(undocumented).toEqual([]);
  });
});
