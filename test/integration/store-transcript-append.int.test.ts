import { BatchWriteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createListenBot } from '../../runtime/src/bot/listen/listen-bot.js';
import { listenDefinitionSchema } from '../../runtime/src/bot/listen/listen-definition.js';
import type { BotConversation, BotState } from '../../runtime/src/bot/ports.js';
import type { CallRecorder } from '../../runtime/src/session/call-recorder.js';
import { createCallRecorderFactory } from '../../runtime/src/session/stored-call-recorder.js';
import { silentLogger } from '../../runtime/src/shared/logger.js';
import { readConversationTranscript } from '../../runtime/src/store/conversation-transcript.js';
import { createDynamoDbSessionStore, toDocumentClient } from '../../runtime/src/store/dynamodb-session-store.js';
import type { SessionStore } from '../../runtime/src/store/ports.js';
import { createSessionWriter } from '../../runtime/src/store/session-writer.js';
import { createWriteBehindQueue, type WriteBehindQueue } from '../../runtime/src/store/write-behind-queue.js';
import { FakeClock } from '../support/fake-clock.js';
import { startDynalite, type TestDynalite } from '../support/dynalite.js';
import { DYNAMODB_ITEM_LIMIT_BYTES, dynamoItemBytes } from '../support/item-size.js';
import { conversation } from '../unit/store/store-builders.js';

/** One item the store sent to DynamoDB (a put, or one put of a batch), with its size as DynamoDB counts it. */
interface SentItem {
  readonly sk: string;
  readonly bytes: number;
}

/** A document client on dynalite that records every item it is asked to write. */
function recordingClient(dynalite: TestDynalite, sent: SentItem[]): DynamoDBDocumentClient {
  const doc = toDocumentClient(dynalite.newClient());
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  const record = (item: Record<string, unknown> | undefined): void => {
    if (item !== undefined) sent.push({ sk: String(item.sk), bytes: dynamoItemBytes(item) });
  };
  doc.send = ((command: unknown) => {
    if (command instanceof PutCommand) record(command.input.Item);
    if (command instanceof BatchWriteCommand) {
      for (const requests of Object.values(command.input.RequestItems ?? {})) for (const r of requests) record(r.PutRequest?.Item);
    }
    return send(command);
  }) as typeof doc.send;
  return doc;
}

/** What each conversation checkpoint wrote: the items since the previous state write, the state item included. */
function checkpoints(sent: readonly SentItem[]): { items: number; bytes: number; stateBytes: number }[] {
  const out: { items: number; bytes: number; stateBytes: number }[] = [];
  let items = 0;
  let bytes = 0;
  for (const item of sent) {
    if (item.sk.startsWith('SESSION#')) continue;
    items += 1;
    bytes += item.bytes;
    if (item.sk === 'STATE') {
      out.push({ items, bytes, stateBytes: item.bytes });
      items = 0;
      bytes = 0;
    }
  }
  return out;
}

/** Utterance `i` of a synthetic Monitor call: Japanese with emoji (3 and 4 bytes per character in UTF-8). */
function utterance(i: number): string {
  const phrases = ['お電話ありがとうございます。ご用件をお伺いします。😀', '請求書の金額について確認したいのですが。🙏', '少々お待ちください。お調べいたします。📄'];
  return `${phrases[i % phrases.length]!.repeat(3)}（${i}）`;
}

const CHECKPOINT_MS = 15_000;
/** Two hours, one final result every 4.8 s: 1,500 utterances. */
const UTTERANCES = 1_500;
const EVERY_MS = (2 * 60 * 60 * 1_000) / UTTERANCES;

let dynalite: TestDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.close();
});

