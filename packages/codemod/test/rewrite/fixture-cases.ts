/**
 * The codemod fixture convention (fixtures/codemod/README.md): one folder per case, holding
 * `input.<ext>` and `output.<ext>` (no `output` = the input must stay byte-identical), or the folders
 * `input/` and `output/` for cross-file cases; `expected.json` names the status and rules, and
 * `conversation.json` makes the case differential (legacy on the shim vs migrated on streams).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const FIXTURES_ROOT = resolve(__dirname, '../../../../fixtures/codemod');

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export interface FixtureFile {
  /** Path relative to the case's input (`input.ts`, or `input/<relative>`). */
  name: string;
  inputPath: string;
  /** The expected output path, or null when the file must stay unchanged. */
  outputPath: string | null;
}

export interface ExpectedResult {
  /** Per input file name (as in FixtureFile.name): the status and the rules. */
  [file: string]: { status: 'changed' | 'unchanged' | 'manual' | 'error'; rules?: string[] };
}

export interface FixtureCase {
  name: string;
  directory: string;
  files: FixtureFile[];
  expected: ExpectedResult | null;
  conversationPath: string | null;
}

function listSources(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) found.push(...listSources(path));
    else if (SOURCE.test(entry)) found.push(path);
  }
  return found.sort();
}

export function loadFixtureCases(): FixtureCase[] {
  return readdirSync(FIXTURES_ROOT)
    .filter((name) => statSync(join(FIXTURES_ROOT, name)).isDirectory())
    .sort()
    .map((name) => {
      const directory = join(FIXTURES_ROOT, name);
      const files: FixtureFile[] = [];
      if (existsSync(join(directory, 'input')) && statSync(join(directory, 'input')).isDirectory()) {
        for (const inputPath of listSources(join(directory, 'input'))) {
          const relativePath = relative(join(directory, 'input'), inputPath);
          const outputPath = join(directory, 'output', relativePath);
          files.push({ name: `input/${relativePath}`, inputPath, outputPath: existsSync(outputPath) ? outputPath : null });
        }
      } else {
        for (const entry of readdirSync(directory).filter((file) => /^input\./.test(file) && SOURCE.test(file))) {
          const extension = entry.slice('input'.length);
          const outputPath = join(directory, `output${extension}`);
          files.push({ name: entry, inputPath: join(directory, entry), outputPath: existsSync(outputPath) ? outputPath : null });
        }
      }
      if (files.length === 0) throw new Error(`fixture case ${name} has no input file`);
      const expectedPath = join(directory, 'expected.json');
      const conversationPath = join(directory, 'conversation.json');
      return {
        name,
        directory,
        files,
        expected: existsSync(expectedPath) ? (JSON.parse(readFileSync(expectedPath, 'utf8')) as ExpectedResult) : null,
        conversationPath: existsSync(conversationPath) ? conversationPath : null,
      };
    });
}
