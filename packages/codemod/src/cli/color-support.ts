/**
 * Whether to paint output, the same rule for every command and stream:
 * - `FORCE_COLOR` set to anything but `0` / `false` turns colour on, even into a pipe or a file
 *   (CI logs that render ANSI); `FORCE_COLOR=0` turns it off;
 * - otherwise `NO_COLOR` set to anything non-empty turns it off (no-color.org);
 * - otherwise colour on a terminal only, unless `TERM=dumb`.
 * Node's own tools and chalk read FORCE_COLOR the same way.
 *
 * @example
 * ```ts
 * const colors = picocolors.createColors(colorEnabled(io.isTTY, io.env));
 * ```
 */
export function colorEnabled(terminal: boolean, env: Record<string, string | undefined>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return terminal;
}
