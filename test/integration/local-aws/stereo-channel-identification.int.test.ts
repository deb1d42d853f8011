import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws } from '../../../runtime/tools/local-aws/local-aws-server.js';
import { startLocalAwsForTest } from '../../support/local-aws.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { STEREO, expectSpans, frames, send, spans, speechAt, transcripts } from '../../support/transcription-audio.js';

/**
 * A stereo call on the production Transcribe adapter (SPEECH_MODE=aws, the SDK against the local
 * endpoint): both channels go to one stream with channel identification, so a stereo call costs one
 * stream and is billed once, and each result comes back on the channel it was heard on.
 */
describe('stereo transcription over one Transcribe stream with channel identification', () => {
  let aws: LocalAws;
  let server: TestServer;
  beforeAll(async () => {
    aws = await startLocalAwsForTest({ warmUp: true });
    Object.assign(process.env, aws.environment('us-east-1'));
    server = await startTestServer({ SPEECH_MODE: 'aws', AWS_REGION: 'us-east-1' });
  });
  afterAll(async () => {
    await server?.close();
    await aws?.close();
  });

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
