import { createServer, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { loadVadEngine } from '../../src/audio/vad.js';
import { systemClock, type Clock } from '../../src/shared/clock.js';
import { AwsServiceError, respondWithError } from './aws-error.js';
import { BedrockControls, type BedrockEndpointSettings } from './bedrock/bedrock-controls.js';
import { serveConverseStream } from './bedrock/converse-stream.js';
import { PollyControls, type PollyEndpointSettings } from './polly/polly-controls.js';
import { serveSynthesizeSpeech, warmUpSynthesis } from './polly/synthesize-speech.js';
import { TranscribeControls, type TranscribeEndpointSettings } from './transcribe/transcribe-controls.js';
import { serveTranscribeStream } from './transcribe/transcribe-stream.js';

export interface LocalAwsOptions {
  /** @default 0 (any free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly clock?: Clock;
  readonly transcribe?: Partial<TranscribeEndpointSettings>;
  readonly polly?: Partial<PollyEndpointSettings>;
  readonly bedrock?: Partial<BedrockEndpointSettings>;
  /**
   * Load and warm up the speech synthesizer before answering (a second or two); otherwise it loads in
   * the background and the first Polly requests wait for it.
   * @default false
   */
  readonly warmUp?: boolean;
}

/** The running endpoints and the controls a test scripts them with. */
export interface LocalAws {
  /** Base URL of all three services (`http://host:port`): one HTTP/2 server routes by path. */
  readonly url: string;
  readonly port: number;
  readonly transcribe: TranscribeControls;
  readonly polly: PollyControls;
  readonly bedrock: BedrockControls;
  /** The variables that point the AWS SDK (and so `npm start`) at these endpoints. */
  environment(region?: string): Record<string, string>;
  close(): Promise<void>;
}

/** The most HTTP/2 streams one client connection may open at once (the SDK opens one per request). */
const MAX_CONCURRENT_STREAMS = 1000;

/**
 * Starts local Transcribe streaming, Polly and Bedrock Runtime endpoints on one cleartext HTTP/2
 * server (the SDK clients of all three speak HTTP/2; `http://` makes them use h2c). Routes:
 * `POST /stream-transcription`, `POST /v1/speech`, `POST /model/{modelId}/converse-stream`.
 */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const clock = options.clock ?? systemClock;
  const vad = await loadVadEngine();
  // Polly's voice comes from eSpeak NG, which takes a second or two to load: start now.
  const warming = warmUpSynthesis();
  if (options.warmUp === true) await warming;
  else warming.catch(() => undefined);
  const transcribe = new TranscribeControls(options.transcribe);
  const polly = new PollyControls(clock, options.polly);
  const bedrock = new BedrockControls(options.bedrock);
  const server: Http2Server = createServer({ settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS } });
  const route = async (stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<void> => {
    const path = (headers[':path'] ?? '').split('?')[0] ?? '';
    if (headers[':method'] !== 'POST') throw new AwsServiceError('UnknownOperationException', 404, `No operation at ${headers[':method']} ${path}`);
    if (path === '/stream-transcription') return serveTranscribeStream(stream, headers, { controls: transcribe, vad, clock });
    if (path === '/v1/speech') return serveSynthesizeSpeech(stream, { controls: polly });
    const converse = /^\/model\/([^/]+)\/converse-stream$/.exec(path);
    if (converse !== null) return serveConverseStream(stream, decodeURIComponent(converse[1]!), { controls: bedrock, clock });
    throw new AwsServiceError('UnknownOperationException', 404, `No operation at POST ${path}`);
  };
  server.on('stream', (stream, headers) => {
    // A client that resets its stream must not take the server down.
    stream.on('error', () => undefined);
    route(stream, headers).catch((error: unknown) => {
      respondWithError(stream, error instanceof AwsServiceError ? error : new AwsServiceError('InternalFailure', 500, String(error)));
    });
  });
  server.on('sessionError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  return {
    url,
    port,
    transcribe,
    polly,
    bedrock,
    environment: (region = 'us-east-1') => localAwsEnvironment(url, region),
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The SDK's service-specific endpoint variables plus dummy credentials and a region. */
export function localAwsEnvironment(url: string, region: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_TRANSCRIBE_STREAMING: url,
    AWS_ENDPOINT_URL_POLLY: url,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: url,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
}
