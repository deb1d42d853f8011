import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { authenticateUpgrade } from '../auth/authenticate-upgrade.js';
import { createNonceReplayCache } from '../auth/nonce-replay-cache.js';
import type { KeyStore } from '../auth/ports.js';
import { createPacedSender } from '../audio/paced-sender.js';
import { loadVadEngine, type VadEngine } from '../audio/vad.js';
import { loadBots, type BotRegistry } from '../bot/bot-definitions.js';
import { createCallRecorderFactory } from '../session/stored-call-recorder.js';
import { composeDataActionKeys, composeKeyStore } from './keys.js';
import { composeLanguageModel, probeCredentials } from './model.js';
import { composeSpeech, type SpeechServices } from './speech.js';
import { composeRecordings } from './recordings.js';
import { VadSegmentRecognizer } from '../speech/offline/vad-segment-recognizer.js';
import { composeStore, type ComposedStore } from './store.js';
import { createDataActionHttpHandler } from '../data-action/node-http-handler.js';
import { createDynamoDbNonceStore, type SharedNonceStore } from '../store/dynamodb-nonce-store.js';
import { createSessionWriter } from '../store/session-writer.js';
import { createThrottledLogger } from '../shared/throttled-logger.js';
import { createWriteBehindQueue, type WriteBehindQueue } from '../store/write-behind-queue.js';
import type { ParticipantPolicy } from '../store/participant-policy.js';
import type { RecordingUploadQueue } from '../store/recording-upload-queue.js';
import type { Config } from '../config/schema.js';
import { DEFAULT_LINGER_MS, LISTENING_MEDIA, TALKING_MEDIA, type SessionOptions } from '../protocol/index.js';
import { createAudioHookServer, type AudioHookServer } from '../server/http-server.js';
import { createServerMetrics, type ServerMetrics } from '../server/server-metrics.js';
import type { UpgradeGateDeps } from '../server/upgrade.js';
import type { CallHandlerFactory } from '../session/ports.js';
import { createMetricsPublisher } from '../server/session-metrics.js';
import { createTaskProtection } from '../server/task-protection.js';
import { createVoiceCallFactory } from '../session/voice-call.js';
import type { Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { SpeechSynthesizer } from '../speech/ports.js';
import type { Logger } from '../shared/logger.js';
import { TUNING } from './tuning.js';

/** The running application: what main.ts starts and stops. */
export interface App {
  readonly server: AudioHookServer;
  readonly keys: KeyStore;
  readonly bots: BotRegistry;
  readonly speech: SpeechServices;
  readonly storage: ComposedStore;
  readonly writeQueue: WriteBehindQueue;
  /** Finished call recordings on their way to S3 or the local directory. */
  readonly recordingUploads: RecordingUploadQueue;
  /** Stops background work (key refresh, metrics) and releases ECS task protection. Call after the drain. */
  stop(): Promise<void>;
}

export interface AppDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The bots directory to use when the config names none. */
  readonly defaultBotsDir: string;
  /** Injected in tests; built here otherwise (one client per process). */
  readonly secretsManager?: SecretsManagerClient;
  /** Injected in tests (a client for a local DynamoDB-compatible server); built here otherwise. */
  readonly dynamoDb?: DynamoDBClient;
  /**
   * Injected in tests and in the benchmark's `--shared-nonces off`; otherwise the DynamoDB nonce
   * store for a configured table, and none for the embedded one (the task's own cache only).
   */
  readonly sharedNonces?: SharedNonceStore;
  /** Injected in tests and the benchmark; chosen from the environment otherwise (AWS or offline). */
  readonly speech?: SpeechServices;
  /** Injected in tests (mocked at the SDK boundary); built here when an `llm` bot needs it. */
  readonly bedrock?: BedrockRuntimeClient;
  /** Injected in tests (mocked at the SDK boundary); built here when RECORDINGS_BUCKET is set. */
  readonly s3?: S3Client;
  /** Where embedded-metric-format lines go; absent = metrics are not published. */
  readonly writeMetricLine?: (line: string) => void;
}

/**
 * The composition root: the only place that builds SDK clients and concrete adapters and wires them
 * into the server. Everything it builds gets only the slice of config it needs.
 */
