import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws } from '../../../runtime/tools/local-aws/local-aws-server.js';
import { speechLike } from '../../../runtime/tools/support/audio-gen.js';
import { CallerAudioPlayer } from '../../support/caller-audio-player.js';
import { startLocalAwsForTest } from '../../support/local-aws.js';
import { eventually, startTestServer, type TestServer } from '../../support/test-server.js';
import { STEREO, expectSpans, frames, send, spans, speechAt, transcripts } from '../../support/transcription-audio.js';

/**
 * Calls through the production speech wiring: the server is started with SPEECH_MODE=aws and nothing
 * injected, so compose/speech.ts builds the real Transcribe streaming and Polly clients, which find the
 * local endpoints through the SDK's own AWS_ENDPOINT_URL_* variables (as after `npm run aws-local`).
 * Vitest runs each file in its own process, so setting them here is contained.
 */
let aws: LocalAws;
let server: TestServer;
beforeAll(async () => {
  aws = await startLocalAwsForTest({ warmUp: true });
  Object.assign(process.env, aws.environment('us-east-1'));
  // eSpeak behind the local Polly renders a prompt in tens of ms on a quiet machine, but seconds on a
  // busy one: the synthesis deadline is raised so a shared CI host does not turn slowness into fallback.
  server = await startTestServer({ SPEECH_MODE: 'aws', AWS_REGION: 'us-east-1', SYNTHESIS_TIMEOUT_MS: '10000' });
});
afterAll(async () => {
  await server?.close();
  await aws?.close();
});

describe('a call understood end to end over the local AWS endpoints', () => {
  // Waits are generous: on a loaded shared host eSpeak behind the local Polly renders slowly.
  it('hears "billing" from Transcribe, speaks Polly audio and hands back a transfer to Billing', { timeout: 60_000 }, async () => {
    expect(server.app.speech.mode).toBe('aws');
    aws.transcribe.say('billing');
    const client = await server.connect();
    await client.open({ inputVariables: { customerName: 'Ada' } });
    const caller = new CallerAudioPlayer(client).start();
    await eventually(() => client.audio.length > 0, 20_000);
    await eventually(() => !client.playing, 15_000);
    caller.say(speechLike(1_000, { dbfs: -20 }));
    const disconnect = await client.waitFor('disconnect', 15_000);
    caller.stop();
    await client.closed;
    expect(disconnect.parameters).toEqual({
      reason: 'completed',
      outputVariables: { botOutcome: 'transfer', intent: 'billing', transferTo: 'Billing' },
    });
    expect(aws.polly.requests.some((r) => r.text.includes('Hello Ada'))).toBe(true);
    expect(aws.polly.requests.some((r) => r.text.includes('connected to billing'))).toBe(true);
    expect(aws.transcribe.streamsStarted).toBeGreaterThanOrEqual(1);
    expect(aws.transcribe.pendingPhrases).toEqual([]);
    expect(client.violations).toEqual([]);
  });
});

/**
 * A stereo call on the production Transcribe adapter (SPEECH_MODE=aws, the SDK against the local
 * endpoint): both channels go to one stream with channel identification, so a stereo call costs one
 * stream and is billed once, and each result comes back on the channel it was heard on.
 */
describe('stereo transcription over one Transcribe stream with channel identification', () => {
  it('opens one stream for both channels and reports each utterance with its channel, text and offsets', { timeout: 30_000 }, async () => {
    expect(server.app.speech.mode).toBe('aws');
    aws.transcribe.say('i would like to pay my bill', 'let me look that up', 'thank you');
    const streamsBefore = aws.transcribe.streamsStarted;
    const client = await server.connect({ path: '/audiohook/transcription' });
    await client.open({ media: [STEREO], language: 'en-US' });
    const external = speechAt([[300, 1_300], [3_000, 3_800]], 4_600, 1);
    const internal = speechAt([[1_800, 2_600]], 4_600, 7);
    send(client, frames(external, internal), true);
    await client.close();

    expect(aws.transcribe.streamsStarted - streamsBefore).toBe(1);
    expectSpans(
      spans(client).sort((a, b) => a[1] - b[1]),
      [
        [0, 300, 1_300],
        [1, 1_800, 2_600],
        [0, 3_000, 3_800],
      ],
    );
    const finals = transcripts(client).filter((t) => t.isFinal);
    const said = finals.map((t) => [t.channelId, t.alternatives[0].interpretations[0].transcript]);
    expect(said).toEqual(
      expect.arrayContaining([
        [0, 'i would like to pay my bill'],
        [1, 'let me look that up'],
        [0, 'thank you'],
      ]),
    );
    expect(client.violations).toEqual([]);
  });
});
