import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from 'ts-morph';
import type { FileAnalysis, ProjectAnalysis } from '../../../src/analyse/types';
import type { FileRewrite } from '../../../src/rewrite/engine';
import type { RewriteEngine } from '../../../src/rewrite/process-share';
import type { RewriteSelection, SelectionRequest } from '../../../src/rewrite/select-files';
import { findSyntaxProblems } from '../../../src/rewrite/verify';

/**
 * A tiny engine with the real engine's contract, so that the CLI's own behaviour (modes, exit
 * codes, safety, reports) is tested whatever the real translations do:
 * - a file that does not parse -> error;
 * - `handle_read` without a marker -> one marker line on top, manual;
 * - `BROKEN_OUTPUT` -> output that does not parse (to prove the CLI re-parses before writing);
 * - `.push(` -> `.write(`, changed; anything else unchanged.
 */
export const stubEngine: RewriteEngine = {
  analyseProject({ files }) {
    const project = new Project({ useInMemoryFileSystem: false, skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
    const analysed = new Map<string, FileAnalysis>();
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      if (!text.includes('@asynchat/shim')) continue;
      const sourceFile = project.addSourceFileAtPath(path);
      analysed.set(path, {
        path,
        sourceFile,
        parseErrors: findSyntaxProblems(text, path),
        imports: [],
        classes: [],
        uses: [],
        markers: [],
        reexportsOnly: false,
      });
    }
    return { project, files: analysed, stats: { filesListed: files.length, filesRead: files.length, filesParsed: analysed.size }, resolveShimName: () => null, legacyClassOf: () => null } satisfies ProjectAnalysis;
  },
  rewriteFile(_analysis, file) {
    const before = file.sourceFile.getFullText();
    const base = { file: file.path, before, after: before, rules: [] as string[], markers: [] as FileRewrite['markers'], message: '' };
    const parseError = file.parseErrors[0];
    if (parseError) return { ...base, status: 'error', message: `${parseError.line}:${parseError.column} ${parseError.message}` };
    if (before.includes('handle_read')) {
      const marker = { rule: 'handle-read-override', reason: 'handle_read is overridden', line: 1, column: 1 };
      if (before.includes('TODO(asynchat-migrate)')) return { ...base, status: 'manual', rules: [marker.rule], markers: [marker], message: marker.reason };
      const after = `// TODO(asynchat-migrate): ${marker.rule}: ${marker.reason}\n${before}`;
      return { ...base, after, status: 'manual', rules: [marker.rule], markers: [marker], message: marker.reason };
    }
    if (before.includes('BROKEN_OUTPUT')) return { ...base, after: `${before}\nclass {`, status: 'changed', rules: ['push-write'] };
    if (before.includes('.push(')) return { ...base, after: before.split('.push(').join('.write('), status: 'changed', rules: ['push-write'] };
    return { ...base, status: 'unchanged' };
  },
};

/** A file selection without .gitignore or shards: every .ts file under the paths, sorted. */
export async function stubSelectFiles(request: SelectionRequest): Promise<RewriteSelection> {
  const found: string[] = [];
  const walk = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== '.git' && entry !== 'node_modules') walk(join(path, entry));
    } else if (path.endsWith('.ts')) found.push(path);
  };
  for (const path of request.paths) walk(path);
  found.sort();
  return { selected: found, candidates: found.filter((file) => readFileSync(file, 'utf8').includes('@asynchat/shim')) };
}
