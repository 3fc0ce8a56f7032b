/** The names of `@asynchat/shim`: facts every layer may read. */

/** Every name `@asynchat/shim` (and its `asynchat` / `asyncore` subpaths) exports. */
export const SHIM_NAMES = [
  'async_chat',
  'simple_producer',
  'find_prefix_at_end',
  'dispatcher',
  'dispatcher_with_send',
  'loop',
  'socket_map',
  'close_all',
  'ExitNow',
  'AF_INET',
  'AF_INET6',
  'AF_UNIX',
  'SOCK_STREAM',
] as const;
export type ShimName = (typeof SHIM_NAMES)[number];

/** The shim classes a legacy handler can descend from. */
export type LegacyBase = 'async_chat' | 'dispatcher' | 'dispatcher_with_send';
