/**
 * Issue 10: "one bad file only ever affects itself". Independent import groups share an analysis
 * batch for speed; a file that breaks the analysis must not take the rest of its batch down.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalyseOptions } from '../../src/analyse/types';
import { processShare, type RewriteEngine } from '../../src/rewrite/process-share';
import { stubEngine } from '../cli/support/stub-engine';
import { scratchDirectory } from './support/hardening-project';

const handler = (name: string): string => `import { async_chat } from '@asynchat/shim';\nexport class ${name} extends async_chat {\n  found_terminator(): void {\n    this.push('${name}');\n  }\n}\n`;

test('an analysis that throws on one file: the other groups of its batch are rewritten, the bad file alone is an error', async () => {
  const directory = scratchDirectory('isolation');
  try {
    const files = ['a.ts', 'poison.ts', 'z.ts'].map((name) => {
      const path = join(directory.root, name);
      writeFileSync(path, handler(name.replace('.ts', '').toUpperCase()));
      return path;
    });
    const poison = files[1]!;
    const batches: string[][] = [];
    // Like the ts-morph failure a BOM used to cause: the whole analysis throws when the bad file is in it.
    const engine: RewriteEngine = {
      analyseProject(options: AnalyseOptions) {
        batches.push([...options.files]);
        if (options.files.includes(poison)) throw new Error(`internal: no ts-morph node for ImportDeclaration at 1 in ${poison}`);
        return stubEngine.analyseProject(options);
      },
      rewriteFile: stubEngine.rewriteFile,
    };
    const outcomes = await processShare({ groups: files.map((file) => [file]), selected: files, mode: 'dry', cwd: directory.root }, engine);
    const status = Object.fromEntries(outcomes.map((outcome) => [outcome.file.slice(directory.root.length + 1), outcome.status]));
    expect(status).toEqual({ 'a.ts': 'changed', 'poison.ts': 'error', 'z.ts': 'changed' });
    expect(outcomes.find((outcome) => outcome.file === poison)?.message).toContain('no ts-morph node');
    // One batch of the three groups first, then each failing group alone.
    expect(batches[0]).toHaveLength(3);
  } finally {
    directory.dispose();
  }
});
