import { startLocalAws, type LocalAws, type LocalAwsOptions } from '../../runtime/tools/local-aws/local-aws-server.js';
import { concat, silence, speechLike } from '../../runtime/tools/support/audio-gen.js';

/** Local AWS endpoints on a free port for one test file; close them in afterAll. */
export function startLocalAwsForTest(options: LocalAwsOptions = {}): Promise<LocalAws> {
  return startLocalAws({ port: 0, ...options });
}

/** SDK client settings that reach `aws` with dummy credentials, as `npm run aws-local` prints them. */
export function clientConfig(aws: LocalAws): { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
  return { region: 'us-east-1', endpoint: aws.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/** One caller utterance at 8 kHz: quiet lead-in, speech-like audio, then the trailing pause. */
export function utterance(speechMs = 1_000, pauseMs = 1_200, seed = 1): Int16Array {
  return concat(silence(200), speechLike(speechMs, { dbfs: -20, seed }), silence(pauseMs));
}

/** PCM16 host-order samples as Transcribe's little-endian `pcm` bytes, in `chunkMs` AudioEvents at 8 kHz. */
export async function* audioEvents(pcm: Int16Array, options: { chunkMs?: number; paceMs?: number } = {}): AsyncGenerator<{ AudioEvent: { AudioChunk: Uint8Array } }> {
  const samples = ((options.chunkMs ?? 100) * 8000) / 1000;
  for (let at = 0; at < pcm.length; at += samples) {
    const chunk = pcm.slice(at, at + samples);
    yield { AudioEvent: { AudioChunk: new Uint8Array(chunk.buffer) } };
    if (options.paceMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.paceMs));
  }
}
