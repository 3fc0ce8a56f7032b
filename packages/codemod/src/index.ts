/**
 * @asynchat/codemod: the programmatic API behind `asynchat-migrate`.
 *
 * @example
 * ```ts
 * import { discoverFiles, analyseProject } from '@asynchat/codemod';
 * const { files } = discoverFiles({ cwd: process.cwd(), paths: ['src'] });
 * const analysis = analyseProject({ files });
 * ```
 */
export * from './analyse';
export * from './discover';
export { runCheck, CHECK_EXIT } from './cli/check';
export { enableCompileCache } from './cli/compile-cache';
export * from './report';
export { main } from './cli/main';
export { processIo, memoryIo, type CliIo, type CapturedIo, type TextSink } from './cli/io';
export { parseCommandArguments, parseShard, FILE_SELECTION_OPTIONS, type Shard, type OptionSpecs, type ParsedArguments } from './cli/arguments';
export { UsageError } from './cli/usage-error';
