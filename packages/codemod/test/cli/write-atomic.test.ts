import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtomicWriteError, writeFileAtomic } from '../../src/rewrite/write-atomic';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'asynchat-atomic-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

test('replaces the content, keeps the mode, leaves no temporary file', async () => {
  const file = join(directory, 'handler.ts');
  writeFileSync(file, 'old');
  chmodSync(file, 0o640);
  await writeFileAtomic(file, 'new ✓');
  expect(readFileSync(file, 'utf8')).toBe('new ✓');
  expect(statSync(file).mode & 0o7777).toBe(0o640);
  expect(readdirSync(directory)).toEqual(['handler.ts']);
});

test('follows a symbolic link: the link stays a link and its target gets the text', async () => {
  mkdirSync(join(directory, 'real'));
  const target = join(directory, 'real', 'handler.ts');
  writeFileSync(target, 'old');
  const link = join(directory, 'link.ts');
  symlinkSync(target, link);
  await writeFileAtomic(link, 'new');
  expect(lstatSync(link).isSymbolicLink()).toBe(true);
  expect(readFileSync(target, 'utf8')).toBe('new');
});

test('a failed rename throws an AtomicWriteError naming the file and removes the temporary file', async () => {
  // A non-empty directory cannot be replaced by a file, even by root: the rename is what fails.
  const obstacle = join(directory, 'obstacle.ts');
  mkdirSync(obstacle);
  writeFileSync(join(obstacle, 'inside'), 'keep');
  let thrown: unknown;
  try {
    await writeFileAtomic(obstacle, 'new');
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AtomicWriteError);
  expect((thrown as AtomicWriteError).file).toBe(obstacle);
  expect((thrown as Error).message).toMatch(/^could not write .*obstacle\.ts: /);
  expect(readdirSync(directory)).toEqual(['obstacle.ts']);
  expect(readFileSync(join(obstacle, 'inside'), 'utf8')).toBe('keep');
});

test('a missing file is an error, not a new file', async () => {
  await expect(writeFileAtomic(join(directory, 'absent.ts'), 'x')).rejects.toThrow(AtomicWriteError);
  expect(readdirSync(directory)).toEqual([]);
});
