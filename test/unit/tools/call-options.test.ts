import { describe, expect, it } from 'vitest';
import { parseCallOptions } from '../../../runtime/tools/simulator/call-options.js';

describe('npm run call options', () => {
  it('defaults to a call against npm start with the development keys', () => {
    const parsed = parseCallOptions([]);
    expect(parsed).toMatchObject({ ok: true, value: { url: 'ws://127.0.0.1:8080/audiohook/default', maxMs: 60_000, dtmf: '', probe: false } });
  });

  it('reads every option', () => {
    const parsed = parseCallOptions(['--max-seconds', '2.5', '--dtmf', '12#', '--input', 'a=b=c', '--url', 'wss://x/audiohook/account']);
    expect(parsed).toMatchObject({ ok: true, value: { maxMs: 2_500, dtmf: '12#', inputVariables: { a: 'b=c' }, url: 'wss://x/audiohook/account' } });
  });

  it.each([['abc'], [''], ['0'], ['-3'], ['Infinity']])('rejects --max-seconds %j', (value) => {
    const parsed = parseCallOptions([`--max-seconds=${value}`]);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toEqual([expect.stringContaining('--max-seconds expects a number of seconds above 0')]);
  });

  it('reports every bad value together, and unknown options and stray arguments', () => {
    const parsed = parseCallOptions(['--dtmf', '9a', '--url', 'http://x', '--input', '=v']);
    expect(parsed.ok ? [] : parsed.problems).toHaveLength(3);
    expect(parsed.ok).toBe(false);
    expect(parseCallOptions(['--nope']).ok).toBe(false);
    expect(parseCallOptions(['stray']).ok).toBe(false);
  });
});
