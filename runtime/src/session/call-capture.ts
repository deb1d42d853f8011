import { mulawToPcm16 } from '../audio/codec.js';
import { bytesPerSample, silenceByte, wavHeader, type WavSampleFormat } from '../audio/wav-encoding.js';
import type { MediaFormat } from '../protocol/index.js';

/**
 * What one recorded call keeps in memory while it runs: the caller's frames and the bot's sent audio
 * as copied segments placed on the call's timeline (the client's stream position, which counts
 * discarded audio), protocol message types and transcript lines. Appending is a copy and a push: the
 * audio path pays nothing more. Everything is bounded: audio by a maximum duration and by the
 * process-wide {@link RecordingBudget}, entries by count; past a bound capture stops and the
 * recording is marked truncated.
 */

/** Bytes of recording buffers the whole process may hold (calls in progress and uploads waiting). */
export interface RecordingBudget {
  /** Reserves `bytes`; false (nothing reserved) when the budget is spent. */
  take(bytes: number): boolean;
  give(bytes: number): void;
}

/** A budget of `maxBytes`, shared by every recorded call of the process. */
export function createRecordingBudget(maxBytes: number): RecordingBudget & { readonly used: number } {
  let used = 0;
  return {
    take(bytes) {
      if (used + bytes > maxBytes) return false;
      used += bytes;
      return true;
    },
    give(bytes) {
      used = Math.max(0, used - bytes);
    },
    get used() {
      return used;
    },
  };
}

export interface CaptureLimits {
  /** Audio beyond this point of the call's timeline is not kept. */
  readonly maxDurationMs: number;
  /** Message and transcript entries kept, together. */
  readonly maxEntries: number;
  /** Characters kept of one transcript line. */
  readonly maxLineChars: number;
}

export type TruncationReason = 'maxDuration' | 'bufferBudget' | 'maxEntries';

export interface CapturedMessage {
  readonly direction: 'in' | 'out';
  readonly type: string;
  /** Where on the call's timeline: the client's `position` for its messages, the stream position when we sent ours. */
  readonly positionMs: number;
}

export interface CapturedLine {
  readonly speaker: 'caller' | 'bot';
  readonly text: string;
  readonly positionMs: number;
}

/** A finished capture: what the recording's WAV and sidecar are made from. */
export interface FinishedCapture {
  readonly format: WavSampleFormat;
  readonly sampleRate: number;
  /** One per WAV channel, in order: the caller's media channels, then `bot` when the bot talks. */
  readonly channelNames: readonly string[];
  readonly frames: number;
  readonly truncated: readonly TruncationReason[];
  readonly messages: readonly CapturedMessage[];
  readonly transcript: readonly CapturedLine[];
  readonly outputVariables: Readonly<Record<string, string>>;
  /** Bytes reserved from the budget; give them back once the recording is stored or dropped. */
  readonly reservedBytes: number;
  /** One buffer per channel, `frames` samples long, silence where nobody spoke; built on demand. */
  channels(): Uint8Array[];
  /**
   * The whole WAV file, written segment by segment straight into its interleaved data and awaiting
   * `pause()` every few hundred segments: a 10-minute call is ~10 MB of byte copies, which must not
   * hold the event loop (other calls' audio) for tens of milliseconds at once.
   */
  wav(pause: () => Promise<void>): Promise<Uint8Array>;
}

export interface CallCapture {
  /** A caller frame (interleaved channels); `endPositionMs` is the stream position after it. */
  callerAudio(frame: Uint8Array, endPositionMs: number): void;
  /** Bot audio (PCMU) as it leaves for Genesys: it plays after what was sent before, not before now. */
  botAudio(pcmu: Uint8Array): void;
  /** We sent `barge_in`: Genesys flushes what it has not played, so the bot channel ends now. */
  bargeIn(): void;
  /** A protocol message at its position; the client's `close` also ends the call's timeline (what {@link finish} keeps). */
  message(direction: 'in' | 'out', type: string, positionMs?: number): void;
  line(speaker: 'caller' | 'bot', text: string): void;
  outputVariables(variables: Readonly<Record<string, string>>): void;
  /** The stream position the capture has reached, in ms. */
  readonly positionMs: number;
  finish(): FinishedCapture;
}

interface Segment {
  at: number;
  bytes: Uint8Array;
}

