/**
 * @asynchat/streams: asyncio-style StreamReader/StreamWriter for Node, the target of asynchat
 * migrations.
 *
 * @example
 * import { startServer } from '@asynchat/streams';
 * const server = await startServer(async (reader, writer) => {
 *   for await (const line of reader.frames('\r\n', { partial: 'drop' })) {
 *     writer.write(line);
 *     writer.write('\r\n');
 *     await writer.drain();
 *   }
 *   writer.close();
 * }, { host: '127.0.0.1', port: 0 });
 */
export { FrameBuffer, toSeparatorBytes } from './framing';
export type { FrameMatch, Separator } from './framing';
export {
  ConcurrentReadError,
  ConnectionResetError,
  DEFAULT_LIMIT,
  IncompleteReadError,
  LimitOverrunError,
} from './errors';
export { StreamReader } from './reader';
export type {
  FrameOptions,
  FramePart,
  PartialFrame,
  ReadFrameOptions,
  ReadTransport,
  StreamReaderOptions,
  Terminator,
} from './reader';
export { StreamWriter } from './writer';
export type { WriteData } from './writer';
export { fromSocket, openConnection } from './connection';
export type { OpenConnectionOptions, StreamPair } from './connection';
export { Server, startServer } from './server';
export type { ConnectionHandler, HandlerErrorListener, StartServerOptions } from './server';
