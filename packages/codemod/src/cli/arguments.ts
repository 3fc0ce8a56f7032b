import { parseArgs } from 'node:util';
import { UsageError } from './usage-error';

/** The option table node:util parseArgs takes. */
export type OptionSpecs = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

export interface ParsedArguments {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses a subcommand's arguments strictly: an unknown flag or a missing value is a UsageError
 * (exit 2), never silently ignored.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommandArguments(argv, { format: { type: 'string' } });
 * ```
 */
export function parseCommandArguments(argv: readonly string[], options: OptionSpecs): ParsedArguments {
  try {
    const parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values: parsed.values as ParsedArguments['values'], positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Options understood by both `check` and `rewrite` (file selection). */
export const FILE_SELECTION_OPTIONS = {
  ignore: { type: 'string', multiple: true },
  stdin: { type: 'boolean' },
  shard: { type: 'string' },
  tsconfig: { type: 'string' },
  'no-gitignore': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

export interface Shard {
  /** 1-based, like jest's and playwright's `--shard`. */
  index: number;
  count: number;
}

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
