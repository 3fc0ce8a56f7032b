import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Git's ignore rules for one work tree: `.git/info/exclude`, the root `.gitignore` and every nested
 * `.gitignore`, each applying to paths below its directory, deeper files overriding shallower ones,
 * negated lines (`!keep.ts`) included. Like git, a file inside an ignored directory cannot be
 * re-included (the walk never enters that directory).
 *
 * @example
 * ```ts
 * const rules = new GitignoreRules('/repo');
 * rules.isIgnored('/repo/build/out.js', false);
 * ```
 */
export class GitignoreRules {
  private readonly perDirectory = new Map<string, Ignore | null>();

  constructor(readonly root: string) {}

  isIgnored(path: string, isDirectory: boolean): boolean {
    const fromRoot = relative(this.root, path);
    if (fromRoot === '' || fromRoot.startsWith('..')) return false;
    const parts = fromRoot.split(sep);
    let ignored = false;
    let directory = this.root;
    for (let depth = 0; depth < parts.length; depth += 1) {
      const rules = this.rulesOf(directory, depth === 0);
      if (rules) {
        const relativePath = toPosix(parts.slice(depth).join('/')) + (isDirectory ? '/' : '');
        const result = rules.test(relativePath);
        if (result.ignored) ignored = true;
        else if (result.unignored) ignored = false;
      }
      directory = join(directory, parts[depth] as string);
    }
    return ignored;
  }

  private rulesOf(directory: string, isRoot: boolean): Ignore | null {
    const cached = this.perDirectory.get(directory);
    if (cached !== undefined) return cached;
    const sources: string[] = [];
    if (isRoot) sources.push(readOptional(join(directory, '.git', 'info', 'exclude')));
    sources.push(readOptional(join(directory, '.gitignore')));
    const text = sources.join('\n');
    const rules = text.trim() === '' ? null : ignore().add(text);
    this.perDirectory.set(directory, rules);
    return rules;
  }
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
