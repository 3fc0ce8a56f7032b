import type { RecordedConversation, RecordedEvent } from '@asynchat/shim';

/** One step of the merged timeline: an event of one conversation, or the connection opening. */
export type TimelineStep = { conversation: number; event: RecordedEvent | { kind: 'open'; seq: number; t: number } };

/**
 * Merges the conversations' events into the order they happened in. Events recorded by the same
 * process (`run`) are ordered by their shared `seq` counter, exactly; conversations of different
 * processes are interleaved by wall-clock time (the best there is across processes). A
 * conversation opens just before its first event.
 *
 * @example
 * const steps = buildTimeline(conversations);
 * steps[0]; // { conversation: 0, event: { kind: 'open', ... } }
 */
export function buildTimeline(conversations: readonly RecordedConversation[]): TimelineStep[] {
  const steps: { step: TimelineStep; run: string; at: number; seq: number }[] = [];
  conversations.forEach((conversation, index) => {
    const { run, startedAt } = conversation.header;
    const first = conversation.events[0];
    // The accept came before anything the channel did: half a step before its first event.
    const openSeq = first === undefined ? Number.MAX_SAFE_INTEGER : first.seq - 0.5;
    steps.push({ step: { conversation: index, event: { kind: 'open', seq: openSeq, t: 0 } }, run, at: startedAt, seq: openSeq });
    for (const event of conversation.events) steps.push({ step: { conversation: index, event }, run, at: startedAt + event.t, seq: event.seq });
  });
  steps.sort((a, b) => a.at - b.at || a.seq - b.seq);
  // Within a run, wall-clock times may tie or round: the slots a run holds are refilled in seq order.
  const slotsByRun = new Map<string, number[]>();
  steps.forEach((entry, slot) => {
    const slots = slotsByRun.get(entry.run);
    if (slots === undefined) slotsByRun.set(entry.run, [slot]);
    else slots.push(slot);
  });
  const ordered = new Array<TimelineStep>(steps.length);
  for (const slots of slotsByRun.values()) {
    const entries = slots.map((slot) => steps[slot]!).sort((a, b) => a.seq - b.seq);
    slots.forEach((slot, index) => (ordered[slot] = entries[index]!.step));
  }
  return ordered;
}
