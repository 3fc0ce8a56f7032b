import { parseArgs } from 'node:util';
import type { Shard } from '../discover/shard';
import { UsageError } from '../shared/usage-error';

/** The option table node:util parseArgs takes. */
export type OptionSpecs = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

export interface ParsedArguments {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses a subcommand's arguments strictly: an unknown option, a missing value or a value given to
 * a flag is a UsageError (exit 2) with a message of our own. Node's parseArgs messages are written
 * for programmers (and quote unevenly: `as in '-- "--nope"`); these name the option as typed and
 * suggest the closest known one.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommandArguments(argv, { format: { type: 'string' } });
 * ```
 */
export function parseCommandArguments(argv: readonly string[], options: OptionSpecs): ParsedArguments {
  // Non-strict parsing yields every token; the checks below are the strict part, with our messages.
  const parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (!spec) throw new UsageError(`unknown option '${token.rawName}'${closestOption(token.name, options)}`);
    if (spec.type === 'boolean' && token.value !== undefined) throw new UsageError(`option '${token.rawName}' takes no value, got '${token.value}'`);
    if (spec.type === 'string') {
      if (token.value === undefined) throw new UsageError(`option '${token.rawName}' needs a value`);
      if (!token.inlineValue && token.value.startsWith('-') && token.value !== '-') {
        throw new UsageError(`option '${token.rawName}' needs a value, got the option '${token.value}' (write ${token.rawName}=${token.value} if that is the value)`);
      }
    }
  }
  return { values: parsed.values as ParsedArguments['values'], positionals: parsed.positionals };
}

/** ` (did you mean '--format'?)` for a near miss (at most two edits), '' otherwise. */
function closestOption(name: string, options: OptionSpecs): string {
  let best: { name: string; distance: number } | undefined;
  for (const known of Object.keys(options)) {
    const distance = editDistance(name, known);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name: known, distance };
  }
  return best ? ` (did you mean '--${best.name}'?)` : '';
}

/** Levenshtein distance, for option names (a few characters): the plain dynamic programme. */
function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (left[i - 1] === right[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[right.length]!;
}

/** Options understood by both `check` and `rewrite` (file selection, output, help and version). */
export const FILE_SELECTION_OPTIONS = {
  ignore: { type: 'string', multiple: true },
  stdin: { type: 'boolean' },
  shard: { type: 'string' },
  tsconfig: { type: 'string' },
  'no-gitignore': { type: 'boolean' },
  'no-error-on-unmatched-pattern': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies OptionSpecs;

export type { Shard };

/**
 * Parses `--shard i/n` (1 <= i <= n).
 *
 * @example
 * ```ts
 * parseShard('2/4'); // { index: 2, count: 4 }
 * ```
 */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new UsageError(`--shard expects i/n (for example 1/4), got '${text}'`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard ${text}: i must be between 1 and n, and n at least 1`);
  }
  return { index, count };
}

/** The value of a string option, or undefined; a repeated single-valued option keeps the last. */
export function stringOption(values: ParsedArguments['values'], name: string): string | undefined {
  const value = values[name];
  if (typeof value === 'string') return value;
  return undefined;
}

export function stringListOption(values: ParsedArguments['values'], name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [value];
  return [];
}

export function booleanOption(values: ParsedArguments['values'], name: string): boolean {
  return values[name] === true;
}
