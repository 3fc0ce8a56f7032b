/**
 * Text to bytes with Python's codec names and Python's strictness: a character the codec cannot
 * represent throws (Node's `Buffer.from` would silently mangle it). Used where asynchat encodes
 * with `self.encoding`: string terminators and string chunks coming out of producers.
 *
 * @example
 * encodeText('\r\n', 'latin-1'); // <Buffer 0d 0a>
 * encodeText('€', 'latin-1');    // throws UnicodeEncodeError
 */
export function encodeText(text: string, encoding: string): Buffer {
  const codec = encoding.toLowerCase().replace(/_/g, '-');
  switch (codec) {
    case 'latin-1':
    case 'latin1':
    case 'iso-8859-1':
    case 'iso8859-1':
    case 'l1':
      return encodeNarrow(text, 0xff, encoding);
    case 'ascii':
    case 'us-ascii':
      return encodeNarrow(text, 0x7f, encoding);
    case 'utf-8':
    case 'utf8':
      checkWellFormed(text, encoding);
      return Buffer.from(text, 'utf8');
    case 'utf-16-le':
    case 'utf-16le':
      checkWellFormed(text, encoding);
      return Buffer.from(text, 'utf16le');
    default:
      throw namedError('LookupError', `unknown encoding: ${encoding}`);
  }
}

function encodeNarrow(text: string, highest: number, encoding: string): Buffer {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > highest) throw unencodable(text, i, encoding);
  }
  return Buffer.from(text, 'latin1');
}

function checkWellFormed(text: string, encoding: string): void {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw unencodable(text, i, encoding);
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) throw unencodable(text, i, encoding);
  }
}

function unencodable(text: string, position: number, encoding: string): Error {
  const character = text.charCodeAt(position).toString(16).padStart(4, '0');
  return namedError(
    'UnicodeEncodeError',
    `'${encoding}' codec can't encode character '\\u${character}' in position ${position}: ` +
      `ordinal not in range (text ${JSON.stringify(text)})`,
  );
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
