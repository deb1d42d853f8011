import { randomUUID } from 'node:crypto';
import type { ServerHttp2Stream } from 'node:http2';
import { pcm16ToMulaw } from '../../../src/audio/codec.js';
import { delay } from '../../../src/shared/clock.js';
import { DEFAULT_ESPEAK_VOICES, espeakVoiceCandidates, loadEspeakEngine } from '../../../src/speech/offline/espeak-engine.js';
import { AwsServiceError, readBody, respondWithError } from '../aws-error.js';
import type { PollyControls } from './polly-controls.js';
import { POLLY_VOICES, type PollyEngine } from './polly-voices.js';

export interface SynthesizeSpeechDeps {
  readonly controls: PollyControls;
}

interface SpeechRequest {
  readonly text: string;
  readonly textType: 'text' | 'ssml';
  readonly voiceId: string;
  readonly engine: PollyEngine;
  readonly outputFormat: 'pcm' | 'mulaw';
  readonly sampleRateHz: number;
  readonly languageCode: string;
}

/** Polly's limit on billed characters (SSML tags are not billed; aws-notes §2). */
const MAX_BILLED_CHARS = 3000;
const MAX_BODY_BYTES = 64 * 1024;
/** Response body chunk: the audio streams as Polly's does, so readers meet split samples. */
const CHUNK_BYTES = 4001;
const ENGINES = new Set(['standard', 'neural', 'long-form', 'generative']);
/** Valid SampleRate values per OutputFormat, first = default (API reference, SynthesizeSpeech). */
const RATES: Readonly<Record<string, readonly string[]>> = {
  pcm: ['16000', '8000'],
  mulaw: ['8000'],
  alaw: ['8000'],
  mp3: ['22050', '8000', '16000', '24000', '44100', '48000'],
  ogg_vorbis: ['22050', '8000', '16000', '24000', '44100', '48000'],
  ogg_opus: ['48000'],
  json: [],
};

/**
 * Serves one SynthesizeSpeech request: validates it as Polly does, throttles above the configured
 * rate, and answers real speech (offline eSpeak NG) as 16-bit LE PCM or μ-law at the requested rate.
 */
export async function serveSynthesizeSpeech(stream: ServerHttp2Stream, deps: SynthesizeSpeechDeps): Promise<void> {
  const { controls } = deps;
  let request: SpeechRequest;
  try {
    request = parseSpeechRequest(await readJson(stream));
  } catch (error) {
    if (error instanceof AwsServiceError) return respondWithError(stream, error);
    throw error;
  }
  controls.requests.push({ text: request.text, voiceId: request.voiceId, engine: request.engine });
  const fault = controls.takeFault();
  if (fault?.kind === 'throttling' || !controls.admit()) {
    if (fault === undefined) controls.throttled++;
    return respondWithError(stream, new AwsServiceError('ThrottlingException', 400, 'Rate exceeded'));
  }
  if (fault?.kind === 'serviceFailure') return respondWithError(stream, new AwsServiceError('ServiceFailureException', 500, 'An unknown condition has caused a service failure.'));
  const audio = await synthesize(request);
  if (controls.settings.firstByteDelayMs > 0) await delay(controls.clock, controls.settings.firstByteDelayMs);
  if (stream.destroyed) return;
  controls.synthesized++;
  stream.respond({
    ':status': 200,
    'content-type': request.outputFormat === 'pcm' ? 'audio/pcm' : 'audio/mulaw',
    'x-amzn-requestcharacters': String(billedCharacters(request)),
    'x-amzn-requestid': randomUUID(),
  });
  for (let offset = 0; offset < audio.length && !stream.destroyed; offset += CHUNK_BYTES) stream.write(audio.subarray(offset, offset + CHUNK_BYTES));
  stream.end();
}

