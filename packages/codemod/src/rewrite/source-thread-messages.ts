import type { FileRewrite } from './engine';

/** One file to rewrite, sent to the source thread. */
export interface SourceThreadRequest {
  source: string;
  fileName: string;
}

/** The source thread's answer: the engine's result, or why it could not give one. */
export type SourceThreadReply = { kind: 'rewrite'; rewrite: FileRewrite } | { kind: 'failure'; message: string };
