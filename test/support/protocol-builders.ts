import type { KnownClientMessageType, MediaOffer, Participant } from '../../runtime/src/protocol/messages.js';
import type { SessionInput, SessionOptions } from '../../runtime/src/protocol/session-types.js';

/**
 * Builders for AudioHook v2 client messages (docs/audiohook-protocol.md §2–§3), with valid defaults,
 * so a test states only what it is about. They return plain JSON-shaped objects (not typed client
 * messages) so a test can also build a broken message by overriding or removing a field.
 */

/** Example ids from the protocol digest (§1.2, §3.1). */
export const SESSION_ID = '30b0e395-84d3-4570-ac13-9a62d8f514c0';
export const ORGANIZATION_ID = 'd7934305-0972-4844-938e-9060eef73d05';
export const CORRELATION_ID = 'e160e428-53e2-487c-977d-96989bf5c99d';
export const CONVERSATION_ID = '0d2b1f3e-7a43-4d5e-9b38-2f6c1c0a9e11';
export const PARTICIPANT_ID = '5b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8';
/** The null UUID marks a connection probe (§1.6). */
export const NULL_UUID = '00000000-0000-0000-0000-000000000000';

/** A client message as it travels on the wire, before validation. */
export type WireMessage = Record<string, unknown> & { parameters?: Record<string, unknown> };

export interface EnvelopeOverrides {
  readonly version?: unknown;
  readonly id?: unknown;
  readonly seq?: unknown;
  readonly serverseq?: unknown;
  readonly position?: unknown;
  /** Replaces the default parameters of the type entirely. */
  readonly parameters?: Record<string, unknown>;
  /** Any other top-level field (e.g. an unknown extra one). */
  readonly [field: string]: unknown;
}

export const mediaOffer = (overrides: Partial<MediaOffer> = {}): MediaOffer => ({
  type: 'audio',
  format: 'PCMU',
  channels: ['external'],
  rate: 8000,
  ...overrides,
});

/** What Genesys offers an Audio Connector (§3.1, observed). */
export const pcmuMono = mediaOffer();
export const pcmuStereo = mediaOffer({ channels: ['external', 'internal'] });
export const l16Mono = mediaOffer({ format: 'L16' });
export const l16Stereo = mediaOffer({ format: 'L16', channels: ['external', 'internal'] });

export const participant = (overrides: Partial<Participant> = {}): Participant => ({
  id: PARTICIPANT_ID,
  ani: '+13175550100',
  aniName: 'Jane Caller',
  dnis: '+18005550199',
  ...overrides,
});

/** Valid parameters for each known client message type. */
export function defaultParameters(type: KnownClientMessageType): Record<string, unknown> {
  switch (type) {
    case 'open':
      return openParameters();
    case 'ping':
      return { rtt: 'PT0.05S' };
    case 'close':
      return { reason: 'end' };
    case 'resumed':
    case 'discarded':
      return { start: 'PT1S', discarded: 'PT0.5S' };
    case 'update':
      return { language: 'de-DE' };
    case 'error':
      return { code: 500, message: 'client failure' };
    case 'dtmf':
      return { digit: '5' };
    case 'paused':
    case 'playback_started':
    case 'playback_completed':
      return {};
  }
}

export const openParameters = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  organizationId: ORGANIZATION_ID,
  conversationId: CONVERSATION_ID,
  participant: participant(),
  media: [pcmuMono],
  language: 'en-US',
  ...overrides,
});

/**
 * A client message of `type` with a valid envelope (seq 1, serverseq 0, position PT0S) and, for a
 * known type, valid default parameters; an unknown type gets `{}`.
 */
export function clientMessage(type: string, overrides: EnvelopeOverrides = {}): WireMessage {
  return {
    version: '2',
    id: SESSION_ID,
    type,
    seq: 1,
    serverseq: 0,
    position: 'PT0S',
    parameters: isKnown(type) ? defaultParameters(type) : {},
    ...overrides,
  };
}

/** An `open` (seq 1) whose parameters are the defaults merged with `parameters`. */
export function openMessage(parameters: Record<string, unknown> = {}, envelope: EnvelopeOverrides = {}): WireMessage {
  return clientMessage('open', { ...envelope, parameters: openParameters(parameters) });
}

/** `message` without the named top-level field. */
export function without(message: WireMessage, field: string): WireMessage {
  const { [field]: _removed, ...rest } = message;
  return rest;
}

/** A text-frame input for the state machine. */
export const textInput = (message: WireMessage | string): SessionInput => ({
  kind: 'text',
  text: typeof message === 'string' ? message : JSON.stringify(message),
});

/** Session options with round numbers, so timer tests read easily. */
export const sessionOptions = (overrides: Partial<SessionOptions> = {}): SessionOptions => ({
  openTimeoutMs: 5_000,
  closeTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  lingerMs: 5_000,
  supportedLanguages: ['en-US', 'de-DE'],
  ...overrides,
});

export const sessionIds = { sessionId: SESSION_ID, organizationId: ORGANIZATION_ID } as const;

const KNOWN: ReadonlySet<string> = new Set<KnownClientMessageType>([
  'open',
  'ping',
  'close',
  'paused',
  'resumed',
  'discarded',
  'update',
  'error',
  'dtmf',
  'playback_started',
  'playback_completed',
]);

function isKnown(type: string): type is KnownClientMessageType {
  return KNOWN.has(type);
}
