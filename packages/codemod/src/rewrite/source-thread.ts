/**
 * The thread behind `rewriteSourceSynchronously` (source-thread-client.ts): it loads the engine
 * with Node's own module loader (whatever require hooks the calling thread has, jscodeshift's
 * Babel register among them) and answers one request at a time, waking the caller through a
 * shared signal.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import type { SourceThreadReply, SourceThreadRequest } from './source-thread-messages';

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };

port.on('message', (request: SourceThreadRequest) => {
  let reply: SourceThreadReply;
  try {
    // Loaded on the first request, inside the try: a load failure becomes an answer, not a hang.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { rewriteSource } = require('./engine') as typeof import('./engine');
    reply = { kind: 'rewrite', rewrite: rewriteSource(request.source, request.fileName) };
  } catch (error) {
    reply = { kind: 'failure', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
