import type { ServerMessage } from '../../src/protocol/index.js';
import { BENCH_SENDER, FRAME_MS, PING_EVERY_MS } from './bench-constants.js';
import type { BenchMode } from './bench-options.js';
import type { BenchConnection, ConnectionListener } from './bench-connection.js';
import type { CallerAudio, UtteranceClip } from './caller-audio.js';
import { LatenessTracker } from './lateness.js';
import type { Recorder } from './samples.js';

/**
 * The caller of one simulated session. Every 200 ms (its frame tick) it sends one PCMU frame, line
 * noise or an utterance, and now and then a ping or a DTMF key. With the bot it behaves like a person:
 * waits for the bot to finish, thinks 0.3–2.5 s, answers (every fifth answer is a key press), and
 * talks over every third reply (barge-in). Listen-only, it talks every few seconds. It measures what
 * only the caller side can see: turn latency, barge-in latency, audio lateness and ping round trips.
 */

/** Reply latency beyond which a turn counts as unanswered. */
const REPLY_TIMEOUT_MS = 10_000;
/**
 * How far into a reply the caller barges in. The bench bot's prompts last 4.7–5.4 s, so the server is
 * surely still playing; Genesys (and the modelled buffer) holds only about a second of it.
 */
const BARGE_AFTER_MS = { min: 800, spread: 1_200 } as const;

type Phase =
  | { readonly kind: 'waitBot'; readonly since: number }
  | { readonly kind: 'speaking'; readonly clip: UtteranceClip; next: number; readonly barge: boolean }
  | { readonly kind: 'awaitReply'; readonly referenceMs: number; readonly dtmf: boolean; readonly since: number }
  | { readonly kind: 'quiet'; readonly until: number };

export class SimulatedCaller implements ConnectionListener {
  private connection: BenchConnection | undefined;
  private phase: Phase;
  private noiseIndex = 0;
  private nextPingAt = 0;
  private lastFrameSentAt = 0;
  private answers = 0;
  private replies = 0;
  private bargeNext = false;
  private bargeAfterMs = 0;
  private heardBot = false;
  private idleSince: number | undefined;
  private promptStartedAt = 0;
  private bargeSpeechStartMs: number | undefined;
  private readonly lateness = new LatenessTracker(BENCH_SENDER);
  /** Drawn again for every answer: callers vary, and sessions must not stay in lockstep. */
  private thinkMs: number;

  constructor(
    private readonly mode: BenchMode,
    private readonly audio: CallerAudio,
    private readonly random: () => number,
    private readonly recorder: Recorder,
  ) {
    this.thinkMs = this.drawThinkMs();
    this.phase = mode === 'bot' ? { kind: 'waitBot', since: 0 } : { kind: 'quiet', until: 0 };
  }

  /** Starts the caller on an opened connection; its frame ticks follow. */
  start(connection: BenchConnection, nowMs: number): void {
    this.connection = connection;
    this.nextPingAt = nowMs + PING_EVERY_MS;
    this.phase = this.mode === 'bot' ? { kind: 'waitBot', since: nowMs } : { kind: 'quiet', until: nowMs + this.gapMs() };
  }

  /** The session's frame tick, due at `dueMs` on the generator's real-time schedule. */
  tick(dueMs: number): void {
    const connection = this.connection;
    if (connection === undefined) return;
    const nowMs = performance.now();
    this.recorder.current.frameSendLag.push(nowMs - dueMs);
    const wasPlaying = connection.playing;
    connection.checkPlayback(nowMs);
    if (wasPlaying && !connection.playing) this.idleSince = nowMs;
    if (nowMs >= this.nextPingAt) {
      connection.ping();
      this.nextPingAt += PING_EVERY_MS;
    }
    if (this.mode === 'bot') this.decideWithBot(nowMs, connection);
    else this.decideListenOnly(nowMs, connection);

    const phase = this.phase;
    let frame: Uint8Array;
    if (phase.kind === 'speaking') {
      frame = phase.clip.frames[phase.next++]!;
      if (phase.next === phase.clip.frames.length) this.utteranceSent(phase, nowMs);
    } else {
      frame = this.audio.noise[this.noiseIndex++ % this.audio.noise.length]!;
    }
    connection.sendAudio(frame);
    this.lastFrameSentAt = nowMs;
  }

  onAudio(atMs: number, bytes: number): void {
    const timing = this.lateness.packet(atMs, bytes);
    const samples = this.recorder.current;
    if (timing.latenessMs !== undefined) samples.lateness.push(timing.latenessMs);
    if (!timing.startsPrompt) return;
    this.promptStartedAt = atMs;
    this.heardBot = true;
    const phase = this.phase;
    if (phase.kind === 'awaitReply' && atMs > phase.referenceMs - this.audio.reply.synthesizerMs) {
      (phase.dtmf ? samples.dtmfTurn : samples.turn).push(atMs - phase.referenceMs);
      this.replies += 1;
      this.bargeNext = this.replies % 3 === 0;
      this.bargeAfterMs = BARGE_AFTER_MS.min + Math.floor(this.random() * BARGE_AFTER_MS.spread);
      this.phase = { kind: 'waitBot', since: atMs };
    }
  }

