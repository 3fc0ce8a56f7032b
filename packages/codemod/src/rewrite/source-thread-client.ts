import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { FileRewrite } from './engine';
import type { SourceThreadReply, SourceThreadRequest } from './source-thread-messages';

/** Longest wait for one file before giving up on the thread. */
const REPLY_TIMEOUT_MILLISECONDS = 120_000;

interface SourceThread {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
}

let thread: SourceThread | undefined;

function startThread(): SourceThread {
  const script = join(__dirname, 'source-thread.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: the jscodeshift transform runs from the built package`);
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const channel = new MessageChannel();
  const worker = new Worker(script, { workerData: { port: channel.port2, signal }, transferList: [channel.port2] });
  // Neither may keep jscodeshift's worker process alive once it has no more files.
  worker.unref();
  channel.port1.unref();
  return { worker, port: channel.port1, signal };
}

/**
 * `rewriteSource` run on a private thread, called synchronously (the caller blocks on a shared
 * signal until the answer is there). This is how the jscodeshift transform stays a plain
 * synchronous function and still loads ts-morph with Node's own loader: jscodeshift registers
 * Babel for everything its workers require, and Babel cannot compile ts-morph.
 *
 * @example
 * const rewrite = rewriteSourceSynchronously(source, '/repo/src/echo.ts');
 */
export function rewriteSourceSynchronously(source: string, fileName: string): FileRewrite {
  thread ??= startThread();
  const { port, signal } = thread;
  Atomics.store(signal, 0, 0);
  port.postMessage({ source, fileName } satisfies SourceThreadRequest);
  if (Atomics.wait(signal, 0, 0, REPLY_TIMEOUT_MILLISECONDS) === 'timed-out') {
    void thread.worker.terminate();
    thread = undefined;
    throw new Error(`the rewrite of ${fileName} did not answer within ${REPLY_TIMEOUT_MILLISECONDS / 1000} s`);
  }
  const received = receiveMessageOnPort(port);
  if (!received) throw new Error(`the rewrite of ${fileName} signalled an answer that never arrived`);
  const reply = received.message as SourceThreadReply;
  if (reply.kind === 'failure') throw new Error(`the rewrite of ${fileName} failed: ${reply.message}`);
  return reply.rewrite;
}
