import { diffArrays } from 'diff';
import { tokenize, type Token } from './tokens';

/**
 * Noise, found as Diffy finds it: the reference payload is compared with a second run of the same
 * program on the same input, and the tokens where the two differ (timestamps, counters, ids) are
 * noisy; so are the tokens `--ignore` patterns match. A difference of a candidate is noise when
 * everything it replaces is noisy.
 */
export interface NoiseMap {
  tokens: Token[];
  /** Per token of the reference: noisy or not. */
  noisy: boolean[];
  /** Gaps (index i: before token i) where the other run had tokens the reference lacks. */
  noisyGaps: Set<number>;
}

/** Above this many token edits a diff gives up: the payloads are then compared byte by byte. */
const MAX_EDITS = 2000;

export type TokenHunk = { removedStart: number; removedEnd: number; addedStart: number; addedEnd: number };

/** The changed regions between two token lists, or null when they differ in too many places. */
export function tokenHunks(left: Token[], right: Token[]): TokenHunk[] | null {
  const changes = diffArrays(
    left.map((token) => token.text),
    right.map((token) => token.text),
    { maxEditLength: MAX_EDITS },
  );
  if (changes === undefined) return null;
  const hunks: TokenHunk[] = [];
  let leftIndex = 0;
  let rightIndex = 0;
  let open: TokenHunk | null = null;
  for (const change of changes) {
    const count = change.count ?? change.value.length;
    if (!change.added && !change.removed) {
      if (open !== null) hunks.push(open);
      open = null;
      leftIndex += count;
      rightIndex += count;
      continue;
    }
    open ??= { removedStart: leftIndex, removedEnd: leftIndex, addedStart: rightIndex, addedEnd: rightIndex };
    if (change.removed) {
      leftIndex += count;
      open.removedEnd = leftIndex;
    } else {
      rightIndex += count;
      open.addedEnd = rightIndex;
    }
  }
  if (open !== null) hunks.push(open);
  return hunks;
}

/** Marks the tokens of `reference` that `--ignore` patterns match (any overlap). */
function markIgnored(reference: Buffer, tokens: Token[], noisy: boolean[], ignore: readonly RegExp[]): void {
  if (ignore.length === 0) return;
  const text = reference.toString('latin1');
  for (const pattern of ignore) {
    for (const match of text.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))) {
      if (match[0].length === 0) continue;
      const start = match.index;
      const end = start + match[0].length;
      tokens.forEach((token, index) => {
        if (token.start < end && token.end > start) noisy[index] = true;
      });
    }
  }
}

/**
 * The noise of `reference`: where `others` (further runs of the legacy program) differ from it,
 * and what `ignore` matches.
 *
 * @example
 * const noise = findNoise(firstRun, [secondRun], [/session=\w+/]);
 */
export function findNoise(reference: Buffer, others: readonly Buffer[], ignore: readonly RegExp[]): NoiseMap {
  const tokens = tokenize(reference);
  const noisy = new Array<boolean>(tokens.length).fill(false);
  const noisyGaps = new Set<number>();
  markIgnored(reference, tokens, noisy, ignore);
  for (const other of others) {
    if (other.equals(reference)) continue;
    const hunks = tokenHunks(tokens, tokenize(other));
    if (hunks === null) {
      // Too different to align: the whole payload is noise (the legacy program is not deterministic here).
      noisy.fill(true);
      for (let gap = 0; gap <= tokens.length; gap += 1) noisyGaps.add(gap);
      continue;
    }
    for (const hunk of hunks) {
      for (let index = hunk.removedStart; index < hunk.removedEnd; index += 1) noisy[index] = true;
      if (hunk.removedStart === hunk.removedEnd) noisyGaps.add(hunk.removedStart);
    }
  }
  return { tokens, noisy, noisyGaps };
}

/** Whether a hunk of a candidate's diff against the reference lies entirely in noise. */
export function isNoise(noise: NoiseMap, hunk: TokenHunk, candidateTokens: Token[], candidateIgnored: (token: Token) => boolean): boolean {
  if (hunk.removedStart < hunk.removedEnd) {
    for (let index = hunk.removedStart; index < hunk.removedEnd; index += 1) if (!noise.noisy[index]) return false;
    return true;
  }
  // Only added tokens: noise if the other run added tokens right there too, or --ignore matches them all.
  const at = hunk.removedStart;
  if (noise.noisyGaps.has(at)) return true;
  for (let index = hunk.addedStart; index < hunk.addedEnd; index += 1) if (!candidateIgnored(candidateTokens[index]!)) return false;
  return true;
}
