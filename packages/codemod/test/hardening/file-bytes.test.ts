/**
 * Issue 10, "nothing damaged": every byte outside the edited ranges is kept. Each bad input is built
 * in a temporary directory and rewritten by the real CLI code (in-process, real engine).
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATABLE_HANDLER, rewriteIn, scratchDirectory } from './support/hardening-project';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
let directory: { root: string; dispose(): void };
beforeEach(() => {
  directory = scratchDirectory('bytes');
});
afterEach(() => directory.dispose());

const write = (name: string, bytes: Buffer | string): string => {
  const path = join(directory.root, name);
  writeFileSync(path, bytes);
  return path;
};

/** What the plain (UTF-8, LF, no BOM) handler becomes: the reference every variant is compared with. */
async function migratedReference(): Promise<string> {
  const reference = scratchDirectory('reference');
  try {
    writeFileSync(join(reference.root, 'handler.ts'), MIGRATABLE_HANDLER);
    expect((await rewriteIn(reference.root, ['--allow-dirty', '.'])).exitCode).toBe(0);
    const migrated = readFileSync(join(reference.root, 'handler.ts'), 'utf8');
    expect(migrated).not.toBe(MIGRATABLE_HANDLER);
    return migrated;
  } finally {
    reference.dispose();
  }
}

test('a file with Latin-1 bytes is refused with a per-file error naming the byte, and its bytes stay as they were', async () => {
  const latin1 = Buffer.from(MIGRATABLE_HANDLER.replace('220 ready', '220 caf\u00e9 ready'), 'latin1');
  const path = write('latin1.ts', latin1);
  const neighbour = write('neighbour.ts', MIGRATABLE_HANDLER);
  const run = await rewriteIn(directory.root, ['--allow-dirty', '.']);
  expect(run.exitCode).toBe(2);
  expect(run.stdout).toMatch(/error\s+latin1\.ts\s+not valid UTF-8 \(byte 0xE9 at line \d+, byte \d+\)/);
  expect(readFileSync(path).equals(latin1)).toBe(true);
  // The bad file affects only itself.
  expect(readFileSync(neighbour, 'utf8')).toBe(await migratedReference());
  // --dry refuses it the same way: no diff with U+FFFD in it.
  const dry = await rewriteIn(directory.root, ['--dry', '.']);
  expect(dry.stdout).not.toContain('\ufffd');
  expect(dry.stderr).toMatch(/error\s+latin1\.ts\s+not valid UTF-8/);
});

test('a UTF-8 BOM is kept, and neither breaks the file nor the other files of its batch', async () => {
  const bomPath = write('a-bom.ts', Buffer.concat([BOM, Buffer.from(MIGRATABLE_HANDLER)]));
  const others = ['b.ts', 'c.ts', 'd.ts'].map((name) => write(name, MIGRATABLE_HANDLER));
  const run = await rewriteIn(directory.root, ['--allow-dirty', '.']);
  expect(run.stdout).not.toContain('internal');
  expect(run.exitCode).toBe(0);
  const reference = await migratedReference();
  const bomBytes = readFileSync(bomPath);
  expect(bomBytes.subarray(0, 3).equals(BOM)).toBe(true);
  expect(bomBytes.subarray(3).toString('utf8')).toBe(reference);
  for (const other of others) expect(readFileSync(other, 'utf8')).toBe(reference);
});

test('a CRLF file keeps CRLF everywhere, inserted code included (no mixed ends, no stray \\r lines)', async () => {
  const path = write('crlf.ts', MIGRATABLE_HANDLER.replace(/\n/g, '\r\n'));
  expect((await rewriteIn(directory.root, ['--allow-dirty', '.'])).exitCode).toBe(0);
  const migrated = readFileSync(path, 'utf8');
  expect(migrated.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  expect(migrated.replace(/\r\n/g, '\n')).toBe(await migratedReference());
});

test('a file with mixed line ends keeps the end of every line the rewrite kept', async () => {
  // The first comment line ends in LF, the rest in CRLF: the migrated file has the same mix.
  const lines = MIGRATABLE_HANDLER.split('\n');
  const mixed = `${lines[0]}\n${lines.slice(1).join('\r\n')}`;
  const path = write('mixed.ts', mixed);
  expect((await rewriteIn(directory.root, ['--allow-dirty', '.'])).exitCode).toBe(0);
  const migrated = readFileSync(path, 'utf8');
  expect(migrated.startsWith(`${lines[0]}\n`)).toBe(true);
  expect(migrated.slice(lines[0]!.length + 1).replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
});

test('the file mode is kept', async () => {
  const path = write('handler.ts', MIGRATABLE_HANDLER);
  chmodSync(path, 0o751);
  expect((await rewriteIn(directory.root, ['--allow-dirty', '.'])).exitCode).toBe(0);
  expect(readFileSync(path, 'utf8')).not.toBe(MIGRATABLE_HANDLER);
  expect(statSync(path).mode & 0o7777).toBe(0o751);
});
