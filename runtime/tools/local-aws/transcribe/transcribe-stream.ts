import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { VadEngine } from '../../../src/audio/vad.js';
import type { Cancel, Clock } from '../../../src/shared/clock.js';
import { Pcm16LeDecoder } from '../../../src/speech/pcm16-le-decoder.js';
import { AwsServiceError, respondWithError } from '../aws-error.js';
import { encodeException, encodeJsonEvent, readMessages, stringHeader, unwrapSignedEvent } from '../event-stream.js';
import type { TranscribeControls, TranscribeFault } from './transcribe-controls.js';
import { badRequest, parseTranscribeRequest, type TranscribeRequest } from './transcribe-request.js';
import { buildTranscriptEvent } from './transcript-result.js';
import { UtteranceSegmenter, type SegmentEvent } from '../../../src/speech/offline/utterance-segmenter.js';

/** How long a stream that has failed keeps draining the client's audio before it is reset. */
const DRAIN_AFTER_FAILURE_MS = 5_000;
const EMPTY_TRANSCRIPT_EVENT = encodeJsonEvent('TranscriptEvent', { Transcript: { Results: [] } });

export interface TranscribeStreamDeps {
  readonly controls: TranscribeControls;
  readonly vad: VadEngine;
  readonly clock: Clock;
}

/**
 * Serves one StartStreamTranscription request: validates it, applies the quota and any injected
 * fault, answers 200 with the event stream, then reads the signed AudioEvents, segments the audio
 * and sends partial and final TranscriptEvents until the client's end frame, a timeout or a fault.
 */
export async function serveTranscribeStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, deps: TranscribeStreamDeps): Promise<void> {
  const { controls } = deps;
  let request: TranscribeRequest;
  try {
    request = parseTranscribeRequest(headers);
  } catch (error) {
    return refuse(stream, error);
  }
  if (controls.activeStreams >= controls.settings.maxConcurrentStreams) {
    controls.streamsOverQuota++;
    return refuse(stream, limitExceeded(`You have reached your limit of ${controls.settings.maxConcurrentStreams} concurrent streams.`));
  }
  const fault = controls.takeFault();
  if (fault?.kind === 'limitExceeded') return refuse(stream, limitExceeded('Your request rate is too high. Reduce the frequency of requests.'));
  if (fault?.kind === 'serviceUnavailable') return refuse(stream, new AwsServiceError('ServiceUnavailableException', 503, 'Service is currently unavailable.', 'Message'));
  controls.activeStreams++;
  controls.streamsStarted++;
  const session = new TranscribeStreamSession(stream, request, deps, fault);
  try {
    await session.run();
  } finally {
    controls.activeStreams--;
  }
}

/** One channel of the stream: its segmenter, what its results are tagged with, and the segment it has open. */
interface ChannelState {
  readonly segmenter: UtteranceSegmenter;
  /** 0 or 1 with channel identification; undefined on a one-channel stream (results carry no ChannelId). */
  readonly channel: number | undefined;
  /** The segmenter's callback, bound once. */
  readonly onSegment: (event: SegmentEvent) => void;
  segmentId: string | undefined;
  segmentPhrase: string;
}

