import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { abortReason } from '../abort-reason.js';
import { toVoiceSettings } from '../definition-common.js';
import type { Bot, BotConversation, BotState, BotTurn } from '../ports.js';
import type { ListenDefinition } from './listen-definition.js';

const listenStateSchema = z.strictObject({
  version: z.literal(1),
  /** The final transcripts kept, oldest first, with the wall-clock time they arrived. */
  utterances: z.array(
    z.strictObject({ text: z.string(), atEpochMs: z.number(), speaker: z.enum(['caller', 'agent']).optional() }),
  ),
  /** Characters stored in `utterances`. */
  storedChars: z.number().int().min(0),
  /** Utterances not stored because a limit was reached. */
  droppedUtterances: z.number().int().min(0),
  /** Some speech is missing: utterances were dropped, or the last one stored was cut short. */
  truncated: z.boolean(),
});

/** What a listen-only conversation persists: a bounded transcript of the call. */
export type ListenState = Readonly<z.infer<typeof listenStateSchema>>;

const EMPTY: ListenState = Object.freeze({ version: 1, utterances: [], storedChars: 0, droppedUtterances: 0, truncated: false });

/**
 * A bot that never speaks (`listenOnly`): every turn returns no actions, and final transcripts are
 * kept in the state so they persist with the session record. The beginning of a call is the part
 * worth keeping (why the caller called), so once a limit is reached later utterances are counted
 * rather than stored, and `truncated` says so.
 */
export function createListenBot(connectorId: string, definition: ListenDefinition, clock: Clock): Bot {
  return {
    connectorId,
    kind: 'listen',
    listenOnly: true,
    voice: toVoiceSettings(definition),
    startConversation(_context, persisted): BotConversation {
      const restored = persisted === undefined ? undefined : listenStateSchema.safeParse(persisted);
      let current: ListenState = restored?.success === true ? restored.data : EMPTY;
      return {
        turn(input, signal): Promise<BotTurn> {
          if (signal.aborted) return Promise.reject(abortReason(signal));
          if (input.type === 'text' && input.text.trim() !== '') {
            current = record(current, input.text.trim(), clock.epochMs(), definition, input.speaker ?? 'caller');
          }
          return Promise.resolve({ actions: [] });
        },
        state: (): BotState => current,
      };
    },
  };
}

function record(
  state: ListenState,
  text: string,
  atEpochMs: number,
  limits: ListenDefinition,
  speaker: 'caller' | 'agent',
): ListenState {
  const room = limits.maxTranscriptChars - state.storedChars;
  if (state.utterances.length >= limits.maxUtterances || room <= 0) {
    return { ...state, droppedUtterances: state.droppedUtterances + 1, truncated: true };
  }
  const kept = text.length <= room ? text : text.slice(0, room);
  const cut = kept.length < text.length;
  return {
    ...state,
    utterances: [...state.utterances, { text: kept, atEpochMs, speaker }],
    storedChars: state.storedChars + kept.length,
    truncated: state.truncated || cut,
  };
}