export function createCallCapture(media: MediaFormat, botChannel: boolean, limits: CaptureLimits, budget: RecordingBudget): CallCapture {
  const format: WavSampleFormat = media.format === 'PCMU' ? 'mulaw' : 'pcm16';
  const width = bytesPerSample(format);
  const callerChannels = media.channels.length;
  const framesPerMs = media.rate / 1000;
  const maxFrames = Math.floor(limits.maxDurationMs * framesPerMs);
  const caller: Segment[] = [];
  const bot: Segment[] = [];
  const messages: CapturedMessage[] = [];
  const transcript: CapturedLine[] = [];
  const truncated = new Set<TruncationReason>();
  let outputs: Readonly<Record<string, string>> = {};
  let positionFrames = 0;
  let botEnd = 0;
  /** Where the client's `close` put the end of the call; bot audio queued past it was never played. */
  let closeFrames: number | undefined;
  let reserved = 0;
  let audioStopped = false;

  /** Copies what fits of `bytes` (frames of `frameBytes`) starting at frame `at`; false once capture stopped. */
  function keep(into: Segment[], at: number, bytes: Uint8Array, frameBytes: number): number {
    if (audioStopped) return 0;
    let frames = bytes.byteLength / frameBytes;
    if (at + frames > maxFrames) {
      frames = Math.max(0, maxFrames - at);
      stop('maxDuration');
    }
    const length = frames * frameBytes;
    if (length === 0) return 0;
    if (!budget.take(length)) {
      stop('bufferBudget');
      return 0;
    }
    reserved += length;
    into.push({ at, bytes: bytes.slice(0, length) });
    return frames;
  }

  function stop(reason: TruncationReason): void {
    audioStopped = true;
    truncated.add(reason);
  }

  function entry(): boolean {
    if (messages.length + transcript.length < limits.maxEntries) return true;
    truncated.add('maxEntries');
    return false;
  }

  return {
    callerAudio(frame, endPositionMs) {
      const frameBytes = width * callerChannels;
      const end = Math.round(endPositionMs * framesPerMs);
      const start = Math.max(0, end - Math.floor(frame.byteLength / frameBytes));
      positionFrames = Math.max(positionFrames, end);
      keep(caller, start, frame.subarray(0, Math.floor(frame.byteLength / frameBytes) * frameBytes), frameBytes);
    },
    botAudio(pcmu) {
      if (!botChannel) return;
      const at = Math.max(botEnd, positionFrames);
      botEnd = at + keep(bot, at, pcmu, 1);
    },
    bargeIn() {
      if (botEnd <= positionFrames) return;
      botEnd = positionFrames;
      for (let i = bot.length - 1; i >= 0; i -= 1) {
        const segment = bot[i];
        if (segment === undefined || segment.at + segment.bytes.byteLength <= botEnd) break;
        const kept = Math.max(0, botEnd - segment.at);
        budget.give(segment.bytes.byteLength - kept);
        reserved -= segment.bytes.byteLength - kept;
        if (kept === 0) bot.splice(i, 1);
        else segment.bytes = segment.bytes.subarray(0, kept);
      }
    },
    message(direction, type, positionMs) {
      if (direction === 'in' && type === 'close' && positionMs !== undefined) closeFrames = Math.round(positionMs * framesPerMs);
      if (entry()) messages.push({ direction, type, positionMs: positionMs ?? positionFrames / framesPerMs });
    },
    line(speaker, text) {
      if (entry()) transcript.push({ speaker, text: text.slice(0, limits.maxLineChars), positionMs: positionFrames / framesPerMs });
    },
    outputVariables(variables) {
      outputs = { ...variables };
    },
    get positionMs() {
      return positionFrames / framesPerMs;
    },
    finish() {
      audioStopped = true;
      const callerFrames = caller.reduce((end, s) => Math.max(end, s.at + s.bytes.byteLength / (width * callerChannels)), 0);
      // The call's timeline ends at the client's close: audio the paced sender had sent ahead of it was never heard.
      const callEnd = closeFrames === undefined ? Math.max(callerFrames, botEnd, positionFrames) : Math.max(callerFrames, positionFrames, closeFrames);
      const frames = Math.min(maxFrames, callEnd);
      const names = [...media.channels, ...(botChannel ? ['bot'] : [])];
      return {
        format,
        sampleRate: media.rate,
        channelNames: names,
        frames,
        truncated: [...truncated],
        messages,
        transcript,
        outputVariables: outputs,
        reservedBytes: reserved,
        channels: () => assemble({ format, width, frames, callerChannels, caller, bot: botChannel ? bot : undefined }),
        wav: (pause) => writeWav({ format, width, frames, callerChannels, caller, bot: botChannel ? bot : undefined }, media.rate, pause),
      };
    },
  };
}