class TranscribeStreamSession {
  /** One per channel: one, or two with channel identification (results then carry `ch_0`/`ch_1`). */
  private readonly channels: readonly ChannelState[];
  private readonly decoder = new Pcm16LeDecoder();
  /** With two channels, a left sample whose right one is still to come. */
  private pendingLeft: number | undefined;
  private readonly timers = new Set<Cancel>();
  private cancelIdle: Cancel | undefined;
  /** Frames (and the end of the response) waiting for their time, in send order. */
  private readonly outbox: { readonly dueAt: number; readonly frame: Uint8Array | 'end' }[] = [];
  private audioMs = 0;
  private finished = false;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    private readonly stream: ServerHttp2Stream,
    private readonly request: TranscribeRequest,
    private readonly deps: TranscribeStreamDeps,
    private readonly fault: Extract<TranscribeFault, { kind: 'internalFailure' }> | undefined,
  ) {
    const { settings } = deps.controls;
    this.channels = Array.from({ length: request.channels }, (_, index) => {
      const state: ChannelState = {
        segmenter: new UtteranceSegmenter(deps.vad, {
          sampleRateHz: request.sampleRateHz,
          hangoverMs: settings.hangoverMs,
          onsetVoicedMs: settings.onsetVoicedMs,
          partialEveryMs: settings.partialEveryMs,
        }),
        channel: request.channels === 1 ? undefined : index,
        onSegment: (event) => this.onSegment(event, state),
        segmentId: undefined,
        segmentPhrase: '',
      };
      return state;
    });
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  async run(): Promise<void> {
    const { settings } = this.deps.controls;
    this.stream.on('close', () => this.finish());
    if (settings.resultDelayMs > 0) this.after(settings.resultDelayMs, () => this.respond());
    else this.respond();
    this.after(settings.maxStreamMs, () => this.fail(limitExceeded('Your stream exceeded the maximum duration of the stream.')));
    this.armIdle();
    try {
      for await (const outer of readMessages(this.stream as AsyncIterable<Uint8Array>)) {
        if (this.finished) continue; // drain what the client still sends after a failure
        const message = unwrapSignedEvent(outer);
        if (message === undefined) break;
        if (stringHeader(message.headers, ':event-type') !== 'AudioEvent') continue;
        this.onAudio(message.body);
      }
      if (!this.finished) this.endOfAudio();
    } catch {
      // A framing error or a reset from the client: nothing more can be said on this stream.
      this.fail(badRequest('Could not decode the audio stream.'));
    }
    await this.done;
  }

  private respond(): void {
    if (this.stream.destroyed || this.stream.headersSent) return;
    this.stream.respond({
      ':status': 200,
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-request-id': randomUUID(),
      'x-amzn-transcribe-session-id': this.request.sessionId ?? randomUUID(),
      'x-amzn-transcribe-language-code': this.request.languageCode,
      'x-amzn-transcribe-sample-rate': String(this.request.sampleRateHz),
      'x-amzn-transcribe-media-encoding': this.request.mediaEncoding,
      ...(this.request.stabilization ? { 'x-amzn-transcribe-enable-partial-results-stabilization': 'true' } : {}),
      ...(this.request.stability === undefined ? {} : { 'x-amzn-transcribe-partial-results-stability': this.request.stability }),
      ...(this.request.channels === 2 ? { 'x-amzn-transcribe-enable-channel-identification': 'true', 'x-amzn-transcribe-number-of-channels': '2' } : {}),
    });
    // The service sends TranscriptEvents with no results while nothing is recognised, the first right
    // away; the SDK's send() resolves only once it has read the first event of the stream.
    this.stream.write(EMPTY_TRANSCRIPT_EVENT);
  }

  private onAudio(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.armIdle();
    const pcm = this.decoder.push(chunk);
    const perChannel = this.channels.length === 1 ? [pcm] : this.deinterleave(pcm);
    this.audioMs += (perChannel[0]!.length * 1000) / this.request.sampleRateHz;
    this.channels.forEach((state, index) => state.segmenter.write(perChannel[index]!, state.onSegment));
    if (this.fault !== undefined && this.audioMs >= this.fault.afterAudioMs) {
      this.fail(new AwsServiceError('InternalFailureException', 500, 'An internal error occurred while processing the audio. Try your request again.', 'Message'));
    }
  }

  /** Splits interleaved two-channel samples (left first), carrying a lone left sample to the next chunk. */
  private deinterleave(pcm: Int16Array): [Int16Array, Int16Array] {
    const carried = this.pendingLeft === undefined ? 0 : 1;
    const frames = (carried + pcm.length) >> 1;
    const left = new Int16Array(frames);
    const right = new Int16Array(frames);
    let offset = 0;
    for (let frame = 0; frame < frames; frame++) {
      if (frame === 0 && this.pendingLeft !== undefined) {
        left[0] = this.pendingLeft;
        this.pendingLeft = undefined;
      } else {
        left[frame] = pcm[offset++]!;
      }
      right[frame] = pcm[offset++]!;
    }
    if (offset < pcm.length) this.pendingLeft = pcm[offset]!;
    return [left, right];
  }

  /** A segment event of one channel of the stream. */
  private onSegment(event: SegmentEvent, state: ChannelState): void {
    if (state.segmentId === undefined) {
      state.segmentId = randomUUID();
      state.segmentPhrase = this.deps.controls.takePhrase();
    }
    const isPartial = event.type === 'progress';
    const words = state.segmentPhrase.split(/\s+/).length;
    // A word per ~300 ms of speech heard, so partials grow as a real recogniser's do.
    const heard = isPartial ? (event.endMs - event.startMs) / Math.max(300, words * 300) : 1;
    const payload = buildTranscriptEvent({
      resultId: state.segmentId,
      phrase: state.segmentPhrase,
      startMs: event.startMs,
      endMs: event.endMs,
      heard: Math.min(heard, 0.99),
      isPartial,
      stabilization: this.request.stabilization,
      ...(state.channel === undefined ? {} : { channel: state.channel }),
    });
    if (!isPartial) state.segmentId = undefined;
    if (payload === undefined) return;
    const frame = encodeJsonEvent('TranscriptEvent', payload);
    this.send(frame, isPartial ? 0 : this.deps.controls.settings.finalLatencyMs);
  }

  /** Queues a frame `latencyMs` (plus the slow-service delay) from now, never before one queued ahead of it. */
  private send(frame: Uint8Array | 'end', latencyMs: number): void {
    const now = this.deps.clock.now();
    const dueAt = Math.max(now + latencyMs + this.deps.controls.settings.resultDelayMs, this.outbox.at(-1)?.dueAt ?? 0);
    this.outbox.push({ dueAt, frame });
    if (this.outbox.length === 1) this.pump();
  }

  /** Writes every frame that is due, then waits for the next one. */
  private pump(): void {
    for (let head = this.outbox[0]; head !== undefined; head = this.outbox[0]) {
      const waitMs = head.dueAt - this.deps.clock.now();
      if (waitMs > 0) {
        this.after(waitMs, () => this.pump());
        return;
      }
      this.outbox.shift();
      if (head.frame === 'end') return this.finish();
      this.respond();
      if (!this.stream.destroyed) this.stream.write(head.frame);
    }
  }

  /** The client's end frame: the open segment ends, then the results still due, then the response. */
  private endOfAudio(): void {
    this.cancelIdle?.();
    for (const state of this.channels) state.segmenter.finish(state.onSegment);
    this.send('end', 0);
  }

  private armIdle(): void {
    this.cancelIdle?.();
    const { idleTimeoutMs } = this.deps.controls.settings;
    this.cancelIdle = this.after(idleTimeoutMs, () => {
      // Results of the audio heard so far go out before the exception, as the service sends them.
      this.flushResults();
      this.fail(badRequest(`Your request timed out because no new audio was received for ${Math.round(idleTimeoutMs / 1000)} seconds.`));
    });
  }

  /** Writes every queued result now, whatever its due time. */
  private flushResults(): void {
    for (const { frame } of this.outbox.splice(0)) {
      if (frame === 'end' || this.stream.destroyed) continue;
      this.respond();
      this.stream.write(frame);
    }
  }

  /** Ends the stream with an exception event (after the 200, as the service does mid-stream). */
  private fail(error: AwsServiceError): void {
    if (this.finished) return;
    this.respond();
    if (!this.stream.destroyed) this.stream.write(encodeException(error.errorType, error.body));
    this.finish();
    // The client stops sending once it reads the exception; one that does not is reset.
    const reset = this.deps.clock.setTimer(DRAIN_AFTER_FAILURE_MS, () => this.stream.close());
    this.stream.once('close', reset);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    for (const state of this.channels) state.segmenter.close();
    this.respond();
    if (!this.stream.destroyed) this.stream.end();
    this.resolveDone();
  }

  private after(ms: number, fn: () => void): Cancel {
    const cancel = this.deps.clock.setTimer(ms, () => {
      this.timers.delete(cancel);
      fn();
    });
    this.timers.add(cancel);
    return cancel;
  }
}

function limitExceeded(message: string): AwsServiceError {
  return new AwsServiceError('LimitExceededException', 429, message, 'Message');
}

function refuse(stream: ServerHttp2Stream, error: unknown): void {
  respondWithError(stream, error instanceof AwsServiceError ? error : new AwsServiceError('InternalFailureException', 500, String(error), 'Message'));
}
