import { canSendAudio, type EventEntity, type SessionCommand, type SessionEvent, type SessionState } from '../protocol/index.js';
import { withTimeout, type Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { OutboundWriter } from './outbound-writer.js';
import type { CallControls, CallHandler } from './ports.js';

/** The protocol event that opens a session. */
export type OpenedEvent = Extract<SessionEvent, { type: 'opened' }>;

export interface HostedCallDeps {
  /** Creates the call for an opened, non-probe session; undefined = listen and stay silent. */
  readonly createCall: ((opened: OpenedEvent) => CallHandler) | undefined;
  /** Longest time the call's final work may delay `closed`. */
  readonly closingBudgetMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly command: (c: SessionCommand) => void;
}

/** A session's call (the bot conversation on top of the protocol), as the session drives it. */
export interface HostedCall {
  /** `opened` creates the call; every later event reaches it; `closing` then lets it finish its work. */
  onEvent(event: SessionEvent, audio: Uint8Array | undefined): void;
}

/** Hosts the call of one session. A call's exception ends the call with disconnect(error); it never escapes into socket handlers. */
export function createHostedCall(deps: HostedCallDeps): HostedCall {
  return new GuardedHostedCall(deps);
}

/** A class, not closures: one per session. */
class GuardedHostedCall implements HostedCall {
  private call: CallHandler | undefined;

  constructor(private readonly deps: HostedCallDeps) {}

  onEvent(event: SessionEvent, audio: Uint8Array | undefined): void {
    const { deps } = this;
    if (event.type === 'opened') {
      const { createCall } = deps;
      if (!event.probe && createCall !== undefined) {
        try {
          this.call = createCall(event);
        } catch (error) {
          this.failCall(error);
        }
      }
      return;
    }
    const { call } = this;
    if (call !== undefined) {
      try {
        call.onEvent(event, audio);
      } catch (error) {
        this.failCall(error);
      }
    }
    if (event.type === 'closing') void finishClose(call, deps, () => deps.command({ type: 'finishClose' }));
  }

  private failCall(error: unknown): void {
    this.deps.logger.error({ err: toError(error) }, 'call failed');
    this.deps.command({ type: 'fail' });
  }
}

/** Lets the call finish its work (bounded by the closing budget), then completes the close transaction. */
async function finishClose(call: CallHandler | undefined, deps: HostedCallDeps, done: () => void): Promise<void> {
  if (call?.onClosing !== undefined) {
    try {
      await withTimeout(deps.clock, deps.closingBudgetMs, call.onClosing(), () => undefined);
    } catch (error) {
      deps.logger.error({ err: toError(error) }, 'call failed while closing');
    }
  }
  done();
}

/** What the call may do to its session: send and cancel audio, events, pause/resume, disconnect. */
export function createCallControls(
  writer: OutboundWriter,
  command: (c: SessionCommand) => void,
  currentState: () => SessionState,
  noteTranscript: CallControls['noteTranscript'] = () => undefined,
): CallControls {
  return new SessionCallControls(writer, command, currentState, noteTranscript);
}

/** A class, not an object literal: a literal with a getter is a dictionary-mode object, paid per session. */
class SessionCallControls implements CallControls {
  constructor(
    private readonly writer: OutboundWriter,
    private readonly command: (c: SessionCommand) => void,
    private readonly currentState: () => SessionState,
    readonly noteTranscript: CallControls['noteTranscript'],
  ) {}

  sendAudio(pcmu: Uint8Array): void {
    if (canSendAudio(this.currentState())) this.writer.enqueueAudio(pcmu);
  }

  endOfPrompt(): void {
    this.writer.endOfPrompt();
  }

  cancelAudio(): number {
    return this.writer.cancelAudio().droppedBytes;
  }

  onAudioDrained(listener: () => void): () => void {
    return this.writer.onAudioDrained(listener);
  }

  get audioAheadMs(): number {
    return this.writer.audioAheadMs;
  }

  sendEvent(entities: readonly EventEntity[]): void {
    this.command({ type: 'event', entities });
  }

  disconnect(reason: 'completed' | 'error', outputVariables?: Readonly<Record<string, string>>, info?: string): void {
    this.command({
      type: 'disconnect',
      reason,
      ...(outputVariables === undefined ? {} : { outputVariables }),
      ...(info === undefined ? {} : { info }),
    });
  }

  pause(): void {
    this.command({ type: 'pause' });
  }

  resume(): void {
    this.command({ type: 'resume' });
  }
}