async function readJson(stream: ServerHttp2Stream): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse((await readBody(stream, MAX_BODY_BYTES)).toString('utf8'));
  } catch {
    throw validation('The request body is not a JSON object of at most 64 KB.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw validation('The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

/** Checks in the service's order: required members, enums, engine × voice, format × rate, text. */
function parseSpeechRequest(body: Record<string, unknown>): SpeechRequest {
  const text = stringMember(body, 'Text');
  const voiceId = stringMember(body, 'VoiceId');
  const outputFormat = stringMember(body, 'OutputFormat');
  const engine = optionalString(body, 'Engine') ?? 'standard';
  const textType = optionalString(body, 'TextType') ?? 'text';
  const voice = POLLY_VOICES[voiceId];
  if (voice === undefined) throw validation(`1 validation error detected: Value '${voiceId}' at 'voiceId' failed to satisfy constraint: Member must satisfy enum value set`);
  if (!ENGINES.has(engine)) throw validation(`1 validation error detected: Value '${engine}' at 'engine' failed to satisfy constraint: Member must satisfy enum value set`);
  if (!voice.engines.includes(engine as PollyEngine)) {
    throw new AwsServiceError('EngineNotSupportedException', 400, `This voice does not support the selected engine: ${engine}`);
  }
  const rates = RATES[outputFormat];
  if (rates === undefined) throw validation(`1 validation error detected: Value '${outputFormat}' at 'outputFormat' failed to satisfy constraint: Member must satisfy enum value set`);
  if (outputFormat !== 'pcm' && outputFormat !== 'mulaw') throw validation(`The local Polly endpoint produces pcm and mulaw only, not ${outputFormat}.`);
  const sampleRate = optionalString(body, 'SampleRate') ?? rates[0]!;
  if (!rates.includes(sampleRate)) throw new AwsServiceError('InvalidSampleRateException', 400, `Invalid sample rate ${sampleRate} for output format ${outputFormat}.`);
  if (textType !== 'text' && textType !== 'ssml') throw validation(`1 validation error detected: Value '${textType}' at 'textType' failed to satisfy constraint: Member must satisfy enum value set`);
  if (textType === 'ssml' && !/^\s*<speak[\s>][\s\S]*<\/speak>\s*$/.test(text)) throw new AwsServiceError('InvalidSsmlException', 400, 'Invalid SSML request');
  const languageCode = optionalString(body, 'LanguageCode') ?? voice.languageCode;
  if (languageCode !== voice.languageCode && !(voice.additionalLanguageCodes ?? []).includes(languageCode)) {
    throw new AwsServiceError('LanguageNotSupportedException', 400, `Voice ${voiceId} does not support language ${languageCode}.`);
  }
  const request: SpeechRequest = { text, textType, voiceId, engine: engine as PollyEngine, outputFormat, sampleRateHz: Number(sampleRate), languageCode };
  if (billedCharacters(request) > MAX_BILLED_CHARS) {
    throw new AwsServiceError('TextLengthExceededException', 400, `Maximum text length has been exceeded (${MAX_BILLED_CHARS} billed characters).`);
  }
  return request;
}

function billedCharacters(request: SpeechRequest): number {
  return (request.textType === 'ssml' ? request.text.replace(/<[^>]*>/g, '') : request.text).length;
}

/**
 * Rendered audio by request (text, voice, format, rate), in flight or done: eSpeak is synchronous and
 * blocks this process while it renders, and the same prompts are asked for again and again.
 */
const rendered = new Map<string, Promise<Uint8Array>>();
const MAX_RENDERED = 256;

function synthesize(request: SpeechRequest): Promise<Uint8Array> {
  const key = JSON.stringify([request.text, request.textType, request.languageCode, request.outputFormat, request.sampleRateHz]);
  const cached = rendered.get(key);
  if (cached !== undefined) return cached;
  const audio = render(request);
  if (rendered.size >= MAX_RENDERED) rendered.delete(rendered.keys().next().value!);
  rendered.set(key, audio);
  audio.catch(() => rendered.delete(key));
  return audio;
}

async function render(request: SpeechRequest): Promise<Uint8Array> {
  const engine = await loadEspeakEngine();
  const markup = request.textType === 'ssml' ? request.text : request.text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const pcm = engine.synthesize(markup, espeakVoiceCandidates(DEFAULT_ESPEAK_VOICES, request.languageCode), () => false);
  const resampled = resampleLinear(pcm, engine.sampleRateHz, request.sampleRateHz);
  if (request.outputFormat === 'mulaw') return pcm16ToMulaw(resampled);
  const bytes = new Uint8Array(resampled.length * 2);
  const view = new DataView(bytes.buffer);
  resampled.forEach((sample, index) => view.setInt16(index * 2, sample, true));
  return bytes;
}

/**
 * Renders `texts` (plain text, en-US, 8 kHz pcm, as the runtime's Polly adapter asks) into the cache
 * ahead of time, so a benchmark's first calls do not block this process while eSpeak renders them.
 */
export async function prerenderPrompts(texts: readonly string[]): Promise<void> {
  for (const text of texts) {
    await synthesize({ text, textType: 'text', voiceId: 'Joanna', engine: 'neural', outputFormat: 'pcm', sampleRateHz: 8000, languageCode: 'en-US' });
  }
}

/** Loads eSpeak and renders a few sentences, so its first real request is not slowed by loading and JIT warm-up. */
export async function warmUpSynthesis(): Promise<void> {
  const engine = await loadEspeakEngine();
  for (let i = 0; i < 3; i++) engine.synthesize('Warming up the local speech endpoint, one sentence at a time.', ['en-us'], () => false);
}

/**
 * Linear-interpolation resampling after a 5-tap binomial low-pass when downsampling: telephony-grade
 * and about a hundred times cheaper than a windowed sinc, which matters because the endpoint shares
 * a core with the load generator in the benchmark.
 */
export function resampleLinear(pcm: Int16Array, fromHz: number, toHz: number): Int16Array {
  if (fromHz === toHz || pcm.length === 0) return pcm;
  const source = toHz < fromHz ? lowPass(pcm) : pcm;
  const out = new Int16Array(Math.floor((pcm.length * toHz) / fromHz));
  const step = fromHz / toHz;
  for (let i = 0; i < out.length; i++) {
    const position = i * step;
    const left = Math.floor(position);
    const right = Math.min(left + 1, source.length - 1);
    const fraction = position - left;
    out[i] = Math.round(source[left]! * (1 - fraction) + source[right]! * fraction);
  }
  return out;
}

function lowPass(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  const at = (i: number): number => pcm[Math.min(pcm.length - 1, Math.max(0, i))]!;
  for (let i = 0; i < pcm.length; i++) out[i] = (at(i - 2) + 4 * at(i - 1) + 6 * at(i) + 4 * at(i + 1) + at(i + 2)) / 16;
  return out;
}

function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', 400, message);
}

function stringMember(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw validation(`1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}