interface Layout {
  format: WavSampleFormat;
  width: 1 | 2;
  frames: number;
  callerChannels: number;
  caller: readonly Segment[];
  bot: readonly Segment[] | undefined;
}

/** Segments copied between two pauses: a few hundred ms of audio each, well under a millisecond of work. */
const SEGMENTS_PER_SLICE = 50;
const FILL_BYTES_PER_SLICE = 1 << 20;

async function writeWav(parts: Layout, sampleRate: number, pause: () => Promise<void>): Promise<Uint8Array> {
  const { width, frames, callerChannels } = parts;
  const channelCount = callerChannels + (parts.bot === undefined ? 0 : 1);
  const stride = channelCount * width;
  const header = wavHeader(parts.format, channelCount, sampleRate, frames);
  const out = new Uint8Array(header.byteLength + frames * stride);
  out.set(header, 0);
  const data = out.subarray(header.byteLength);
  // Filling (and first touching) ~10 MB of fresh memory also takes tens of ms: a slice at a time.
  for (let from = 0; from < data.byteLength; from += FILL_BYTES_PER_SLICE) {
    data.fill(silenceByte(parts.format), from, from + FILL_BYTES_PER_SLICE);
    await pause();
  }
  const callerBytes = callerChannels * width;
  let copied = 0;
  for (const { at, bytes } of parts.caller) {
    const n = Math.min(bytes.byteLength / callerBytes, frames - at);
    if (callerBytes === stride) data.set(bytes.subarray(0, n * stride), at * stride);
    else {
      for (let f = 0, from = 0, to = at * stride; f < n; f += 1, to += stride) {
        for (let b = 0; b < callerBytes; b += 1, from += 1) data[to + b] = bytes[from] as number;
      }
    }
    if (++copied % SEGMENTS_PER_SLICE === 0) await pause();
  }
  const botOffset = callerBytes;
  for (const { at, bytes } of parts.bot ?? []) {
    const n = Math.min(bytes.byteLength, frames - at);
    const samples = width === 1 ? bytes : new Uint8Array(mulawToPcm16(bytes.subarray(0, Math.max(0, n))).buffer);
    for (let f = 0, to = at * stride + botOffset; f < n; f += 1, to += stride) {
      data[to] = samples[f * width] as number;
      if (width === 2) data[to + 1] = samples[f * width + 1] as number;
    }
    if (++copied % SEGMENTS_PER_SLICE === 0) await pause();
  }
  return out;
}

/** Lays the segments out as one silent-filled buffer per channel. */
function assemble(parts: Layout): Uint8Array[] {
  const { width, frames, callerChannels } = parts;
  const channelCount = callerChannels + (parts.bot === undefined ? 0 : 1);
  const out = Array.from({ length: channelCount }, () => new Uint8Array(frames * width).fill(silenceByte(parts.format)));
  const frameBytes = width * callerChannels;
  for (const { at, bytes } of parts.caller) {
    if (callerChannels === 1) {
      out[0]?.set(bytes.subarray(0, Math.max(0, frames - at) * width), at * width);
      continue;
    }
    for (let f = 0; f < bytes.byteLength / frameBytes && at + f < frames; f += 1) {
      for (let c = 0; c < callerChannels; c += 1) {
        const from = f * frameBytes + c * width;
        out[c]?.set(bytes.subarray(from, from + width), (at + f) * width);
      }
    }
  }
  const botOut = out[callerChannels];
  if (parts.bot === undefined || botOut === undefined) return out;
  for (const { at, bytes } of parts.bot) {
    const room = Math.max(0, frames - at);
    const pcmu = bytes.subarray(0, room);
    // A talking bot's media is PCMU; were it ever L16, its μ-law audio is decoded to match.
    const samples = width === 1 ? pcmu : new Uint8Array(mulawToPcm16(pcmu).buffer);
    botOut.set(samples, at * width);
  }
  return out;
}
