import { expect } from 'vitest';
import { pcm16ToMulaw } from '../../runtime/src/audio/codec.js';
import type { MediaOffer } from '../../runtime/src/protocol/index.js';
import type { TranscriptEntityData } from '../../runtime/src/session/transcript-entity.js';
import type { GenesysClient } from '../../runtime/tools/simulator/genesys-client.js';
import { concat, silence, speechLike } from '../../runtime/tools/support/audio-gen.js';

/**
 * Generated calls for the Transcription Connector tests: audio with speech at known times, sent as
 * PCMU frames, and the transcript entities the server answered with, checked against those times.
 */

const FRAME_SAMPLES = 1_600;
/** How far a VAD-found boundary may lie from the generated one (measured: starts within 20 ms, ends 80–100 ms late, the VAD hearing the last syllable's tail). */
const TOLERANCE_MS = 150;
export const MONO: MediaOffer = { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 };
export const STEREO: MediaOffer = { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 };

/** Speech from `from` to `to` ms inside `totalMs` of audio; silence around it. */
export function speechAt(segments: readonly (readonly [number, number])[], totalMs: number, seed = 1): Int16Array {
  const parts: Int16Array[] = [];
  let at = 0;
  for (const [from, to] of segments) {
    parts.push(silence(from - at), speechLike(to - from, { dbfs: -20, seed: seed + from }));
    at = to;
  }
  parts.push(silence(totalMs - at));
  return concat(...parts);
}

/** PCMU frames of 200 ms; with `internal`, stereo frames interleaved external first. */
export function frames(external: Int16Array, internal?: Int16Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < external.length; at += FRAME_SAMPLES) {
    const ext = pcm16ToMulaw(external.subarray(at, at + FRAME_SAMPLES));
    if (internal === undefined) {
      out.push(ext);
      continue;
    }
    const int = pcm16ToMulaw(internal.subarray(at, at + FRAME_SAMPLES));
    const both = new Uint8Array(ext.length * 2);
    for (let i = 0; i < ext.length; i++) {
      both[2 * i] = ext[i]!;
      both[2 * i + 1] = int[i]!;
    }
    out.push(both);
  }
  return out;
}

export function send(client: GenesysClient, audio: readonly Uint8Array[], stereo = false): void {
  for (const frame of audio) client.sendAudio(frame, stereo ? 2 : 1);
}

export function transcripts(client: GenesysClient): TranscriptEntityData[] {
  return client.received
    .filter((m) => m.type === 'event')
    .flatMap((m) => (m.parameters as { entities: { type: string; data: unknown }[] }).entities)
    .filter((e) => e.type === 'transcript')
    .map((e) => e.data as TranscriptEntityData);
}

const ms = (duration: string): number => Math.round(Number(duration.slice(2, -1)) * 1000);

/** [channelId, offset, end] of each final, in ms. */
export function spans(client: GenesysClient): [number, number, number][] {
  return transcripts(client)
    .filter((t) => t.isFinal)
    .map((t) => [t.channelId, ms(t.offset), ms(t.offset) + ms(t.duration)]);
}

export function expectSpans(actual: [number, number, number][], expected: readonly (readonly [number, number, number])[]): void {
  expect(actual.map(([channel]) => channel)).toEqual(expected.map(([channel]) => channel));
  actual.forEach(([, start, end], i) => {
    expect(Math.abs(start - expected[i]![1]), `start of #${i}: ${start} vs ${expected[i]![1]}`).toBeLessThanOrEqual(TOLERANCE_MS);
    expect(Math.abs(end - expected[i]![2]), `end of #${i}: ${end} vs ${expected[i]![2]}`).toBeLessThanOrEqual(TOLERANCE_MS);
  });
}
