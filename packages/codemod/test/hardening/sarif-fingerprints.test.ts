/**
 * Issue 10: SARIF partialFingerprints that GitHub code scanning can de-duplicate: one per distinct
 * result, the same across commits that only move other lines.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkIn, scratchDirectory } from './support/hardening-project';

interface SarifResult {
  ruleId: string;
  partialFingerprints: { primaryLocationLineHash: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
}

async function sarifResults(cwd: string, paths: string[] = []): Promise<SarifResult[]> {
  const run = await checkIn(cwd, [...paths, '--format', 'sarif']);
  expect(run.exitCode).toBe(1);
  return (JSON.parse(run.stdout) as { runs: { results: SarifResult[] }[] }).runs[0]!.results;
}

const where = (result: SarifResult): string => {
  const { artifactLocation, region } = result.locations[0]!.physicalLocation;
  return `${artifactLocation.uri}:${region.startLine}:${region.startColumn} ${result.ruleId}`;
};
const fingerprintsByLocation = (results: SarifResult[]): Map<string, string> => new Map(results.map((result) => [where(result), result.partialFingerprints.primaryLocationLineHash]));

// The same import in two files, the same loop() line three times in one file, two calls on one line.
const LEGACY = `import { async_chat, loop } from '@asynchat/shim';
export class Handler extends async_chat {}
loop();
loop();
loop(); loop();
`;

let directory: { root: string; dispose(): void };
beforeEach(() => {
  directory = scratchDirectory('sarif');
});
afterEach(() => directory.dispose());

test('every result has its own fingerprint: identical lines in two files, a line repeated in one file, two findings on one line', async () => {
  writeFileSync(join(directory.root, 'one.ts'), LEGACY);
  writeFileSync(join(directory.root, 'two.ts'), LEGACY);
  const results = await sarifResults(directory.root);
  expect(results.length).toBe(12);
  const fingerprints = results.map((result) => result.partialFingerprints.primaryLocationLineHash);
  expect(new Set(fingerprints).size).toBe(results.length);
  for (const fingerprint of fingerprints) expect(fingerprint).toMatch(/^[0-9a-f]{16}:\d+$/);
});

test('fingerprints stay the same when unrelated lines are added above, and when the file is run alone or with others', async () => {
  writeFileSync(join(directory.root, 'one.ts'), LEGACY);
  writeFileSync(join(directory.root, 'two.ts'), LEGACY);
  const before = await sarifResults(directory.root);
  writeFileSync(join(directory.root, 'one.ts'), `// a comment\n\nconst unrelated = 1;\n${LEGACY}`);
  const after = await sarifResults(directory.root);
  // Same results in the same order, each line three further down, each fingerprint unchanged.
  expect(after.map((result) => result.partialFingerprints.primaryLocationLineHash)).toEqual(before.map((result) => result.partialFingerprints.primaryLocationLineHash));
  const alone = fingerprintsByLocation(await sarifResults(directory.root, ['two.ts']));
  for (const [location, fingerprint] of fingerprintsByLocation(before)) if (location.startsWith('two.ts')) expect(alone.get(location)).toBe(fingerprint);
});

test('the legacy app: as many distinct fingerprints as results', async () => {
  const app = resolve(__dirname, '../../../../fixtures/legacy-app');
  const results = await sarifResults(app);
  expect(results.length).toBeGreaterThan(20);
  expect(new Set(results.map((result) => result.partialFingerprints.primaryLocationLineHash)).size).toBe(results.length);
});
