import { z } from 'zod';
import type { SessionStore, TranscriptEntry } from './ports.js';

/**
 * Transcript lines kept inline in a conversation's bot state (`botState.utterances`), as listen-only
 * bots stored them before transcripts became items of their own. Such a state is moved out when its
 * conversation continues; one that never does is still read here.
 */
const inlineUtterances = z.array(
  z.object({ text: z.string(), atEpochMs: z.number(), speaker: z.enum(['caller', 'agent']).optional() }),
);

/**
 * A conversation's whole transcript, in order: its transcript items (read page by page), after the
 * lines an older state still holds inline (numbered 0…n-1, as they are numbered when moved out; an
 * item with the same number wins). Empty when the conversation has neither.
 */
export async function readConversationTranscript(store: SessionStore, conversationId: string): Promise<readonly TranscriptEntry[]> {
  const [state, items] = await Promise.all([store.getConversation(conversationId), store.readTranscript(conversationId)]);
  const inline = inlineUtterances.safeParse(state?.botState.utterances);
  if (!inline.success || inline.data.length === 0) return items;
  const bySeq = new Map<number, TranscriptEntry>(inline.data.map((u, seq) => [seq, { seq, ...u }]));
  for (const item of items) bySeq.set(item.seq, item);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
