import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * Keeps V8's compiled code for TypeScript's bundle (9 MB of JavaScript, ~0.3-0.5 s to compile on a
 * small CI machine, more than ast-grep takes to scan 2,000 files) between runs of the CLI.
 *
 * On Node >= 22.1 this is `module.enableCompileCache()`. On Node 20 only the bundles of TypeScript
 * and ts-morph are compiled through `vm.Script` with `cachedData`; the cache is written when the
 * process exits, after the run, so it also holds the functions the parser compiled lazily.
 * Nothing else is touched. Off with ASYNCHAT_MIGRATE_NO_COMPILE_CACHE=1; the directory is
 * ASYNCHAT_MIGRATE_CACHE_DIR or `<tmpdir>/asynchat-migrate-compile-cache-<uid>`. A stale or
 * foreign cache entry is rejected by V8 and rewritten; a cache that cannot be written is skipped.
 *
 * @example
 * ```ts
 * enableCompileCache(process.env); // first thing in a CLI entry or a worker thread
 * ```
 */
export function enableCompileCache(env: Record<string, string | undefined>): void {
  if (env.ASYNCHAT_MIGRATE_NO_COMPILE_CACHE === '1' || installed) return;
  installed = true;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const directory = env.ASYNCHAT_MIGRATE_CACHE_DIR ?? join(tmpdir(), `asynchat-migrate-compile-cache-${uid}`);
  const native = (Module as unknown as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache;
  if (typeof native === 'function') {
    native(directory);
    return;
  }
  installVmCache(directory);
}

let installed = false;

/** The bundles worth caching: big, stable, and loaded by every run that parses. */
const CACHED_BUNDLE = /[\\/]node_modules[\\/].*[\\/](typescript|ts-morph-common|ts-morph)\.js$/;

interface ModuleInternals {
  _compile(content: string, filename: string): unknown;
  exports: unknown;
}

function installVmCache(directory: string): void {
  const prototype = (Module as unknown as { prototype: ModuleInternals }).prototype;
  const originalCompile = prototype._compile;
  const pending: { script: Script; path: string }[] = [];
  prototype._compile = function compileWithCache(this: ModuleInternals, content: string, filename: string): unknown {
    if (!CACHED_BUNDLE.test(filename)) return originalCompile.call(this, content, filename);
    let cachePath: string;
    try {
      const stats = statSync(filename);
      const key = createHash('sha256').update(`${filename}\0${stats.size}\0${stats.mtimeMs}\0${process.version}\0${process.arch}`).digest('hex').slice(0, 32);
      cachePath = join(directory, `${key}.bin`);
    } catch {
      return originalCompile.call(this, content, filename);
    }
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(cachePath);
    } catch {
      cachedData = undefined;
    }
    const wrapper = `(function (exports, require, module, __filename, __dirname) { ${content}\n});`;
    const script = new Script(wrapper, { filename, ...(cachedData ? { cachedData } : {}) });
    if (!cachedData || script.cachedDataRejected === true) pending.push({ script, path: cachePath });
    const compiled = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, directory: string) => unknown;
    return compiled.call(this.exports, this.exports, createRequire(filename), this, filename, dirname(filename));
  };
  process.once('exit', () => {
    for (const { script, path } of pending) {
      try {
        mkdirSync(directory, { recursive: true });
        const temporary = `${path}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, path);
      } catch {
        // A read-only or full temporary directory only costs speed.
      }
    }
  });
}
