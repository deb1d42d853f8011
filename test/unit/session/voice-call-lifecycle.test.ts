import { describe, expect, it } from 'vitest';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import type { SpeechSynthesizer, SynthesisRequest } from '../../../runtime/src/speech/ports.js';
import { createCallHarness, end, say, ScriptedRecognizer, settle } from '../../support/call-harness.js';
import { FakeClock } from '../../support/fake-clock.js';

/**
 * Lifecycle cases the call state machine (session/call-step.ts) decides, seen from the outside:
 * ways a call ends and recognition across pause and resume.
 */

/** Synthesizes every prompt except those whose text is `failing`, which reject at once. */
class SelectivelyFailingSynthesizer implements SpeechSynthesizer {
  private readonly inner: FakeSpeechSynthesizer;

  constructor(
    clock: FakeClock,
    private readonly failing: string,
  ) {
    this.inner = new FakeSpeechSynthesizer({ clock });
  }

  synthesize(request: SynthesisRequest, signal: AbortSignal): AsyncIterable<Uint8Array> {
    if (request.text !== this.failing) return this.inner.synthesize(request, signal);
    return {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('synthesis request rejected')) }),
    };
  }
}

describe('voice call lifecycle', () => {
  // Regression: a failure after the bot's `end` was dropped (the call was already "ending"), so the
  // call was never handed back and waited for the caller to hang up.
  it('hands the call back with the bot outcome when a prompt after its end fails', async () => {
    const clock = new FakeClock();
    const call = await createCallHarness({
      script: { start: [end({ intent: 'billing' }), say('Goodbye')] },
      synthesizer: new SelectivelyFailingSynthesizer(clock, 'Goodbye'),
    });

    await call.runUntil(() => call.controls.disconnects.length > 0, 10_000, 50);

    expect(call.controls.disconnects).toEqual([
      expect.objectContaining({ reason: 'completed', outputVariables: { botOutcome: 'completed', intent: 'billing' } }),
    ]);
  });

  // Regression: a paused call polled every 200 ms for the resume and reopened recognition up to
  // 200 ms late; now no stream opens while paused and one opens as soon as the audio resumes.
  it('opens no recognizer stream while paused and reopens one at once on resume', async () => {
    const recognizer = new ScriptedRecognizer();
    const call = await createCallHarness({ script: { start: [] }, recognizer });
    expect(recognizer.streams).toHaveLength(1);

    call.event({ type: 'paused' });
    await call.run(5_000, 100);
    expect(recognizer.streams).toHaveLength(1);
    expect(recognizer.streams[0]!.ended).toBe(true);

    call.event({ type: 'resumed', startMs: 0, discardedMs: 0 });
    await settle();

    expect(recognizer.streams).toHaveLength(2);
    expect(recognizer.streams[1]!.ended).toBe(false);
  });
});
