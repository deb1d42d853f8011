import { PollyClient } from '@aws-sdk/client-polly';
import { TranscribeStreamingClient } from '@aws-sdk/client-transcribe-streaming';
import { defaultPollyRequestsPerSecond, type Config } from '../config/schema.js';
import { withTimeout, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { watchRecognizerCapacity, watchSynthesizerCapacity } from '../speech/capacity-watch.js';
import { EspeakSpeechSynthesizer } from '../speech/offline/espeak-speech-synthesizer.js';
import { PipelinedSynthesizer } from '../speech/pipelined-synthesizer.js';
import { PollySpeechSynthesizer } from '../speech/polly/polly-speech-synthesizer.js';
import { validateBotVoices, type BotVoiceUse } from '../speech/polly/validate-bot-voices.js';
import type { SpeechRecognizer, SpeechSynthesizer } from '../speech/ports.js';
import { PromptCache } from '../speech/prompt-cache.js';
import { RenewingRecognizer } from '../speech/renewing-recognizer.js';
import { RequestLimitedSynthesizer } from '../speech/request-limiter.js';
import { TranscribeSpeechRecognizer } from '../speech/transcribe/transcribe-speech-recognizer.js';
import { TUNING } from './tuning.js';

/** The speech services a process uses, chosen once at start. */
export interface SpeechServices {
  /** `custom` when injected by a test or the benchmark. */
  readonly mode: 'aws' | 'offline' | 'custom';
  /** Absent offline: recognition is off, DTMF still works. */
  readonly recognizer?: SpeechRecognizer;
  readonly synthesizer: SpeechSynthesizer;
  /** Checks the loaded bots' voices against POLLY_ENGINE (AWS mode only); throws VoiceEngineError. */
  readonly validateVoices?: (bots: readonly BotVoiceUse[]) => Promise<void>;
}

/** Where the speech services report a service refusing for quota or throttling (metrics). */
export interface SpeechCapacitySignals {
  transcribeLimited(): void;
  pollyThrottled(): void;
}

const noSignals: SpeechCapacitySignals = { transcribeLimited: () => undefined, pollyThrottled: () => undefined };

/** Transcribe streaming's maximum stream duration, 4 hours, not adjustable (aws-notes §1). */
const TRANSCRIBE_MAX_STREAM_MS = 14_400_000;

/**
 * Builds Transcribe + Polly when AWS credentials resolve (or SPEECH_MODE=aws), otherwise the offline
 * eSpeak NG synthesizer with recognition off, so `npm start` speaks on a laptop with no AWS account.
 * Synthesis goes through the sentence pipeline and the prompt cache in both modes.
 */
export async function composeSpeech(
  config: Config,
  clock: Clock,
  logger: Logger,
  signals: SpeechCapacitySignals = noSignals,
): Promise<SpeechServices> {
  const region = config.awsRegion === undefined ? {} : { region: config.awsRegion };
  const mode = config.speechMode === 'auto' ? await detectMode(new PollyClient(region), clock) : config.speechMode;
  if (mode === 'offline') {
    logger.warn({ speechMode: config.speechMode }, 'no AWS credentials: speech recognition is off (DTMF works), prompts use the offline synthesizer');
    const offline = new EspeakSpeechSynthesizer();
    await warmUp(offline, logger);
    return { mode, synthesizer: withPipelineAndCache(offline) };
  }
  const pollyClient = new PollyClient(region);
  const polly = new PollySpeechSynthesizer(pollyClient, { engine: config.pollyEngine });
  const requestsPerSecond = config.pollyMaxRequestsPerSecond ?? defaultPollyRequestsPerSecond(config.pollyEngine);
  // Order: cache first (a cached prompt costs no request), then the throttling count (Polly's and
  // the limiter's own refusals), then the process-wide request limiter.
  const limited = watchSynthesizerCapacity(
    new RequestLimitedSynthesizer(
      polly,
      { requestsPerSecond, burst: Math.max(1, Math.floor(requestsPerSecond)), maxWaitMs: config.synthesisTimeoutMs },
      clock,
    ),
    () => signals.pollyThrottled(),
  );
  // Transcribe ends a stream at 4 hours (aws-notes §1): long calls continue on a renewed stream.
  const recognizer = new RenewingRecognizer(
    watchRecognizerCapacity(new TranscribeSpeechRecognizer(new TranscribeStreamingClient(region), { clock, logger }), () =>
      signals.transcribeLimited(),
    ),
    { renewAfterMs: config.transcribeStreamRenewMs, quietWaitMs: Math.min(120_000, (TRANSCRIBE_MAX_STREAM_MS - config.transcribeStreamRenewMs) / 2) },
    clock,
  );
  logger.info({ pollyEngine: config.pollyEngine, pollyMaxRequestsPerSecond: requestsPerSecond }, 'speech: Amazon Transcribe and Amazon Polly');
  return {
    mode,
    recognizer,
    synthesizer: withPipelineAndCache(limited),
    validateVoices: (bots) => validateBotVoices(bots, config.pollyEngine, pollyClient, logger),
  };
}

/**
 * Loads the offline synthesizer at start (it is large and loads in about a second), so the first
 * caller does not wait for it, and says loudly if it is missing: the container image does not ship it.
 */
async function warmUp(synthesizer: SpeechSynthesizer, logger: Logger): Promise<void> {
  try {
    for await (const _chunk of synthesizer.synthesize({ text: 'Hello.', ssml: false, languageCode: 'en-US' }, new AbortController().signal)) {
      // Only loading matters here.
    }
  } catch (error) {
    logger.error(
      { err: error instanceof Error ? error.message : String(error) },
      'offline synthesizer unavailable: calls will be handed back with botOutcome=fallback; provide AWS credentials for Polly',
    );
  }
}

function withPipelineAndCache(synthesizer: SpeechSynthesizer): SpeechSynthesizer {
  return new PipelinedSynthesizer(new PromptCache(synthesizer));
}

async function detectMode(client: PollyClient, clock: Clock): Promise<'aws' | 'offline'> {
  const probe = client.config.credentials().then(
    () => 'aws' as const,
    () => 'offline' as const,
  );
  try {
    return await withTimeout(clock, TUNING.credentialProbeMs, probe, () => 'offline' as const);
  } finally {
    client.destroy();
  }
}
