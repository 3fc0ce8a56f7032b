/**
 * The units noise is found in: words and numbers with their inner punctuation kept together
 * (`2026-11-25T10:00:00.123Z`, `10:00:01`, `HTTP/1.0`, `a1b2c3`, `3.14`), runs of whitespace,
 * and every other byte alone. A timestamp or an id is then one token, so it is noise as a whole
 * even where two runs happen to agree on its leading digits.
 */
export interface Token {
  text: string;
  /** Byte offsets in the payload (the text is latin1: one character per byte). */
  start: number;
  end: number;
}

const TOKEN = /[A-Za-z0-9]+(?:[-:.+_/][A-Za-z0-9]+)*|\s+|[^]/g;

/**
 * @example
 * tokenize(Buffer.from('time=1712 ok')).map((token) => token.text); // ['time', '=', '1712', ' ', 'ok']
 */
export function tokenize(payload: Buffer): Token[] {
  const text = payload.toString('latin1');
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) tokens.push({ text: match[0], start: match.index, end: match.index + match[0].length });
  return tokens;
}