  onMessage(message: ServerMessage, atMs: number): void {
    if (message.type !== 'event' || !message.parameters.entities.some((entity) => entity.type === 'barge_in')) return;
    this.lateness.expectNewPrompt();
    const samples = this.recorder.current;
    if (this.bargeSpeechStartMs === undefined) {
      samples.count('unexpectedBargeIns');
      return;
    }
    samples.bargeIn.push(atMs - this.bargeSpeechStartMs);
    samples.bargeInServer.push(atMs - this.lastFrameSentAt);
    this.bargeSpeechStartMs = undefined;
  }

  onPong(rttMs: number): void {
    this.recorder.current.pingRtt.push(rttMs);
  }

  onLost(reason: string): void {
    this.recorder.current.count(`lost: ${reason}`);
    this.connection = undefined;
  }

  /** Whether the session is still up (not lost). */
  get live(): boolean {
    return this.connection !== undefined;
  }

  private decideWithBot(nowMs: number, connection: BenchConnection): void {
    const phase = this.phase;
    if (phase.kind === 'awaitReply' && nowMs - phase.since > REPLY_TIMEOUT_MS) {
      this.recorder.current.count('unansweredTurns');
      this.phase = { kind: 'waitBot', since: nowMs };
      this.idleSince = nowMs;
      return;
    }
    if (phase.kind !== 'waitBot') return;
    if (connection.playing) {
      if (this.bargeNext && nowMs - this.promptStartedAt >= this.bargeAfterMs) {
        this.bargeNext = false;
        this.speak(nowMs, true);
      }
      return;
    }
    // The greeting may still be on its way: a caller does not answer before the bot has spoken.
    if (!this.heardBot && nowMs - phase.since < REPLY_TIMEOUT_MS) return;
    const idleFor = nowMs - (this.idleSince ?? phase.since);
    if (idleFor < this.thinkMs) return;
    this.thinkMs = this.drawThinkMs();
    this.answers += 1;
    if (this.answers % 5 === 0) {
      connection.dtmf('1');
      this.recorder.current.count('dtmfSent');
      this.lateness.expectNewPrompt();
      this.phase = { kind: 'awaitReply', referenceMs: nowMs + this.audio.reply.synthesizerMs, dtmf: true, since: nowMs };
    } else {
      this.speak(nowMs, false);
    }
  }

  private decideListenOnly(nowMs: number, connection: BenchConnection): void {
    const phase = this.phase;
    if (phase.kind !== 'quiet' || nowMs < phase.until) return;
    this.answers += 1;
    if (this.answers % 5 === 0) {
      connection.dtmf('1');
      this.recorder.current.count('dtmfSent');
    }
    this.speak(nowMs, false);
  }

  private speak(nowMs: number, barge: boolean): void {
    const clip = this.audio.clips[Math.floor(this.random() * this.audio.clips.length)]!;
    // Frame k carries audio captured during the 200 ms before it is sent.
    if (barge) this.bargeSpeechStartMs = nowMs - FRAME_MS + clip.speechOffsetMs;
    this.recorder.current.count(barge ? 'bargeAttempts' : 'utterances');
    this.phase = { kind: 'speaking', clip, next: 0, barge };
  }

  private utteranceSent(phase: Extract<Phase, { kind: 'speaking' }>, nowMs: number): void {
    if (phase.barge && this.bargeSpeechStartMs !== undefined) {
      this.recorder.current.count('missedBargeIns');
      this.bargeSpeechStartMs = undefined;
    }
    if (this.mode === 'listen') {
      this.phase = { kind: 'quiet', until: nowMs + this.gapMs() };
      return;
    }
    // The last clip frame ends the caller's turn at the server on arrival (caller-audio.ts ReplyTiming).
    const referenceMs = nowMs + this.audio.reply.recognizerMs + this.audio.reply.synthesizerMs;
    this.lateness.expectNewPrompt();
    this.phase = { kind: 'awaitReply', referenceMs, dtmf: false, since: nowMs };
  }

  /** How long the caller takes to answer once the bot has finished: 0.3–2.5 s. */
  private drawThinkMs(): number {
    return 300 + Math.floor(this.random() * 2_200);
  }

  /** Silence between listen-only utterances: 3–6 s, about the bot mode's duty cycle. */
  private gapMs(): number {
    return 3_000 + Math.floor(this.random() * 3_000);
  }
}
