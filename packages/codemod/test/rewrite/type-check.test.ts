/**
 * The migrated fixture outputs type-check under `--strict` against the streams sources, and the
 * legacy TypeScript inputs against the shim sources (the repository's TypeScript, one program).
 */
import { resolve } from 'node:path';
import * as ts from 'typescript';
import { loadFixtureCases } from './fixture-cases';

const ROOT = resolve(__dirname, '../../../..');
const TYPESCRIPT_FILE = /\.(ts|mts|cts)$/;

function diagnosticsOf(files: string[]): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [resolve(ROOT, 'node_modules/@types')],
    baseUrl: ROOT,
    paths: {
      '@asynchat/streams': ['packages/streams/src/index.ts'],
      '@asynchat/shim': ['packages/shim/src/index.ts'],
      '@asynchat/shim/*': ['packages/shim/src/*.ts'],
    },
  };
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || files.includes(resolve(diagnostic.file.fileName)))
    .map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (diagnostic.file === undefined || diagnostic.start === undefined) return message;
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      return `${diagnostic.file.fileName}:${line + 1}:${character + 1}: ${message}`;
    });
}

const cases = loadFixtureCases();
const outputs = cases.flatMap((fixture) => fixture.files.flatMap((file) => (file.outputPath !== null && TYPESCRIPT_FILE.test(file.outputPath) ? [file.outputPath] : [])));
const inputs = cases.flatMap((fixture) => fixture.files.flatMap((file) => (TYPESCRIPT_FILE.test(file.inputPath) ? [file.inputPath] : [])));

describe('fixture type check (tsc --strict)', () => {
  it('has migrated TypeScript outputs to check', () => {
    expect(outputs.length).toBeGreaterThan(5);
  });

  it('the migrated outputs type-check against @asynchat/streams', () => {
    expect(diagnosticsOf(outputs)).toEqual([]);
  });

  it('the legacy inputs type-check against @asynchat/shim', () => {
    expect(diagnosticsOf(inputs)).toEqual([]);
  });
});
