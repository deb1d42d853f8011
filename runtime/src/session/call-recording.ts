import { parseDuration, type MediaFormat, type ServerMessage } from '../protocol/index.js';
import { delay, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { ParticipantPolicy } from '../store/participant-policy.js';
import type { PendingRecording } from '../store/recording-ports.js';
import { createCallCapture, type CallCapture, type CaptureLimits, type RecordingBudget } from './call-capture.js';
import { buildSidecar, recordingKeys, type RecordedCall } from './recording-sidecar.js';

/** Takes finished recordings off the call (the upload queue); never throws, never waits. */
export type RecordingHandoff = (recording: PendingRecording) => void;

/** Whether a connector's calls are recorded, and whether its bot has a channel of its own (it talks). */
export type RecordingDecision = { readonly record: false } | { readonly record: true; readonly botChannel: boolean };

export interface CallRecordingsDeps {
  readonly decide: (connectorId: string) => RecordingDecision;
  readonly limits: CaptureLimits;
  readonly budget: RecordingBudget;
  readonly participantPolicy: ParticipantPolicy;
  /** Object key prefix, e.g. `recordings/`. */
  readonly prefix: string;
  readonly handoff: RecordingHandoff;
  readonly clock: Clock;
}

/** The recording of one session, as the protocol shell feeds it. */
export interface SessionRecording {
  readonly capture: CallCapture;
  /** An accepted client text message: its type and position go into the sidecar. */
  clientText(text: string): void;
  /** A message we send; a `barge_in` cuts the bot channel, `disconnect` carries the output variables. */
  serverMessage(message: ServerMessage): void;
  /** The session ended: the recording goes to the upload queue. Once. */
  end(): void;
}

/** Starts recordings for the sessions that should have one. */
export interface CallRecordings {
  /** A recording for an opened session, or undefined (not recorded, a probe, no audio). */
  open(call: Omit<RecordedCall, 'startedAtMs'>, media: MediaFormat | null, logger: Logger): SessionRecording | undefined;
}

export function createCallRecordings(deps: CallRecordingsDeps): CallRecordings {
  return {
    open(call, media, logger) {
      const decision = deps.decide(call.connectorId);
      if (!decision.record || media === null) return undefined;
      const recorded: RecordedCall = { ...call, startedAtMs: deps.clock.epochMs() };
      const capture = createCallCapture(media, decision.botChannel, deps.limits, deps.budget);
      // The recording starts with the `opened` event, after both messages of the open transaction.
      capture.message('in', 'open', 0);
      capture.message('out', 'opened', 0);
      let ended = false;
      return {
        capture,
        clientText(text) {
          const fields = typeAndPosition(text);
          if (fields !== undefined) capture.message('in', fields.type, fields.positionMs);
        },
        serverMessage(message) {
          capture.message('out', message.type);
          if (message.type === 'event' && message.parameters.entities.some((e) => e.type === 'barge_in')) capture.bargeIn();
          if (message.type === 'disconnect' && message.parameters.outputVariables !== undefined) {
            capture.outputVariables(message.parameters.outputVariables);
          }
        },
        end() {
          if (ended) return;
          ended = true;
          const finished = capture.finish();
          const endedAtMs = deps.clock.epochMs();
          const keys = recordingKeys(deps.prefix, recorded);
          if (finished.truncated.length > 0) logger.warn({ reasons: finished.truncated }, 'recording truncated');
          deps.handoff({
            name: call.sessionId,
            reservedBytes: finished.reservedBytes,
            objects: async () => {
              const sidecar = buildSidecar(recorded, finished, endedAtMs, deps.participantPolicy, keys.wav);
              const wav = await finished.wav(() => delay(deps.clock, 0));
              return [
                { key: keys.wav, body: wav, contentType: 'audio/wav' },
                { key: keys.sidecar, body: new TextEncoder().encode(JSON.stringify(sidecar)), contentType: 'application/json' },
              ];
            },
          });
        },
      };
    },
  };
}

/** Type and position of a client message, read again only for recorded calls (text messages are few). */
function typeAndPosition(text: string): { type: string; positionMs?: number } | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { type, position } = parsed as { type?: unknown; position?: unknown };
    if (typeof type !== 'string') return undefined;
    const positionMs = typeof position === 'string' ? parseDuration(position) : undefined;
    return { type: type.slice(0, 40), ...(positionMs?.ok === true ? { positionMs: positionMs.value } : {}) };
  } catch {
    // A malformed message is the state machine's to answer; the recording only skips it.
    return undefined;
  }
}
