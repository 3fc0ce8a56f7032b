/**
 * For every fixture that migrates and has a `conversation.json`: the legacy input on the shim and the
 * migrated output on streams, over real loopback, answer the same scripted conversations (cut at
 * seeded random chunk boundaries) with the same bytes, and close (or not) at the same point.
 */
import { readFileSync } from 'node:fs';
import { loadFixtureCases } from './fixture-cases';
import { conversationBytes, converse, converseInTurns, cutChunks, runClient, startLegacy, startMigrated, type ClientSpec, type ConversationRecord, type ConversationSpec } from './differential-harness';

// The shim warns once per legacy class (by design); the warnings say nothing about this test.
process.noDeprecation = true;

const cases = loadFixtureCases().filter((fixture) => fixture.conversationPath !== null);

/** `conversation.json` holds one spec or a list (cross-file cases name the file each one runs). */
function specsOf(path: string): (ConversationSpec | ClientSpec)[] {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as ConversationSpec | ClientSpec | (ConversationSpec | ClientSpec)[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

const runs = cases.flatMap((fixture) =>
  specsOf(fixture.conversationPath!).map((spec) => [`${fixture.name}${spec.file === undefined ? '' : ` ${spec.file}`}`, fixture, spec] as const),
);

describe.each(runs)('differential %s', (_name, fixture, spec) => {
  const file = spec.file === undefined ? fixture.files.find((candidate) => candidate.outputPath !== null) : fixture.files.find((candidate) => candidate.name === spec.file);

  it('has a migrated output to compare', () => {
    expect(file?.outputPath).toBeDefined();
    expect(file?.outputPath).not.toBeNull();
  });

  if ('kind' in spec && spec.kind === 'client') {
    it('legacy (shim) and migrated (streams) clients send and collect alike', async () => {
      const legacyModule = (await import(file!.inputPath)) as Record<string, unknown>;
      const migratedModule = (await import(file!.outputPath!)) as Record<string, unknown>;
      let collected = 0;
      for (const [index, args] of spec.calls.entries()) {
        for (const seed of [0, ...Array.from({ length: spec.seeds ?? 3 }, (_, offset) => 2000 + offset)]) {
          const legacyRecord = await runClient(legacyModule, spec, args, seed);
          const migratedRecord = await runClient(migratedModule, spec, args, seed);
          const label = `call ${index}, seed ${seed}`;
          expect({ label, ...migratedRecord }).toEqual({ label, ...legacyRecord });
          collected += legacyRecord.received.length;
        }
      }
      expect(collected).toBeGreaterThan(0);
    });
    return;
  }

  const conversation = spec as ConversationSpec;
  it('legacy (shim) and migrated (streams) answer every conversation alike', async () => {
    const legacyModule = (await import(file!.inputPath)) as Record<string, unknown>;
    const migratedModule = (await import(file!.outputPath!)) as Record<string, unknown>;
    const legacy = await startLegacy(legacyModule, conversation.legacy);
    const migrated = await startMigrated(migratedModule, conversation.migrated);
    try {
      let answered = 0;
      const seeds = [0, ...Array.from({ length: conversation.seeds ?? 3 }, (_, index) => 1000 + index)];
      for (const [index, sends] of conversation.conversations.entries()) {
        const data = conversationBytes(sends);
        // Byte by byte is for protocol-sized conversations; a 70 KB frame that way takes minutes.
        for (const seed of data.length > 4096 ? seeds.filter((seed) => seed !== 0) : seeds) {
          const chunks = cutChunks(data, seed);
          const [legacyRecord, migratedRecord]: ConversationRecord[] = await Promise.all([
            converse(legacy.port, chunks),
            converse(migrated.port, chunks),
          ]);
          const label = `conversation ${index}, seed ${seed}`;
          expect({ label, ...migratedRecord }).toEqual({ label, ...legacyRecord });
          expect({ label, closed: legacyRecord.closed }).toEqual({ label, closed: true });
          answered += legacyRecord.received.length;
        }
      }
      for (const [index, turns] of (conversation.turns ?? []).entries()) {
        for (const seed of seeds) {
          const legacyRecords = await converseInTurns(legacy.port, turns.clients, turns.steps, seed);
          const migratedRecords = await converseInTurns(migrated.port, turns.clients, turns.steps, seed);
          const label = `turns ${index}, seed ${seed}`;
          expect({ label, clients: migratedRecords }).toEqual({ label, clients: legacyRecords });
          answered += legacyRecords.reduce((total, record) => total + record.received.length, 0);
        }
      }
      // A conversation nobody answers would prove nothing.
      expect(answered).toBeGreaterThan(0);
    } finally {
      await legacy.stop();
      await migrated.stop();
    }
  });
});
