import { describe, expect, it } from 'vitest';
import { createPromptPlayback, type PromptPlayback } from '../../../runtime/src/session/prompt-playback.js';
import { RecordingControls, settle } from '../../support/call-harness.js';
import { FakeClock } from '../../support/fake-clock.js';

const GRACE_MS = 500;
const AHEAD_MS = 1_200;

function setup(): { clock: FakeClock; controls: RecordingControls; playback: PromptPlayback } {
  const clock = new FakeClock();
  const controls = new RecordingControls(clock, { drain: 'manual', audioAheadMs: AHEAD_MS });
  const playback = createPromptPlayback(controls, clock, GRACE_MS);
  return { clock, controls, playback };
}

/** Starts waiting on `done()` and reports whether it has resolved. */
function watch(playback: PromptPlayback): () => boolean {
  let resolved = false;
  void playback.done().then(() => {
    resolved = true;
  });
  return () => resolved;
}

describe('createPromptPlayback', () => {
  it('resolves done() at once when nothing is playing', async () => {
    const { playback } = setup();

    const done = watch(playback);
    await settle();

    expect(done()).toBe(true);
    expect(playback.active).toBe(false);
  });

  it('waits for the drain and then playback_completed once audio was queued', async () => {
    const { controls, playback } = setup();
    playback.audioQueued(true);
    const done = watch(playback);

    controls.drain();
    await settle();
    expect(done()).toBe(false);
    playback.playbackCompleted();
    await settle();

    expect(done()).toBe(true);
    expect(playback.active).toBe(false);
  });

  it('ignores a playback_completed that comes before the drain', async () => {
    const { controls, playback } = setup();
    playback.audioQueued(true);
    const done = watch(playback);

    playback.playbackCompleted();
    await settle();
    expect(done()).toBe(false);
    expect(playback.active).toBe(true);
    controls.drain();
    playback.playbackCompleted();
    await settle();

    expect(done()).toBe(true);
  });

  it('finishes by the fallback timer audioAheadMs plus grace after the drain when playback_completed never comes', async () => {
    const { clock, controls, playback } = setup();
    playback.audioQueued(true);
    const done = watch(playback);
    controls.drain();

    clock.advance(AHEAD_MS + GRACE_MS - 1);
    await settle();
    expect(done()).toBe(false);
    clock.advance(1);
    await settle();

    expect(done()).toBe(true);
    expect(playback.active).toBe(false);
  });

  it('starts no fallback timer before the drain', () => {
    const { clock, playback } = setup();
    playback.audioQueued(true);

    clock.advance((AHEAD_MS + GRACE_MS) * 10);

    expect(playback.active).toBe(true);
  });

  it('resolves every waiter on stop()', async () => {
    const { playback } = setup();
    playback.audioQueued(true);
    const first = watch(playback);
    const second = watch(playback);

    playback.stop();
    await settle();

    expect([first(), second()]).toEqual([true, true]);
    expect(playback.active).toBe(false);
  });

  it('reports whether the prompt now playing is interruptible', () => {
    const { playback } = setup();

    playback.audioQueued(false);
    const whilePlaying = playback.interruptible;
    playback.stop();
    playback.audioQueued(true);

    expect([whilePlaying, playback.interruptible]).toEqual([false, true]);
  });

  it('ignores a drain while nothing is playing', () => {
    const { clock, controls, playback } = setup();

    controls.drain();

    expect(playback.active).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('unsubscribes from drains and resolves waiters on dispose()', async () => {
    const { controls, playback } = setup();
    playback.audioQueued(true);
    const done = watch(playback);

    playback.dispose();
    await settle();

    expect(done()).toBe(true);
    expect(controls.drainListeners).toBe(0);
  });
});

describe('createPromptPlayback: change reports', () => {
  it('reports each start and end of playback (and a change of interruptibility), not every chunk', () => {
    const clock = new FakeClock();
    const controls = new RecordingControls(clock, { drain: 'manual', audioAheadMs: AHEAD_MS });
    const changes: [boolean, boolean][] = [];
    const playback = createPromptPlayback(controls, clock, GRACE_MS, (playing, interruptible) => changes.push([playing, interruptible]));

    playback.audioQueued(true);
    playback.audioQueued(true);
    playback.audioQueued(false);
    playback.stop();
    playback.stop();
    playback.audioQueued(true);
    controls.drain();
    clock.advance(AHEAD_MS + GRACE_MS);

    expect(changes).toEqual([
      [true, true],
      [true, false],
      [false, false],
      [true, true],
      [false, true],
    ]);
  });
});
