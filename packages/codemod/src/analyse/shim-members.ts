/**
 * The shim's channel / dispatcher API: what an async_chat or dispatcher subclass inherits from
 * `@asynchat/shim`. One list for the whole codemod: the planner (`plan/legacy-members.ts`
 * re-exports these) decides what a class may override or touch, and `check`'s legacy-api rule
 * reports the same names used on channels from outside their class.
 */

/** Overrides the rewrite translates. */
export const TRANSLATED_HOOKS = new Set([
  'collect_incoming_data',
  'found_terminator',
  'handle_close',
  'handle_error',
  'handle_connect',
]);

/** Members whose override means the class does its own socket I/O: no read loop replaces those by itself. */
export const SOCKET_LEVEL_MEMBERS = new Set([
  'handle_read',
  'handle_write',
  'recv',
  'send',
  'readable',
  'writable',
  'initiate_send',
  'handle_expt',
  'handle_read_event',
  'handle_write_event',
  'handle_connect_event',
  'handle_expt_event',
  'add_channel',
  'del_channel',
  'set_socket',
]);

/** Overrides the textbook translations leave to a person: the socket-level ones, and what they do not follow. */
export const MANUAL_OVERRIDES = new Set([
  ...SOCKET_LEVEL_MEMBERS,
  'push',
  'push_with_producer',
  'close_when_done',
  'close',
  'set_terminator',
  'handle_accept',
  'create_socket',
  'connect',
  'bind',
  'listen',
  'accept',
  'log',
  'log_info',
  '_collect_incoming_data',
  '_get_data',
]);

/** Inherited attributes and methods whose direct use ties code to the legacy machinery. */
export const LEGACY_INTERNALS = new Set([
  'ac_in_buffer',
  'ac_in_buffer_size',
  'ac_out_buffer_size',
  'use_encoding',
  'encoding',
  'incoming',
  'producer_fifo',
  'terminator',
  'connected',
  'accepting',
  'connecting',
  'closing',
  'addr',
  'socket',
  '_map',
  '_fileno',
  'debug',
  'ignore_log_types',
  'family_and_type',
  'initiate_send',
  'handle_read',
  'handle_write',
  'handle_connect',
  'handle_error',
  'handle_accept',
  'handle_accepted',
  'recv',
  'send',
  'readable',
  'writable',
  'log',
  'log_info',
  'create_socket',
  'set_socket',
  'connect',
  'bind',
  'listen',
  'accept',
  'set_reuse_addr',
  'add_channel',
  'del_channel',
  '_collect_incoming_data',
  '_get_data',
  'collect_incoming_data',
  'found_terminator',
]);

/** Every method an async_chat subclass inherits from the shim (async_chat and dispatcher). */
export const SHIM_CHANNEL_METHODS = new Set([
  ...TRANSLATED_HOOKS,
  ...MANUAL_OVERRIDES,
  'get_terminator',
  'discard_buffers',
  'handle_accepted',
  'set_reuse_addr',
]);

/**
 * Every instance member of async_chat / dispatcher / dispatcher_with_send the lists above name:
 * methods and attributes. A property access with one of these names on a value whose class
 * descends from a shim class is legacy API use (check's legacy-api rule).
 */
export const SHIM_INSTANCE_MEMBERS: ReadonlySet<string> = new Set([
  ...SHIM_CHANNEL_METHODS,
  ...LEGACY_INTERNALS,
  // Not listed above because no handler overrides or reads them, but still the shim's own:
  // dispatcher_with_send's output buffer, and Python's repr.
  'out_buffer',
  '__repr__',
]);
