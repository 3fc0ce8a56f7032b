/**
 * `@asynchat/codemod`: the programmatic API of `asynchat-migrate` (`rewrite` and `check` as
 * functions that return data). This is the whole public surface besides the CLI and
 * `@asynchat/codemod/jscodeshift`; the modules behind it are internal.
 *
 * @example
 * ```ts
 * import { check, rewrite } from '@asynchat/codemod';
 * const preview = await rewrite({ paths: ['src'], dryRun: true });
 * const { summary } = await check({ paths: ['src'] });
 * ```
 */
export { rewrite, check, AsynchatMigrateError } from './api';
export type {
  SelectionOptions,
  RewriteOptions,
  RewriteResult,
  RewrittenFile,
  RewriteStatus,
  RewriteMarker,
  CheckOptions,
  CheckResult,
  CheckFinding,
  CheckSummary,
} from './api';
