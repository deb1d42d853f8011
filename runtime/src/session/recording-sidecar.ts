import type { Participant } from '../protocol/index.js';
import { toStoredParticipant, type ParticipantPolicy } from '../store/participant-policy.js';
import type { FinishedCapture } from './call-capture.js';

/** Facts of the call the sidecar names, fixed at `open`. */
export interface RecordedCall {
  readonly conversationId: string;
  readonly sessionId: string;
  readonly connectorId: string;
  readonly organizationId: string;
  readonly participant: Participant;
  readonly inputVariables: Readonly<Record<string, string>>;
  readonly startedAtMs: number;
}

/** The sidecar's schema version; bump it when a field changes meaning. */
export const SIDECAR_VERSION = 1;

/**
 * The JSON that goes with a recording's WAV: who and what (participant under the same data policy as
 * the session record), the audio's layout, protocol message types and positions, the transcript and
 * the variables, and whether anything was cut off.
 */
export function buildSidecar(call: RecordedCall, capture: FinishedCapture, endedAtMs: number, policy: ParticipantPolicy, wavKey: string) {
  return {
    version: SIDECAR_VERSION,
    conversationId: call.conversationId,
    sessionId: call.sessionId,
    connectorId: call.connectorId,
    organizationId: call.organizationId,
    startedAt: new Date(call.startedAtMs).toISOString(),
    endedAt: new Date(endedAtMs).toISOString(),
    participant: toStoredParticipant(call.participant, policy),
    audio: {
      key: wavKey,
      format: capture.format === 'mulaw' ? 'PCMU' : 'L16',
      sampleRate: capture.sampleRate,
      channels: capture.channelNames,
      durationMs: Math.round((capture.frames / capture.sampleRate) * 1000),
    },
    truncated: capture.truncated.length > 0,
    ...(capture.truncated.length > 0 ? { truncatedReasons: capture.truncated } : {}),
    messages: capture.messages.map((m) => ({ ...m, positionMs: Math.round(m.positionMs) })),
    transcript: capture.transcript.map((l) => ({ ...l, positionMs: Math.round(l.positionMs) })),
    inputVariables: call.inputVariables,
    outputVariables: capture.outputVariables,
  };
}

export type RecordingSidecar = ReturnType<typeof buildSidecar>;

/**
 * Object keys of one recording, under `prefix` (the IAM grant covers only it): partitioned by the
 * call's start date, so a lifecycle rule or an Athena table can take a day at a time. Ids are reduced
 * to safe characters: they come from the client.
 */
export function recordingKeys(prefix: string, call: Pick<RecordedCall, 'conversationId' | 'sessionId' | 'startedAtMs'>): { wav: string; sidecar: string } {
  const safe = (id: string): string => id.replace(/[^A-Za-z0-9-]/g, '_').slice(0, 64) || 'unknown';
  const day = new Date(call.startedAtMs).toISOString().slice(0, 10).replaceAll('-', '/');
  const base = `${prefix}${day}/${safe(call.conversationId)}/${safe(call.sessionId)}`;
  return { wav: `${base}.wav`, sidecar: `${base}.json` };
}