export async function createApp(config: Config, deps: AppDeps): Promise<App> {
  const { clock, logger } = deps;
  const keys = composeKeyStore(config, { ...deps, developmentKeys: 'allowed' });
  await keys.start();
  const dataActionKeys = composeDataActionKeys(config, { ...deps, developmentKeys: 'allowed' });
  await dataActionKeys.start();
  const metrics = createServerMetrics();
  const speech = deps.speech ?? (await composeSpeech(config, clock, logger, metrics));
  const bots = await composeBots(config, deps, speech, metrics);
  const vad = await loadVadEngine();
  // POLLY_ENGINE x voice of every bot that speaks; refuses to start naming each bad pair.
  await speech.validateVoices?.(speakingBotVoices(bots));
  const taskProtection = createTaskProtection({ agentUri: config.ecsAgentUri, clock, logger });
  const storage = await composeStore({
    ...(config.sessionTableName === undefined ? {} : { tableName: config.sessionTableName }),
    retentionDays: config.sessionTtlDays,
    localDataDir: config.localDataDir,
    ...(config.awsRegion === undefined ? {} : { region: config.awsRegion }),
    ...(deps.dynamoDb === undefined ? {} : { client: deps.dynamoDb }),
    clock,
    logger,
  });
  const writeQueue = composeWriteQueue(config, clock, logger);
  const participantPolicy = participantPolicyOf(config);
  const recording = composeRecordings(config, {
    bots,
    participantPolicy,
    clock,
    logger,
    onLost: () => metrics.recordingLost(),
    ...(deps.s3 === undefined ? {} : { s3: deps.s3 }),
  });
  const authenticate = composeAuthentication(config, keys, deps.sharedNonces ?? sharedNoncesOf(storage, clock), clock, logger);
  const sessionOptions: SessionOptions = {
    openTimeoutMs: config.openTimeoutMs,
    closeTimeoutMs: config.closeTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    lingerMs: DEFAULT_LINGER_MS,
    supportedLanguages: [],
  };
  const connectorSessionOptions = sessionOptionsByConnector(bots, sessionOptions, speech.recognizer?.languages);

  const server = createAudioHookServer({
    options: {
      maxSessions: config.maxSessions,
      maxConnections: config.maxConnections,
      keepAliveTimeoutMs: config.httpKeepAliveTimeoutMs,
      inboundLimits: { messagesPerSecond: config.inboundMessagesPerSecond, audioSpeedLimit: config.inboundAudioSpeedLimit },
      authFailureDelayMs: config.authFailureDelayMs,
      maxPayloadBytes: TUNING.maxPayloadBytes,
      headersTimeoutMs: TUNING.headersTimeoutMs,
      session: sessionOptions,
      closingBudgetMs: TUNING.closingBudgetMs,
    },
    clock,
    logger,
    authenticate,
    connectors: bots,
    keysReadiness: () => keys.readiness(),
    sessionOptionsFor: (connectorId) => connectorSessionOptions.get(connectorId) ?? sessionOptions,
    createWriter: (sink) =>
      createPacedSender(sink, { packetBytes: config.audioPacketBytes, maxLeadMs: config.audioMaxLeadMs }, clock, logger),
    createCall: composeVoiceCalls(config, { bots, speech, vad, clock, logger, metrics, storage, writeQueue, participantPolicy }),
    recordings: recording.recordings,
    dataAction: createDataActionHttpHandler({
      keys: dataActionKeys,
      bots,
      store: storage.store,
      clock,
      logger: logger.child({ route: 'dataAction' }),
      options: { authFailureDelayMs: config.authFailureDelayMs, logCallerData: config.logCallerData },
    }),
    onSessionCountChange: (active) => taskProtection.update(active),
    onSessionEnded: (summary) => metrics.sessionEnded(summary),
    onConnectionRefused: () => metrics.connectionRefused(),
  });

  preloadFallbackPrompt(bots, speech.synthesizer, config.fallbackPrompt, logger);

  const publisher =
    deps.writeMetricLine === undefined
      ? undefined
      : createMetricsPublisher({
          namespace: config.metricsNamespace,
          clock,
          intervalMs: TUNING.metricsIntervalMs,
          write: deps.writeMetricLine,
          sample: () => metrics.sample(server.activeSessions),
          logger,
        });

  return {
    server,
    keys,
    bots,
    speech,
    storage,
    writeQueue,
    recordingUploads: recording.uploads,
    async stop() {
      keys.stop();
      dataActionKeys.stop();
      publisher?.stop();
      // Session records still queued land before exit (bounded), then the local table closes.
      // Recordings waiting for S3 get their own (parallel) budget within the task's stop timeout.
      await Promise.all([writeQueue.flush(TUNING.writeQueueFlushMs), recording.uploads.flush(TUNING.recordingFlushMs)]);
      writeQueue.close();
      recording.uploads.close();
      await storage.close();
      await taskProtection.release();
    },
  };
}

