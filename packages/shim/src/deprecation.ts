import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The migration nudge: the first time each handler class is constructed, one Node
 * `DeprecationWarning` (code `ASYNCHAT_SHIM`) names the class and the exact `asynchat-migrate
 * rewrite <file>` command for the file that constructs it. It goes through
 * `process.emitWarning`, so `--no-deprecation`, `--throw-deprecation` and `--trace-deprecation`
 * behave as for any Node deprecation.
 */

/** The warning code, for `process.on('warning', w => w.code === DEPRECATION_CODE)`. */
export const DEPRECATION_CODE = 'ASYNCHAT_SHIM';

const announced = new WeakSet<object>();
/** Frames in this directory belong to the shim itself (src under jest, dist when built). */
const shimDirectory = __dirname + path.sep;

/**
 * Emits the warning for `handlerClass` unless it was emitted already.
 *
 * @example
 * announceHandlerClass(new.target); // inside dispatcher's constructor
 */
export function announceHandlerClass(handlerClass: { readonly name: string }): void {
  if (announced.has(handlerClass)) return;
  announced.add(handlerClass);
  const file = constructingFile(baseClassNames(handlerClass));
  const command = `asynchat-migrate rewrite ${file === null ? '<file>' : quoteForShell(file)}`;
  process.emitWarning(
    `${handlerClass.name || 'an anonymous class'} runs on @asynchat/shim, the asynchat/asyncore ` +
      `compatibility layer kept only for the migration; move it to @asynchat/streams with: ${command}`,
    { type: 'DeprecationWarning', code: DEPRECATION_CODE },
  );
}

/** Names of the project classes `handlerClass` extends (a subclass of a subclass: its bases' constructors are on the stack too). */
function baseClassNames(handlerClass: object): Set<string> {
  const names = new Set<string>();
  for (let base = Object.getPrototypeOf(handlerClass) as { name?: string } | null; base !== null && base !== Function.prototype; base = Object.getPrototypeOf(base) as { name?: string } | null) {
    if (base.name) names.add(base.name);
  }
  return names;
}

/**
 * The file of the first frame on the current stack outside the shim (relative to the working
 * directory), past the constructors of the handler's base classes: for `Leaf extends Base extends
 * async_chat`, Leaf's file (V8 reports a class's implicit constructor in its file too), not Base's.
 */
function constructingFile(baseNames: ReadonlySet<string>): string | null {
  const holder: { stack?: NodeJS.CallSite[] } = {};
  const previous = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_error, sites) => sites;
    Error.captureStackTrace(holder, constructingFile);
    const sites = holder.stack ?? [];
    for (const site of sites) {
      const name = site.getFileName();
      if (!name || name.startsWith('node:')) continue;
      const file = name.startsWith('file:') ? fileURLToPath(name) : name;
      if (file.startsWith(shimDirectory)) continue;
      if (site.isConstructor() && baseNames.has(site.getFunctionName() ?? '')) continue;
      const relative = path.relative(process.cwd(), file);
      return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
    }
    return null;
  } finally {
    Error.prepareStackTrace = previous;
    Error.stackTraceLimit = previousLimit;
  }
}

function quoteForShell(file: string): string {
  return /^[\w./@+-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
}
