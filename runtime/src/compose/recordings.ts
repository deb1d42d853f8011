import { S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import type { BotRegistry } from '../bot/bot-definitions.js';
import type { Config } from '../config/schema.js';
import { createRecordingBudget } from '../session/call-capture.js';
import { createCallRecordings, type CallRecordings } from '../session/call-recording.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { createLocalRecordingStore } from '../store/local-recording-store.js';
import type { ParticipantPolicy } from '../store/participant-policy.js';
import type { RecordingObjectStore } from '../store/recording-ports.js';
import { createRecordingUploadQueue, type RecordingUploadQueue } from '../store/recording-upload-queue.js';
import { createS3RecordingStore } from '../store/s3-recording-store.js';
import { TUNING } from './tuning.js';

/** The key prefix of every recording; the task's IAM grant covers only `<bucket>/recordings/*`. */
export const RECORDINGS_PREFIX = 'recordings/';

export interface ComposedRecordings {
  readonly recordings: CallRecordings;
  readonly uploads: RecordingUploadQueue;
  /** `s3://bucket/recordings/` or the local directory, for the start-up log line. */
  readonly target: string;
}

export interface RecordingParts {
  readonly bots: BotRegistry;
  readonly participantPolicy: ParticipantPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onLost: () => void;
  /** Injected in tests (mocked at the SDK boundary); built here when a bucket is configured. */
  readonly s3?: S3Client;
}

/**
 * Call recording: which calls (RECORD_ALL_CALLS or the bot file's `record`), the process-wide buffer
 * budget, the target (S3 with a bucket, else `<LOCAL_DATA_DIR>/recordings`) and the upload queue.
 */
export function composeRecordings(config: Config, parts: RecordingParts): ComposedRecordings {
  const { bots, clock, logger } = parts;
  const budget = createRecordingBudget(config.recordingBufferMb * 1024 * 1024);
  const bucket = config.recordingsBucket;
  const store: RecordingObjectStore =
    bucket === undefined
      ? createLocalRecordingStore(config.localDataDir)
      : createS3RecordingStore(parts.s3 ?? createS3Client(config.awsRegion), bucket, config.recordingsKmsKeyId);
  const uploads = createRecordingUploadQueue({
    store,
    clock,
    logger: logger.child({ component: 'recording-uploads' }),
    options: TUNING.recordingUploads,
    released: (recording) => budget.give(recording.reservedBytes),
    lost: parts.onLost,
  });
  const recordings = createCallRecordings({
    decide: (connectorId) => {
      const bot = bots.get(connectorId);
      if (bot === undefined || !(config.recordAllCalls || bot.voice.record === true)) return { record: false };
      return { record: true, botChannel: !bot.listenOnly };
    },
    limits: { maxDurationMs: config.recordingMaxDurationMs, ...TUNING.recordingEntries },
    budget,
    participantPolicy: parts.participantPolicy,
    prefix: RECORDINGS_PREFIX,
    handoff: (recording) => void uploads.enqueue(recording),
    clock,
  });
  const target = bucket === undefined ? join(config.localDataDir, RECORDINGS_PREFIX) : `s3://${bucket}/${RECORDINGS_PREFIX}`;
  announceRecording(config, bots, target, logger);
  return { recordings, uploads, target };
}

/** Says at start whether calls are recorded, and warns when production would have nowhere to put them. */
function announceRecording(config: Config, bots: BotRegistry, target: string, logger: Logger): void {
  if (!(config.recordAllCalls || bots.connectorIds.some((id) => bots.get(id)?.voice.record === true))) return;
  logger.info({ target, allCalls: config.recordAllCalls }, 'call recording on');
  // On AWS the task's file system is read-only: without the stack's bucket every upload would fail.
  if (config.nodeEnv === 'production' && config.recordingsBucket === undefined) {
    logger.warn({}, 'calls are to be recorded but RECORDINGS_BUCKET is unset: deploy with -c recording=true');
  }
}

/** Fails fast like the DynamoDB client: the upload queue retries, a hanging PutObject must not hold a slot. */
function createS3Client(region: string | undefined): S3Client {
  return new S3Client({ maxAttempts: 2, requestHandler: { connectionTimeout: 2_000, requestTimeout: 30_000 }, ...(region === undefined ? {} : { region }) });
}
