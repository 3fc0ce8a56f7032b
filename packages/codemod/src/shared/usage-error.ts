/** A mistake in how the command was called (unknown flag, bad value): exit code 2 and a usage hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
