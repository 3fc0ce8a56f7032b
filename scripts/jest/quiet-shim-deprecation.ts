// Jest setup (every project): drops the shim's own DeprecationWarning (code ASYNCHAT_SHIM) in test
// processes. Every test file that constructs shim handlers in-process (the codemod's differential
// tests run each legacy fixture on the shim) would otherwise print it once per handler class: about
// 40 lines of noise in a run, which hide the warnings that matter. Every other warning still prints.
//
// Tests that assert the warning keep it:
// - in a child node process (packages/shim/test/packaging.test.ts checks the text and the
//   --no-deprecation / --trace-deprecation flags), which this file does not reach;
// - through `jest.spyOn(process, 'emitWarning')`: the spy wraps this filter, so it sees every call.

const SHIM_DEPRECATION = 'ASYNCHAT_SHIM';

type EmitWarning = (...args: unknown[]) => void;

/** The code of a warning, whichever of Node's signatures the call used. */
function codeOf(warning?: unknown, typeOrOptions?: unknown, code?: unknown): unknown {
  if (typeOrOptions !== null && typeof typeOrOptions === 'object') return (typeOrOptions as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return warning !== null && typeof warning === 'object' ? (warning as { code?: unknown }).code : undefined;
}

/**
 * `emitWarning` without the shim's DeprecationWarning; every other call passes through unchanged.
 *
 * @example
 * process.emitWarning = withoutShimDeprecation(process.emitWarning);
 */
export function withoutShimDeprecation(emitWarning: EmitWarning): EmitWarning {
  return function emitWarningExceptShimDeprecation(this: unknown, ...args: unknown[]): void {
    if (codeOf(...args) === SHIM_DEPRECATION) return;
    emitWarning.apply(this, args);
  };
}

process.emitWarning = withoutShimDeprecation(process.emitWarning as EmitWarning) as typeof process.emitWarning;
