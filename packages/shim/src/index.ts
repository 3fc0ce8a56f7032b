/**
 * `@asynchat/shim`: Python's asynchat and asyncore on Node, for running asynchat-style handlers
 * unchanged during a migration to `@asynchat/streams`.
 *
 * @example
 * import { async_chat, dispatcher, loop } from '@asynchat/shim';
 * // or, as in Python: import * as asynchat from '@asynchat/shim/asynchat';
 */
export { async_chat, simple_producer, find_prefix_at_end } from './asynchat';
export type { Terminator, Producer, OutgoingItem } from './asynchat';
export {
  dispatcher,
  dispatcher_with_send,
  loop,
  poll,
  poll2,
  poll3,
  read,
  write,
  socket_map,
  close_all,
  compact_traceback,
  ExitNow,
  AF_INET,
  AF_INET6,
  AF_UNIX,
  SOCK_STREAM,
} from './asyncore';
export type { Address, LoopOptions, SocketMap, SocketArgument } from './asyncore';
export { ChannelSocket } from './channel-socket';
export type { OSError } from './channel-socket';
export { deque } from './deque';
export { record, Recorder, RecordOptionError } from './recording';
export type { RecordOptions } from './recording';
export { parseRecording, readRecordings, RecordingFormatError, RECORDING_FORMAT, RECORDING_VERSION } from './recording-format';
export type { RecordedConversation, RecordedEvent, RecordingHeader, ConversationEnding } from './recording-format';
