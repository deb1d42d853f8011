import { describe, expect, it } from 'vitest';
import { parseBenchOptions, stepLevels } from '../../../runtime/tools/bench/bench-options.js';

describe('bench options', () => {
  it('default to a search of both modes with a profiling pass, written to bench-results', () => {
    const options = parseBenchOptions([]);
    if (options === 'help') throw new Error('unexpected help');
    expect(options.modes).toEqual(['bot', 'listen']);
    expect(options.levels.bot).toEqual(stepLevels(250, 4000));
    expect(options.levels.listen).toEqual(stepLevels(250, 8000));
    expect(options).toMatchObject({ rate: 100, windowS: 20, settleS: 5, profile: true, out: 'bench-results', quick: false });
  });

  it('measure the production speech adapters against the local endpoints unless --speech doubles', () => {
    expect(parseBenchOptions([])).toMatchObject({ speech: 'local-endpoints' });
    expect(parseBenchOptions(['--quick'])).toMatchObject({ speech: 'local-endpoints' });
    expect(parseBenchOptions(['--speech', 'doubles'])).toMatchObject({ speech: 'doubles' });
    expect(() => parseBenchOptions(['--speech', 'aws'])).toThrow(/--speech must be local-endpoints or doubles/);
  });

  it('keep --quick small, short and unwritten unless --out is given', () => {
    const quick = parseBenchOptions(['--quick']);
    if (quick === 'help') throw new Error('unexpected help');
    expect(quick.levels).toEqual({ bot: [50, 100], listen: [100, 200] });
    expect(quick).toMatchObject({ windowS: 6, settleS: 2, profile: false, out: undefined });
    expect(parseBenchOptions(['--quick', '--out', 'x'])).toMatchObject({ out: 'x' });
  });

  it('hold one level with --fixed and take mode, rate and duration', () => {
    expect(parseBenchOptions(['--mode', 'listen', '--sessions', '900', '--fixed', '--rate', '50', '--duration', '60'])).toMatchObject({
      modes: ['listen'],
      levels: { listen: [900] },
      rate: 50,
      windowS: 60,
    });
    expect(parseBenchOptions(['--no-profile'])).toMatchObject({ profile: false, nice: 0 });
    expect(parseBenchOptions(['--nice=-10'])).toMatchObject({ nice: -10 });
    expect(parseBenchOptions(['--help'])).toBe('help');
  });

  it('reject what it cannot run', () => {
    expect(() => parseBenchOptions(['--mode', 'both-ways'])).toThrow(/--mode/);
    expect(() => parseBenchOptions(['--sessions', '1.5'])).toThrow(/whole number/);
    expect(() => parseBenchOptions(['--rate', '0'])).toThrow(/--rate/);
    expect(() => parseBenchOptions(['--unknown'])).toThrow();
    expect(() => parseBenchOptions(['--nice=-30'])).toThrow(/--nice/);
  });

  it('step levels up to and including the maximum', () => {
    expect(stepLevels(250, 1000)).toEqual([250, 500, 750, 1000]);
    expect(stepLevels(300, 1000)).toEqual([300, 600, 900, 1000]);
    expect(stepLevels(500, 200)).toEqual([200]);
  });
});