/**
 * Synthesizes the fallback prompt once per bot voice at start, so the prompt cache can play it when
 * the speech service itself is what failed. Runs in the background; a failure is only logged.
 */
function preloadFallbackPrompt(bots: BotRegistry, synthesizer: SpeechSynthesizer, text: string, logger: Logger): void {
  const voices = new Map<string, { languageCode: string; voice?: string }>();
  for (const id of bots.connectorIds) {
    const bot = bots.get(id);
    if (bot === undefined || bot.listenOnly) continue;
    const voice = bot.voice.voices[bot.voice.language];
    voices.set(`${bot.voice.language}/${voice ?? ''}`, { languageCode: bot.voice.language, ...(voice === undefined ? {} : { voice }) });
  }
  for (const target of voices.values()) {
    void (async () => {
      for await (const _chunk of synthesizer.synthesize({ text, ssml: false, ...target }, new AbortController().signal)) {
        // Draining fills the prompt cache.
      }
    })().catch((error: unknown) => logger.warn({ err: toError(error).message, ...target }, 'fallback prompt not preloaded'));
  }
}

/**
 * Session options per connector: `opened.supportedLanguages` lists that connector's bot's languages
 * (its default and every language it has a voice for), and media selection takes only offers the bot
 * can use (a bot that talks answers in mono PCMU; a listen-only one decodes L16 and stereo too).
 */
function sessionOptionsByConnector(
  bots: BotRegistry,
  base: SessionOptions,
  recognizerLanguages: ReadonlySet<string> | undefined,
): Map<string, SessionOptions> {
  const byConnector = new Map<string, SessionOptions>();
  for (const id of bots.connectorIds) {
    const bot = bots.get(id);
    if (bot === undefined) continue;
    // A transcription connector offers what it can transcribe: its file's list, else the recognizer's.
    const offered =
      bot.transcription === undefined
        ? [bot.voice.language, ...Object.keys(bot.voice.voices)]
        : [...(bot.transcription.languages ?? recognizerLanguages ?? [bot.voice.language])];
    const languages = [...new Set(offered)].sort();
    byConnector.set(id, Object.freeze({ ...base, supportedLanguages: languages, media: bot.listenOnly ? LISTENING_MEDIA : TALKING_MEDIA }));
  }
  return byConnector;
}

/** The voices of every bot that speaks, for the POLLY_ENGINE check at start. */
function speakingBotVoices(bots: BotRegistry): { connectorId: string; languages: string[]; voices: Readonly<Record<string, string>> }[] {
  return bots.connectorIds.flatMap((connectorId) => {
    const bot = bots.get(connectorId);
    if (bot === undefined || bot.listenOnly) return [];
    return [{ connectorId, languages: [bot.voice.language, ...Object.keys(bot.voice.voices)], voices: bot.voice.voices }];
  });
}

/** The bot files; an llm bot's model client is built only when one exists. */
async function composeBots(config: Config, deps: AppDeps, speech: SpeechServices, metrics: ServerMetrics): Promise<BotRegistry> {
  const { clock, logger } = deps;
  const bots = await loadBots(config.botsDir ?? deps.defaultBotsDir, {
    clock,
    // Offline speech (no credentials found, or SPEECH_MODE=offline) means no AWS for Bedrock either;
    // only injected speech leaves it open, and then the credential chain is asked.
    model: () =>
      composeLanguageModel(config, {
        clock,
        logger,
        ...(deps.bedrock === undefined ? {} : { client: deps.bedrock }),
        hasCredentials: () =>
          speech.mode === 'custom' ? probeCredentials(config, clock) : Promise.resolve(speech.mode === 'aws'),
      }),
    onModelUsage: (_connectorId, usage) => metrics.modelTokens(usage.inputTokens, usage.outputTokens),
  });
  logger.info({ connectorIds: bots.connectorIds }, 'bots loaded');
  for (const bot of bots.disabled) logger.warn({ connectorId: bot.connectorId, file: bot.file, reason: bot.reason }, 'bot disabled');
  return bots;
}

/** With a real session table, nonces are shared by every task (a replay to another task is refused). */
function sharedNoncesOf(storage: ComposedStore, clock: Clock): SharedNonceStore | undefined {
  return storage.nonceClient === undefined ? undefined : createDynamoDbNonceStore({ client: storage.nonceClient, tableName: storage.tableName, clock });
}