describe('listen-only transcript stored append-only (dynalite)', () => {
  let clock: FakeClock;
  let sent: SentItem[];
  let store: SessionStore;
  let queue: WriteBehindQueue;

  beforeEach(async () => {
    clock = new FakeClock();
    sent = [];
    store = createDynamoDbSessionStore({ client: recordingClient(dynalite, sent), tableName: await dynalite.createTable(), clock });
    queue = createWriteBehindQueue({ clock, logger: silentLogger });
  });

  /** A listen-only call as the voice route runs it: bot turns recorded through the write-behind queue. */
  function startCall(conversationId: string, persisted?: BotState): { bot: BotConversation; recorder: CallRecorder } {
    const recorder = createCallRecorderFactory({
      store,
      writer: createSessionWriter(store, queue),
      participantPolicy: { mode: 'drop' },
      clock,
      logger: silentLogger,
      resumeTimeoutMs: 1_000,
      conversationWriteIntervalMs: CHECKPOINT_MS,
    })({
      conversationId,
      sessionId: `${conversationId}-session`,
      connectorId: 'listen',
      organizationId: 'org-1',
      participant: { ani: '', aniName: '', dnis: '' },
      inputVariables: {},
      language: 'ja-JP',
    });
    const definition = listenDefinitionSchema.parse({ type: 'listen' });
    const bot = createListenBot('listen', definition, clock).startConversation(
      { conversationId, connectorId: 'listen', language: 'ja-JP', inputVariables: {} },
      persisted,
    );
    return { bot, recorder };
  }

  async function hear(call: { bot: BotConversation; recorder: CallRecorder }, text: string): Promise<void> {
    const turn = await call.bot.turn({ type: 'text', text, speaker: 'caller' }, new AbortController().signal);
    call.recorder.turnTaken({
      botState: call.bot.state(),
      outputVariables: {},
      ended: false,
      language: 'ja-JP',
      ...(turn.transcript === undefined ? {} : { transcript: turn.transcript.lines }),
    });
    clock.advance(EVERY_MS);
    await queue.flush(60_000);
  }

  it('reads a two-hour multibyte transcript back whole and in order, and no checkpoint writes more as the call grows', async () => {
    const call = startCall('two-hours');
    for (let i = 0; i < UTTERANCES; i++) await hear(call, utterance(i));
    call.recorder.ended({ outcome: 'callerHungUp', outputVariables: {}, turnCount: UTTERANCES });
    expect(await queue.flush(60_000)).toBe(true);

    const transcript = await readConversationTranscript(store, 'two-hours');
    expect(transcript.map((line) => line.seq)).toEqual(Array.from({ length: UTTERANCES }, (_, i) => i));
    expect(transcript.map((line) => line.text)).toEqual(Array.from({ length: UTTERANCES }, (_, i) => utterance(i)));
    expect(queue.stats()).toMatchObject({ dropped: 0, failed: 0 });

    const writes = checkpoints(sent);
    expect(writes.length).toBeGreaterThanOrEqual((2 * 60 * 60 * 1_000) / CHECKPOINT_MS - 1);
    const quarter = Math.floor(writes.length / 4);
    const early = writes.slice(1, quarter);
    const late = writes.slice(-quarter, -1);
    const max = (values: readonly number[]): number => Math.max(...values);
    // The state item does not grow: it holds counters, not the transcript.
    expect(max(writes.map((w) => w.stateBytes))).toBeLessThan(1_024);
    expect(max(late.map((w) => w.stateBytes))).toBeLessThanOrEqual(max(early.map((w) => w.stateBytes)) + 8);
    // A checkpoint writes the lines since the previous one plus the state: the same at the end as near the start.
    expect(max(late.map((w) => w.items))).toBeLessThanOrEqual(max(early.map((w) => w.items)));
    expect(max(late.map((w) => w.bytes))).toBeLessThanOrEqual(max(early.map((w) => w.bytes)) * 1.05);
    expect(max(writes.map((w) => w.bytes))).toBeLessThan(8 * 1_024);
    // Every line was written once, and nothing went to chunk items.
    expect(sent.filter((item) => item.sk.startsWith('TRANSCRIPT#'))).toHaveLength(UTTERANCES);
    expect(sent.some((item) => item.sk.startsWith('CHUNK#'))).toBe(false);
    for (const item of sent) expect(item.bytes).toBeLessThan(DYNAMODB_ITEM_LIMIT_BYTES);
    // For the report: what the checkpoints wrote.
    console.info(JSON.stringify({ checkpoints: writes.length, first: writes[1], last: writes.at(-2), maxBytes: max(writes.map((w) => w.bytes)) }));
  }, 120_000);

  it('continues a conversation whose older state holds its utterances inline, losing none of them', async () => {
    const legacy = {
      version: 1,
      utterances: [
        { text: '最初の発言です😀', atEpochMs: 1, speaker: 'caller' },
        { text: '二番目の発言です', atEpochMs: 2, speaker: 'agent' },
      ],
      storedChars: 16,
      droppedUtterances: 0,
      truncated: false,
    };
    await store.putConversation(conversation({ conversationId: 'legacy', connectorId: 'listen', botState: legacy, organizationId: 'org-1' }));
    // Read before the conversation continues: the inline lines are the transcript.
    expect((await readConversationTranscript(store, 'legacy')).map((l) => l.text)).toEqual(['最初の発言です😀', '二番目の発言です']);

    const call = startCall('legacy', legacy);
    await hear(call, '三番目の発言です');
    call.recorder.ended({ outcome: 'completed', outputVariables: {}, turnCount: 1 });
    expect(await queue.flush(60_000)).toBe(true);

    const state = await store.getConversation('legacy');
    expect(state?.botState).toEqual({ version: 2, lines: 3, storedChars: 24, droppedUtterances: 0, truncated: false });
    expect((await readConversationTranscript(store, 'legacy')).map((l) => [l.seq, l.text])).toEqual([
      [0, '最初の発言です😀'],
      [1, '二番目の発言です'],
      [2, '三番目の発言です'],
    ]);
  });
});
