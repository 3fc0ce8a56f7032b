import type { dispatcher } from './asyncore';

/**
 * Handlers that return Promises. CPython's asyncore and asynchat call `found_terminator`,
 * `collect_incoming_data` and `handle_*` and ignore what they return; in Node, `async
 * found_terminator()` is a common way to write one, and if its Promise rejects, ignoring it means an
 * unhandled rejection: Node then ends the process (exit code 1) and every other connection with it.
 * The shim watches what each handler call returns instead, and a rejection becomes that channel's
 * error, routed as a synchronous throw from the same call would be (asyncore installs the route).
 *
 * Kept out of asyncore.ts so that `import * as asyncore` shows Python's names only.
 */

/**
 * How a rejection is handled: asyncore's error path (`handle_error`, `ExitNow` to the loop).
 * `fromErrorHandler`: the Promise came from `handle_error` itself, whose failure must not go back to
 * `handle_error` (an always-failing one would loop forever).
 */
export type RejectionRoute = (channel: dispatcher, error: unknown, fromErrorHandler: boolean) => void;

let route: RejectionRoute | null = null;

/** Called once by asyncore when it loads (a value import of asyncore here would be a cycle). */
export function routeRejectionsTo(handler: RejectionRoute): void {
  route = handler;
}

/**
 * Watches the value a handler call returned: when it is a thenable, its rejection goes to the
 * channel's error route. A synchronous handler returns `undefined`, so the hot path (one
 * `found_terminator` call per message) costs one comparison.
 *
 * @example
 * observeHandlerResult(this, this.found_terminator());
 */
export function observeHandlerResult(channel: dispatcher, result: unknown, fromErrorHandler = false): void {
  if (result === undefined || result === null) return;
  if (typeof (result as { then?: unknown }).then !== 'function') return;
  // Promise.resolve adopts any thenable, and then() with a rejection handler marks it handled.
  Promise.resolve(result as PromiseLike<unknown>).then(undefined, (error: unknown) => {
    if (route === null) throw error; // unreachable: asyncore, which dispatcher comes from, sets it
    route(channel, error, fromErrorHandler);
  });
}

/**
 * `observeHandlerResult` for what `handle_error` returned.
 *
 * @example
 * observeErrorHandlerResult(obj, obj.handle_error(error));
 */
export function observeErrorHandlerResult(channel: dispatcher, result: unknown): void {
  observeHandlerResult(channel, result, true);
}