/** Upgrade authentication: API key and signature, nonces in this process and, when given, in the shared store. */
function composeAuthentication(
  config: Config,
  keys: KeyStore,
  sharedNonces: SharedNonceStore | undefined,
  clock: Clock,
  logger: Logger,
): UpgradeGateDeps['authenticate'] {
  const replayCache = createNonceReplayCache({ clock });
  const nonceLog = createThrottledLogger(logger.child({ component: 'nonce-store' }), { maxLinesPerWindow: 1, windowMs: 60_000, maxStringChars: 64 }, clock);
  const onSharedNoncesUnavailable = (): void => {
    nonceLog.warn({ code: 'ERR_AUTH_NONCE_STORE_UNAVAILABLE' }, 'shared nonce store unavailable: upgrade accepted on the local replay cache');
  };
  const options = { clockSkewMs: config.signatureClockSkewMs, maxSignatureAgeMs: config.signatureMaxAgeMs };
  return (request) =>
    authenticateUpgrade(request, {
      keys,
      replayCache,
      ...(sharedNonces === undefined ? {} : { sharedNonces, onSharedNoncesUnavailable }),
      clock,
      options,
    });
}

/** How caller data (ANI, names) is kept: PARTICIPANT_DATA_POLICY, hashed with the salt when one is set. */
function participantPolicyOf(config: Config): ParticipantPolicy {
  return {
    mode: config.participantDataPolicy,
    ...(config.participantHashSalt === undefined ? {} : { salt: new TextEncoder().encode(config.participantHashSalt) }),
  };
}

/** Session and conversation writes, sized so that every session the process may hold can close at once. */
function composeWriteQueue(config: Config, clock: Clock, logger: Logger): WriteBehindQueue {
  return createWriteBehindQueue({
    clock,
    logger: logger.child({ component: 'write-behind' }),
    options: {
      maxConcurrent: TUNING.writeQueueMaxConcurrent,
      maxQueued: Math.max(TUNING.writeQueueMinQueued, config.maxSessions * TUNING.writeQueueSlotsPerSession),
    },
  });
}

interface VoiceCallParts {
  readonly bots: BotRegistry;
  readonly speech: SpeechServices;
  readonly vad: VadEngine;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  readonly storage: ComposedStore;
  readonly writeQueue: WriteBehindQueue;
  readonly participantPolicy: ParticipantPolicy;
}

/** The voice call of every session: bot, speech, VAD and the session record's writer. */
function composeVoiceCalls(config: Config, parts: VoiceCallParts): CallHandlerFactory {
  const { bots, speech, vad, clock, logger, metrics, storage, writeQueue, participantPolicy } = parts;
  // Without a recognizer (offline), Transcription Connector calls still get utterances with their
  // true times from the VAD, each marked as a placeholder (no words are recognized).
  if (speech.recognizer === undefined && bots.connectorIds.some((id) => bots.get(id)?.transcription !== undefined)) {
    logger.warn({ speechMode: speech.mode }, 'no speech recognizer: transcription connectors send VAD-segmented placeholder transcripts');
  }
  return createVoiceCallFactory({
    bots,
    ...(speech.recognizer === undefined ? {} : { recognizer: speech.recognizer }),
    transcriptionRecognizer: speech.recognizer ?? new VadSegmentRecognizer(vad),
    synthesizer: speech.synthesizer,
    vad,
    clock,
    metrics,
    recorders: createCallRecorderFactory({
      store: storage.store,
      writer: createSessionWriter(storage.store, writeQueue),
      participantPolicy,
      clock,
      logger,
      resumeTimeoutMs: TUNING.conversationResumeTimeoutMs,
      conversationWriteIntervalMs: config.conversationWriteIntervalMs,
    }),
    options: {
      endOfTurnSilenceMs: config.endOfTurnSilenceMs,
      finalTranscriptWaitMs: TUNING.finalTranscriptWaitMs,
      bargeInOnsetMs: config.bargeInOnsetMs,
      playbackGraceMs: TUNING.playbackGraceMs,
      fallbackPrompt: config.fallbackPrompt,
      maxRecognizerFailuresPerMinute: TUNING.maxRecognizerFailuresPerMinute,
      logCallerData: config.logCallerData,
      synthesisFirstAudioTimeoutMs: config.synthesisTimeoutMs,
    },
  });
}
