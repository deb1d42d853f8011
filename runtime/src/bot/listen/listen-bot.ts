import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { abortReason } from '../abort-reason.js';
import { toVoiceSettings } from '../definition-common.js';
import type { Bot, BotConversation, BotState, BotTurn, TranscriptLine } from '../ports.js';
import type { ListenDefinition } from './listen-definition.js';

const counters = {
  /** Characters stored in the transcript so far. */
  storedChars: z.number().int().min(0),
  /** Utterances not stored because a limit was reached. */
  droppedUtterances: z.number().int().min(0),
  /** Some speech is missing: utterances were dropped, or a line stored was cut short. */
  truncated: z.boolean(),
};

const listenStateSchema = z.strictObject({
  version: z.literal(2),
  /** Lines appended to the conversation's transcript so far, which is also the next line's `seq`. */
  lines: z.number().int().min(0),
  ...counters,
});

/**
 * The state of version 1, which kept the transcript inline (and so had to be bounded by the item
 * size). Still read: a conversation stored before version 2 continues, its lines moved out.
 */
const legacyStateSchema = z.strictObject({
  version: z.literal(1),
  utterances: z.array(z.strictObject({ text: z.string(), atEpochMs: z.number(), speaker: z.enum(['caller', 'agent']).optional() })),
  ...counters,
});

/**
 * What a listen-only conversation persists in its state: counters only. The transcript itself is
 * appended line by line outside the state (BotTurn.transcript → the store's transcript items), so the
 * state, rewritten at every checkpoint, stays a few hundred bytes however long the call runs.
 */
export type ListenState = Readonly<z.infer<typeof listenStateSchema>>;

const EMPTY: ListenState = Object.freeze({ version: 2, lines: 0, storedChars: 0, droppedUtterances: 0, truncated: false });

/**
 * A bot that never speaks (`listenOnly`): every turn returns no actions, and each final transcript
 * becomes one transcript line of the turn (`BotTurn.transcript`), numbered from the stored count.
 * The limits are a safety bound, not a storage budget: `maxUtterances` and `maxTranscriptChars`
 * default far above eight hours of speech. Past them, later utterances are counted (the turn
 * reports them as `dropped`, which the call logs and meters) and `truncated` says so.
 */
export function createListenBot(connectorId: string, definition: ListenDefinition, clock: Clock): Bot {
  return {
    connectorId,
    kind: 'listen',
    listenOnly: true,
    voice: toVoiceSettings(definition),
    startConversation(_context, persisted): BotConversation {
      let { state: current, carried } = restore(persisted);
      return {
        turn(input, signal): Promise<BotTurn> {
          if (signal.aborted) return Promise.reject(abortReason(signal));
          // Lines of a version-1 state go out with the first turn, numbered as they were stored.
          const lines: TranscriptLine[] = carried;
          carried = [];
          let dropped = 0;
          if (input.type === 'text' && input.text.trim() !== '') {
            const recorded = record(current, input.text.trim(), clock.epochMs(), definition, input.speaker ?? 'caller');
            current = recorded.state;
            if (recorded.line === undefined) dropped += 1;
            else lines.push(recorded.line);
          }
          if (lines.length === 0 && dropped === 0) return Promise.resolve({ actions: [] });
          return Promise.resolve({ actions: [], transcript: { lines, dropped } });
        },
        state: (): BotState => current,
      };
    },
  };
}

/** The persisted state, or a fresh one; a version-1 state becomes version 2 plus its lines to append. */
function restore(persisted: BotState | undefined): { state: ListenState; carried: TranscriptLine[] } {
  if (persisted === undefined) return { state: EMPTY, carried: [] };
  const current = listenStateSchema.safeParse(persisted);
  if (current.success) return { state: current.data, carried: [] };
  const legacy = legacyStateSchema.safeParse(persisted);
  if (!legacy.success) return { state: EMPTY, carried: [] };
  const { utterances, version: _version, ...rest } = legacy.data;
  const carried = utterances.map((u, seq): TranscriptLine => ({ seq, ...u }));
  return { state: { ...rest, version: 2, lines: carried.length }, carried };
}

function record(
  state: ListenState,
  text: string,
  atEpochMs: number,
  limits: ListenDefinition,
  speaker: 'caller' | 'agent',
): { state: ListenState; line?: TranscriptLine } {
  const room = limits.maxTranscriptChars - state.storedChars;
  if (state.lines >= limits.maxUtterances || room <= 0) {
    return { state: { ...state, droppedUtterances: state.droppedUtterances + 1, truncated: true } };
  }
  const kept = text.length <= room ? text : text.slice(0, room);
  const cut = kept.length < text.length;
  const line: TranscriptLine = { seq: state.lines, text: kept, atEpochMs, speaker, ...(cut ? { cut } : {}) };
  return {
    state: { ...state, lines: state.lines + 1, storedChars: state.storedChars + kept.length, truncated: state.truncated || cut },
    line,
  };
}
