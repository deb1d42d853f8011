import { z } from 'zod';
import { isDuration } from './duration.js';
import { normalizeLanguageTag } from '../shared/language-tag.js';

/**
 * AudioHook v2 wire messages (§2–§3 of docs/audiohook-protocol.md). Client messages are declared as
 * zod schemas, so the type and its validator are one declaration; server messages are plain types
 * built by `build.ts`. One union per direction: a server-only type can never be parsed as input.
 */

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** §2.4: `en-US`, `cmn-CN`; case-insensitive because some clients lower-case it. */
const LANGUAGE_PATTERN = /^[a-z]{2,3}-[a-z]{2,3}$/i;

const uuid = z.string().regex(UUID_PATTERN, 'not a UUID');
const duration = z.string().refine(isDuration, 'not a PT<seconds>S duration');
/** Normalized to BCP 47 casing here, so everything past the parser sees `en-US`, never `en-us`. */
const language = z.string().regex(LANGUAGE_PATTERN, 'not a language code').transform(normalizeLanguageTag);
const seq = z.int().min(0);

/** The envelope every client message carries (§2.2). Unknown top-level fields are ignored. */
export const clientEnvelopeSchema = z.object({
  version: z.literal('2'),
  id: uuid,
  type: z.string().min(1),
  seq,
  serverseq: seq,
  position: duration,
  parameters: z.record(z.string(), z.unknown()),
});
export type ClientEnvelope = z.infer<typeof clientEnvelopeSchema>;

/** A media offer as Genesys sends it in `open`; offers we cannot process are skipped, not rejected. */
const mediaOfferSchema = z.object({
  type: z.string(),
  format: z.string(),
  channels: z.array(z.string()),
  rate: z.number(),
});
export type MediaOffer = z.infer<typeof mediaOfferSchema>;

const participantSchema = z.object({
  id: uuid,
  ani: z.string(),
  aniName: z.string(),
  dnis: z.string(),
});
export type Participant = z.infer<typeof participantSchema>;

const empty = z.object({});
const streamGap = z.object({ start: duration, discarded: duration });

/** Parameter schemas per client message type (§3.1). */
export const clientParameterSchemas = {
  open: z.object({
    organizationId: uuid,
    conversationId: uuid,
    participant: participantSchema,
    media: z.array(mediaOfferSchema),
    language: language.optional(),
    supportedLanguages: z.boolean().optional(),
    customConfig: z.record(z.string(), z.unknown()).optional(),
    // Architect inputs are strings, but a value of another JSON type must not end the call: the
    // state machine turns it into a string and reports it (ERR_PROTOCOL_INPUT_VARIABLE_NOT_STRING).
    inputVariables: z.record(z.string(), z.unknown()).optional(),
    continuedSessions: z.array(z.unknown()).optional(),
  }),
  ping: z.object({ rtt: duration.optional() }),
  // A close must always be answerable with `closed`, so an unknown reason is tolerated, not rejected.
  close: z.object({ reason: z.string().optional() }),
  paused: empty,
  resumed: streamGap,
  discarded: streamGap,
  update: z.object({ language: language.optional() }),
  error: z.object({
    code: z.int().min(100).max(9999),
    message: z.string(),
    retryAfter: duration.optional(),
  }),
  // Lower-case a-d is accepted (and upper-cased by the state machine): a key is a key.
  dtmf: z.object({ digit: z.string().regex(/^[0-9*#A-Da-d]$/, 'not a DTMF digit') }),
  playback_started: empty,
  playback_completed: empty,
} as const;

export type KnownClientMessageType = keyof typeof clientParameterSchemas;

/** A validated client message of a type this server knows. */
export type ClientMessage = {
  [T in KnownClientMessageType]: Omit<ClientEnvelope, 'type' | 'parameters'> & {
    readonly type: T;
    readonly parameters: z.infer<(typeof clientParameterSchemas)[T]>;
  };
}[KnownClientMessageType];

/** A well-formed message whose type is not (yet) part of the protocol as we know it. */
export type UnknownClientMessage = Omit<ClientEnvelope, 'type'> & { readonly type: string; readonly unknown: true };

export type ClientMessageOf<T extends KnownClientMessageType> = Extract<ClientMessage, { type: T }>;

export function isKnownClientMessageType(type: string): type is KnownClientMessageType {
  return Object.hasOwn(clientParameterSchemas, type);
}

/** The media format the server selected in `opened`: exactly one of the offers, copied as offered. */
export interface MediaFormat {
  readonly type: 'audio';
  readonly format: 'PCMU' | 'L16';
  readonly channels: readonly ('external' | 'internal')[];
  readonly rate: number;
}

/** One `event` entity (§3.3). */
export interface EventEntity {
  readonly type: string;
  readonly data: unknown;
}

export type DisconnectReason = 'completed' | 'unauthorized' | 'error';

/** Parameters per server message type (§3.2). No field beyond these may be sent: Genesys is strict. */
export interface ServerParameters {
  opened: {
    readonly startPaused: boolean;
    readonly media: readonly MediaFormat[];
    readonly supportedLanguages?: readonly string[];
    readonly discardTo?: string;
  };
  pong: Record<string, never>;
  closed: Record<string, never>;
  disconnect: {
    readonly reason: DisconnectReason;
    readonly info?: string;
    readonly outputVariables?: Readonly<Record<string, string>>;
  };
  event: { readonly entities: readonly EventEntity[] };
  pause: Record<string, never>;
  resume: Record<string, never>;
  updated: Record<string, never>;
}

export type ServerMessageType = keyof ServerParameters;

/** A server message with its envelope; `seq` is assigned by the state machine when it is built. */
export type ServerMessage = {
  [T in ServerMessageType]: {
    readonly version: '2';
    readonly id: string;
    readonly type: T;
    readonly seq: number;
    readonly clientseq: number;
    readonly parameters: ServerParameters[T];
  };
}[ServerMessageType];
