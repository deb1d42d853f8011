import { randomUUID } from 'node:crypto';
import type { ServerHttp2Stream } from 'node:http2';
import { delay, type Clock } from '../../../src/shared/clock.js';
import { AwsServiceError, readBody, respondWithError } from '../aws-error.js';
import { encodeException, encodeJsonEvent } from '../event-stream.js';
import type { BedrockControls, ScriptedBlock, ScriptedReply } from './bedrock-controls.js';

export interface ConverseStreamDeps {
  readonly controls: BedrockControls;
  readonly clock: Clock;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** One event of the ConverseStream output union, by member name. */
type StreamEvent = readonly [eventType: string, payload: unknown];

/**
 * Serves one ConverseStream request: validates the body, then streams the scripted reply as the
 * service does (messageStart, per block contentBlockStart/Delta/Stop, messageStop, metadata), the
 * first delta after the time to first token, exceptions as members of the output union.
 */
export async function serveConverseStream(stream: ServerHttp2Stream, modelId: string, deps: ConverseStreamDeps): Promise<void> {
  const { controls, clock } = deps;
  let messages: readonly unknown[];
  try {
    messages = await readMessagesMember(stream);
  } catch (error) {
    if (error instanceof AwsServiceError) return respondWithError(stream, error);
    throw error;
  }
  const request = { modelId, messages: messages.length, state: 'streaming' as 'streaming' | 'completed' | 'abandoned' };
  controls.requests.push(request);
  const fault = controls.takeFault();
  if (fault?.kind === 'throttling') return respondWithError(stream, new AwsServiceError('ThrottlingException', 429, 'Too many requests, please wait before trying again.'));
  const started = clock.now();
  stream.respond({ ':status': 200, 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomUUID() });
  const reply = controls.takeReply();
  const events = replyEvents(reply, JSON.stringify(messages).length, () => Math.round(clock.now() - started));
  let deltas = 0;
  for (const [eventType, payload] of events) {
    if (stream.destroyed) break;
    if (eventType === 'contentBlockDelta') {
      if (fault?.kind === 'midStream' && deltas === fault.afterDeltas) {
        request.state = 'completed';
        stream.end(encodeException(fault.exception, { message: `Injected ${fault.exception}` }));
        return;
      }
      // A zero delay costs no timer tick (about 1 ms each): an instant model writes its deltas at once.
      const waitMs = deltas === 0 ? controls.settings.timeToFirstTokenMs : controls.settings.interDeltaMs;
      if (waitMs > 0) await delay(clock, waitMs);
      deltas++;
    }
    if (!stream.destroyed) stream.write(encodeJsonEvent(eventType, typeof payload === 'function' ? (payload as () => unknown)() : payload));
  }
  request.state = stream.destroyed ? 'abandoned' : 'completed';
  if (!stream.destroyed) stream.end();
}

async function readMessagesMember(stream: ServerHttp2Stream): Promise<readonly unknown[]> {
  let body: unknown;
  try {
    body = JSON.parse((await readBody(stream, MAX_BODY_BYTES)).toString('utf8'));
  } catch {
    throw validation('The request body must be a JSON object of at most 1 MB.');
  }
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw validation('messages must be a non-empty list.');
  return messages as readonly unknown[];
}

/** The event sequence of one reply; the metadata payload is computed when sent (its latency). */
function replyEvents(reply: ScriptedReply, requestChars: number, elapsedMs: () => number): StreamEvent[] {
  const events: StreamEvent[] = [['messageStart', { role: 'assistant' }]];
  let outputChars = 0;
  reply.blocks.forEach((block, index) => {
    const { start, deltas } = blockParts(block);
    if (start !== undefined) events.push(['contentBlockStart', { contentBlockIndex: index, start }]);
    for (const delta of deltas) {
      outputChars += JSON.stringify(delta).length;
      events.push(['contentBlockDelta', { contentBlockIndex: index, delta }]);
    }
    events.push(['contentBlockStop', { contentBlockIndex: index }]);
  });
  const stopReason = reply.stopReason ?? (reply.blocks.some((b) => 'toolUse' in b) ? 'tool_use' : 'end_turn');
  events.push(['messageStop', { stopReason }]);
  // About four characters per token, when the script gives no counts.
  const inputTokens = reply.inputTokens ?? Math.ceil(requestChars / 4);
  const outputTokens = reply.outputTokens ?? Math.ceil(outputChars / 4);
  events.push([
    'metadata',
    () => ({ usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }, metrics: { latencyMs: elapsedMs() } }),
  ]);
  return events;
}

/** Text streams word by word; a tool use's JSON input streams in two pieces after its start event. */
function blockParts(block: ScriptedBlock): { start?: unknown; deltas: unknown[] } {
  if ('text' in block) {
    const words = block.text.match(/\S+\s*/g) ?? [];
    return { deltas: words.map((word) => ({ text: word })) };
  }
  const input = JSON.stringify(block.toolUse.input ?? {});
  const half = Math.ceil(input.length / 2);
  return {
    start: { toolUse: { toolUseId: block.toolUse.toolUseId ?? `tooluse_${randomUUID()}`, name: block.toolUse.name } },
    deltas: [input.slice(0, half), input.slice(half)].filter((part) => part !== '').map((part) => ({ toolUse: { input: part } })),
  };
}

function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', 400, message);
}
