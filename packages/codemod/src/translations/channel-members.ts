/**
 * What each member an `async_chat` subclass inherits becomes once the class keeps its shape but
 * talks to a `StreamWriter`: the one table the class-preserving translation reads. A member the
 * chain defines itself stays a call of that method; only inherited behaviour is replaced.
 */

export { SOCKET_LEVEL_MEMBERS } from '../analyse/shim-members';

/** Calls that only make sense on a client or a listening socket: not a connected channel's business. */
export const NOT_A_CHANNEL_MEMBERS = new Set(['create_socket', 'connect', 'bind', 'listen', 'accept', 'handle_accept', 'handle_accepted', 'set_reuse_addr', 'handle_connect']);

/** Inherited state with no streams equivalent: reading it (or, for some, writing it) needs a person. */
export const INTERNAL_STATE = new Set([
  'ac_in_buffer',
  'producer_fifo',
  'socket',
  '_map',
  '_fileno',
  'accepting',
  'connecting',
  'closing',
  'use_encoding',
  'encoding',
  'family_and_type',
  'ignore_log_types',
]);

/** Buffer-size tuning: assignments have no effect on streams and go; reads need a person. */
export const BUFFER_SIZE_STATE = new Set(['ac_in_buffer_size', 'ac_out_buffer_size']);

/** The writer expression (`this.writer`, `member.writer`) and the call's argument texts. */
export interface CallSite {
  writer: string;
  /** `this` of the class the call is in (for members that touch state rather than the writer). */
  self: string;
  args: string[];
  /** The chain defines handle_close (the default handle_error runs it). */
  closeHook: boolean;
  typescript: boolean;
}

/**
 * The replacement text of an inherited member call, or null when the member has no translation
 * here (the caller decides between keeping it and refusing).
 *
 * @example inheritedCall('push', { writer: 'this.writer', self: 'this', args: ['line'], ... }) // 'this.writer.write(line)'
 */
export function inheritedCall(name: string, site: CallSite): string | null {
  const [first, second] = site.args;
  switch (name) {
    case 'push':
      return first === undefined ? null : `${site.writer}.write(${first})`;
    case 'close_when_done':
    case 'close':
    case 'handle_close':
      return `${site.writer}.close()`;
    case 'set_terminator':
      return first === undefined ? null : `${site.self}.terminator = ${first}`;
    case 'get_terminator':
      return `${site.self}.terminator`;
    case '_collect_incoming_data':
    case 'collect_incoming_data':
      return first === undefined ? null : `${site.self}.incoming.push(${first})`;
    case '_get_data':
      return `Buffer.concat(${site.self}.incoming.splice(0))`;
    case 'handle_error':
      return `(console.error(${first ?? 'undefined'}), ${site.closeHook ? `${site.self}.handle_close()` : `${site.writer}.close()`})`;
    case 'log':
      return first === undefined ? null : `console.error(\`log: \${String(${first})}\`)`;
    case 'log_info': {
      // The shim prints `<type>: <message>` to stdout and ignores 'warning' by default.
      if (first === undefined) return null;
      const type = second === undefined ? 'info' : /^'([a-z]+)'$|^"([a-z]+)"$/.exec(second)?.slice(1).find((part) => part !== undefined);
      if (type === undefined) return null;
      if (type === 'warning') return 'undefined';
      return `console.log(\`${type}: \${String(${first})}\`)`;
    }
    default:
      return null;
  }
}

/** Inherited attribute reads with a streams equivalent. */
export function inheritedRead(name: string, site: Pick<CallSite, 'writer' | 'typescript'>): string | null {
  const bang = site.typescript ? '!' : '';
  switch (name) {
    case 'addr':
      return `${site.writer}.getExtraInfo('peername')${bang}`;
    case 'connected':
      return `!${site.writer}.isClosing()`;
    default:
      return null;
  }
}

/** `<socket>.getpeername()` / `getsockname()` on the channel's socket. */
export function socketNameCall(method: string, writer: string, typescript: boolean): string | null {
  const bang = typescript ? '!' : '';
  if (method === 'getpeername') return `${writer}.getExtraInfo('peername')${bang}`;
  if (method === 'getsockname') return `${writer}.getExtraInfo('sockname')${bang}`;
  return null;
}
