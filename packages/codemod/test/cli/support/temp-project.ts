import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';

/** A throw-away project directory under the OS temp dir, with helpers to read it back. */
export interface TempProject {
  root: string;
  write(file: string, text: string): string;
  read(file: string): string;
  /** Every file under the root (relative, forward slashes) with the SHA-256 of its bytes; .git excluded. */
  hashes(): Record<string, string>;
  git(...args: string[]): string;
  /** `git init` + one commit of everything, so the tree starts clean. */
  commitAll(): void;
  remove(): void;
}

export function createTempProject(files: Record<string, string>): TempProject {
  const root = mkdtempSync(join(tmpdir(), 'asynchat-rewrite-'));
  const project: TempProject = {
    root,
    write(file, text) {
      const path = join(root, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    read: (file) => readFileSync(join(root, file), 'utf8'),
    hashes() {
      const result: Record<string, string> = {};
      const walk = (directory: string): void => {
        for (const entry of readdirSync(directory)) {
          if (entry === '.git') continue;
          const path = join(directory, entry);
          if (statSync(path).isDirectory()) walk(path);
          else result[relative(root, path).split(sep).join('/')] = createHash('sha256').update(readFileSync(path)).digest('hex');
        }
      };
      walk(root);
      return result;
    },
    git: (...args) =>
      execFileSync('git', args, {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
      }),
    commitAll() {
      project.git('init', '-q', '-b', 'main');
      project.git('add', '-A');
      project.git('commit', '-q', '-m', 'initial');
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  for (const [file, text] of Object.entries(files)) project.write(file, text);
  return project;
}
