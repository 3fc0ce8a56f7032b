import type { CliIo } from './io';

/** Placeholder replaced below. */
export async function runCheck(_argv: string[], _io: CliIo): Promise<number> {
  return 2;
}
