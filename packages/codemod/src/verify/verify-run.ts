import { existsSync, statSync } from 'node:fs';
import { readRecordings, type RecordedConversation } from '@asynchat/shim';
import { compareConversation, outcomeReference, recordingReference, type Divergence, type Reference } from './compare';
import { findNoise } from './noise';
import { mapConversations, type Destination } from './port-mapping';
import { ProgramStartError, startProgram, waitUntilAccepting, type RunningProgram } from './program';
import { replay, type ReplayOutcome } from './replay';

/** The recordings cannot be used: a missing directory, no conversation file, unreadable or malformed files. */
export class RecordingsError extends Error {
  override readonly name = 'RecordingsError';
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(problems.length === 1 ? (problems[0] as string) : `${problems.length} problems with ${dir}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
}

/** Where the candidate is: a command to start, or addresses already listening. */
export type CandidateSource = { run: string } | { targets: Destination[] };

export interface VerifyRequest {
  dir: string;
  candidate: CandidateSource;
  /** The legacy program's command, replayed twice first to find noise. */
  baseline: string | null;
  ignore: RegExp[];
  timeoutMs: number;
  startTimeoutMs: number;
  env: NodeJS.ProcessEnv;
  /** Progress lines (which run is replaying), for stderr. */
  progress(text: string): void;
}

export type ConversationStatus = 'matched' | 'differing' | 'skipped';

export interface ConversationResult {
  conversation: RecordedConversation;
  status: ConversationStatus;
  /** Why a conversation was not compared (a truncated recording). */
  skipReason: string | null;
  reference: Reference | null;
  outcome: ReplayOutcome | null;
  divergences: Divergence[];
  noiseIgnored: number;
}

export interface VerifyResult {
  results: ConversationResult[];
  candidateCommand: string;
  baselineRuns: number;
  /** Conversations where the legacy program's two runs disagreed somewhere (noise found). */
  noisyConversations: number;
  elapsedMs: number;
}

function loadRecordings(dir: string): RecordedConversation[] {
  if (!existsSync(dir)) throw new RecordingsError(dir, [`${dir}: no such directory`]);
  if (!statSync(dir).isDirectory()) throw new RecordingsError(dir, [`${dir}: not a directory`]);
  const { conversations, errors } = readRecordings(dir);
  if (errors.length > 0) throw new RecordingsError(dir, errors.map((error) => error.message));
  if (conversations.length === 0) throw new RecordingsError(dir, [`${dir}: no conversation files (*.jsonl); record some with ASYNCHAT_RECORD=${dir}`]);
  return conversations;
}

async function replayAgainst(command: string, conversations: RecordedConversation[], request: VerifyRequest): Promise<{ outcomes: ReplayOutcome[]; command: string }> {
  const program: RunningProgram = await startProgram(command, request.env, request.startTimeoutMs);
  try {
    const addressFor = mapConversations(
      conversations,
      program.ports.map((placeholder) => ({ key: placeholder.key, host: '127.0.0.1', port: placeholder.port })),
    );
    return { outcomes: await replay(conversations, addressFor, { timeoutMs: request.timeoutMs }), command: program.command };
  } finally {
    await program.stop();
  }
}

/**
 * `asynchat-migrate verify`: replays the recorded conversations against the candidate (and, with
 * a baseline, twice against the legacy program first) and compares what it sends and when it
 * closes. Throws RecordingsError, ProgramStartError or PortMappingError for setup problems.
 *
 * @example
 * const result = await runVerification({ dir: 'recordings', candidate: { run: 'node dist/main.js --port {port}' }, baseline: null, ignore: [], timeoutMs: 2000, startTimeoutMs: 30000, env: process.env, progress: () => {} });
 */
export async function runVerification(request: VerifyRequest): Promise<VerifyResult> {
  const started = Date.now();
  const all = loadRecordings(request.dir);
  const conversations = all.filter((conversation) => conversation.ending !== 'truncated');
  // Fail on an unmappable recording before anything is started.
  if ('targets' in request.candidate) mapConversations(conversations, request.candidate.targets);

  const baselineOutcomes: ReplayOutcome[][] = [];
  if (request.baseline !== null) {
    for (let run = 1; run <= 2; run += 1) {
      request.progress(`baseline run ${run} of 2: ${request.baseline}`);
      baselineOutcomes.push((await replayAgainst(request.baseline, conversations, request)).outcomes);
    }
  }
  let candidateOutcomes: ReplayOutcome[];
  let candidateCommand: string;
  if ('run' in request.candidate) {
    request.progress(`candidate: ${request.candidate.run}`);
    const replayed = await replayAgainst(request.candidate.run, conversations, request);
    candidateOutcomes = replayed.outcomes;
    candidateCommand = replayed.command;
  } else {
    const targets = request.candidate.targets;
    for (const target of targets) {
      // A target is already running: a short grace, not the start timeout.
      if (!(await waitUntilAccepting(target.host, target.port, Math.min(request.startTimeoutMs, 1000)))) {
        throw new ProgramStartError(`${target.host}:${target.port}`, 'nothing accepts connections on the target', '');
      }
    }
    candidateCommand = targets.map((target) => `${target.key === null ? '' : `${target.key}=`}${target.host}:${target.port}`).join(' ');
    request.progress(`candidate: ${candidateCommand}`);
    candidateOutcomes = await replay(conversations, mapConversations(conversations, targets), { timeoutMs: request.timeoutMs });
  }

  let noisyConversations = 0;
  const compared = new Map<RecordedConversation, ConversationResult>();
  conversations.forEach((conversation, index) => {
    const outcome = candidateOutcomes[index] as ReplayOutcome;
    let reference: Reference;
    let others: Buffer[] = [];
    let closeIsNoise = false;
    if (baselineOutcomes.length === 2) {
      const [first, second] = [baselineOutcomes[0]![index]!, baselineOutcomes[1]![index]!];
      reference = outcomeReference(first, conversation);
      others = [second.received];
      if (!first.received.equals(second.received)) noisyConversations += 1;
      closeIsNoise = first.serverClosed !== second.serverClosed || first.serverReset !== second.serverReset;
    } else {
      reference = recordingReference(conversation);
    }
    const noise = findNoise(reference.received, others, request.ignore);
    const { divergences, noiseIgnored } = compareConversation(reference, outcome, noise, request.ignore, closeIsNoise);
    compared.set(conversation, { conversation, status: divergences.length === 0 ? 'matched' : 'differing', skipReason: null, reference, outcome, divergences, noiseIgnored });
  });
  const results = all.map(
    (conversation) =>
      compared.get(conversation) ?? { conversation, status: 'skipped' as const, skipReason: 'the recording was truncated (a recording bound was reached)', reference: null, outcome: null, divergences: [], noiseIgnored: 0 },
  );
  return { results, candidateCommand, baselineRuns: baselineOutcomes.length, noisyConversations, elapsedMs: Date.now() - started };
}
