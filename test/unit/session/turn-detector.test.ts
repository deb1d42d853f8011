import { describe, expect, it } from 'vitest';
import type { TranscriptEvent } from '../../../runtime/src/speech/ports.js';
import { createTurnDetector, type TurnDetector, type Utterance } from '../../../runtime/src/session/turn-detector.js';
import { FakeClock } from '../../support/fake-clock.js';

const FINAL_WAIT_MS = 800;

function setup(): { clock: FakeClock; detector: TurnDetector; utterances: Utterance[] } {
  const clock = new FakeClock();
  const utterances: Utterance[] = [];
  const detector = createTurnDetector({ finalWaitMs: FINAL_WAIT_MS }, clock, (u) => utterances.push(u));
  return { clock, detector, utterances };
}

const transcript = (kind: 'partial' | 'final', resultId: string, text: string, confidence?: number): TranscriptEvent => ({
  kind,
  resultId,
  text,
  stableText: kind === 'final' ? text : '',
  startMs: 0,
  endMs: 500,
  languageCode: 'en-US',
  ...(confidence === undefined ? {} : { confidence }),
});
const partial = (resultId: string, text: string): TranscriptEvent => transcript('partial', resultId, text);
const final = (resultId: string, text: string, confidence?: number): TranscriptEvent => transcript('final', resultId, text, confidence);

describe('createTurnDetector', () => {
  it('commits the finals and the latest partial as one utterance when speech ends', () => {
    const { detector, utterances } = setup();
    detector.speechStarted();
    detector.transcript(final('r1', 'I want', 0.9));
    detector.transcript(partial('r2', 'to pay'));
    detector.transcript(partial('r2', 'to pay my bill'));
    expect(utterances).toEqual([]);

    detector.speechEnded();

    expect(utterances).toEqual([{ text: 'I want to pay my bill' }]);
  });

  it('gives the utterance the lowest confidence when finals alone made it', () => {
    const { detector, utterances } = setup();
    detector.speechStarted();
    detector.transcript(final('r1', 'pay', 0.9));
    detector.transcript(final('r2', 'my bill', 0.7));

    detector.speechEnded();

    expect(utterances).toEqual([{ text: 'pay my bill', confidence: 0.7 }]);
  });

  it('waits up to finalWaitMs for a final when nothing was transcribed at speech end', () => {
    const { clock, detector, utterances } = setup();
    detector.speechStarted();
    detector.speechEnded();
    clock.advance(FINAL_WAIT_MS - 1);
    expect(utterances).toEqual([]);

    detector.transcript(final('r1', 'billing', 0.8));

    expect(utterances).toEqual([{ text: 'billing', confidence: 0.8 }]);
  });

  it('commits a partial that arrived during the final wait when the wait ends', () => {
    const { clock, detector, utterances } = setup();
    detector.speechStarted();
    detector.speechEnded();
    detector.transcript(partial('r1', 'billing'));
    expect(utterances).toEqual([]);

    clock.advance(FINAL_WAIT_MS);

    expect(utterances).toEqual([{ text: 'billing' }]);
  });

  it('commits nothing when the final wait ends with nothing transcribed', () => {
    const { clock, detector, utterances } = setup();
    detector.speechStarted();
    detector.speechEnded();

    clock.advance(FINAL_WAIT_MS * 2);

    expect(utterances).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not take a final for an already committed partial as a second utterance', () => {
    const { detector, utterances } = setup();
    detector.speechStarted();
    detector.transcript(partial('r1', 'pay my bill'));
    detector.speechEnded();

    detector.transcript(partial('r1', 'pay my bill please'));
    detector.transcript(final('r1', 'pay my bill please', 0.95));

    expect(utterances).toEqual([{ text: 'pay my bill' }]);
  });

  it('commits a final at once while the caller is silent', () => {
    const { detector, utterances } = setup();

    detector.transcript(final('r1', 'agent', 0.6));

    expect(utterances).toEqual([{ text: 'agent', confidence: 0.6 }]);
  });

  it('holds a final while the caller is still speaking', () => {
    const { detector, utterances } = setup();
    detector.speechStarted();

    detector.transcript(final('r1', 'agent'));

    expect(utterances).toEqual([]);
  });

  it('stops the final wait when the caller speaks again', () => {
    const { clock, detector, utterances } = setup();
    detector.speechStarted();
    detector.speechEnded();
    detector.speechStarted();
    detector.transcript(partial('r1', 'billing'));

    clock.advance(FINAL_WAIT_MS * 2);

    expect(utterances).toEqual([]);
  });

  it('drops pending text and the final wait on reset', () => {
    const { clock, detector, utterances } = setup();
    detector.speechStarted();
    detector.transcript(final('r1', 'pay'));
    detector.transcript(partial('r2', 'my bill'));
    detector.reset();
    detector.speechEnded();
    clock.advance(FINAL_WAIT_MS);
    expect(utterances).toEqual([]);

    detector.transcript(final('r3', 'agent'));

    expect(utterances).toEqual([{ text: 'agent' }]);
  });
});
