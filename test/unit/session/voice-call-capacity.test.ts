import { PollyClient, SynthesizeSpeechCommand, ThrottlingException } from '@aws-sdk/client-polly';
import { LimitExceededException, StartStreamTranscriptionCommand, TranscribeStreamingClient } from '@aws-sdk/client-transcribe-streaming';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { watchRecognizerCapacity, watchSynthesizerCapacity } from '../../../runtime/src/speech/capacity-watch.js';
import { PollySpeechSynthesizer } from '../../../runtime/src/speech/polly/polly-speech-synthesizer.js';
import { TranscribeSpeechRecognizer } from '../../../runtime/src/speech/transcribe/transcribe-speech-recognizer.js';
import { createCallHarness, end, say, type BotScript } from '../../support/call-harness.js';
import { FakeClock } from '../../support/fake-clock.js';

const transcribe = mockClient(TranscribeStreamingClient);
const polly = mockClient(PollyClient);

const menu: BotScript = { start: [say('Hello.')], digits: { '1': [say('Bye.'), end({ intent: 'done' })] } };

afterEach(() => {
  transcribe.reset();
  polly.reset();
});

describe('voice call at a service quota (SDK boundary)', () => {
  it('falls back with fallbackReason=capacity when Transcribe refuses streams with LimitExceededException', async () => {
    transcribe.on(StartStreamTranscriptionCommand).rejects(
      new LimitExceededException({ message: 'You have reached your limit of concurrent streams.', $metadata: {} }),
    );
    let limited = 0;
    const recognizer = watchRecognizerCapacity(
      new TranscribeSpeechRecognizer(new TranscribeStreamingClient({ region: 'eu-west-1' }), { clock: new FakeClock(), keepAliveIntervalMs: 0 }),
      () => (limited += 1),
    );
    const call = await createCallHarness({ script: menu, recognizer, options: { maxRecognizerFailuresPerMinute: 2 } });

    await call.runUntil(() => call.controls.disconnects.length > 0, 20_000, 50);

    expect(call.controls.disconnects).toEqual([
      expect.objectContaining({
        reason: 'completed',
        outputVariables: { botOutcome: 'fallback', fallbackReason: 'capacity', failedDependency: 'recognizer' },
      }),
    ]);
    expect(limited).toBe(3);
  });

  it('falls back with fallbackReason=capacity when Polly throttles every attempt', async () => {
    polly.on(SynthesizeSpeechCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    let throttled = 0;
    const synthesizer = watchSynthesizerCapacity(new PollySpeechSynthesizer(new PollyClient({ region: 'eu-west-1' })), () => (throttled += 1));
    const call = await createCallHarness({ script: menu, synthesizer });

    await call.runUntil(() => call.controls.disconnects.length > 0, 20_000, 50);

    expect(call.controls.disconnects).toEqual([
      expect.objectContaining({
        reason: 'completed',
        outputVariables: { botOutcome: 'fallback', fallbackReason: 'capacity', failedDependency: 'synthesizer' },
      }),
    ]);
    expect(throttled).toBeGreaterThan(0);
  });
});
