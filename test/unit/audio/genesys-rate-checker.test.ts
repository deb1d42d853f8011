import { describe, expect, it } from 'vitest';
import { checkGenesysRates, type SendKind, type SendRecord } from '../../../runtime/tools/support/genesys-rate-checker.js';

const at = (atMs: number, kind: SendKind, bytes = kind === 'binary' ? 3200 : 40, endsPrompt?: boolean): SendRecord => ({
  atMs,
  kind,
  bytes,
  ...(endsPrompt === undefined ? {} : { endsPrompt }),
});

const every = (count: number, intervalMs: number, kind: SendKind, startMs = 0): SendRecord[] =>
  Array.from({ length: count }, (_, i) => at(startMs + i * intervalMs, kind));

describe('checkGenesysRates', () => {
  it('accepts an empty record', () => {
    expect(checkGenesysRates([])).toEqual([]);
  });

  it('accepts a burst of 25 binary messages', () => {
    expect(checkGenesysRates(every(25, 0, 'binary'))).toEqual([]);
  });

  it('flags the 26th binary message of a burst', () => {
    expect(checkGenesysRates(every(26, 0, 'binary'))).toEqual([{ index: 25, atMs: 0, rule: 'binaryRate' }]);
  });

  it('accepts binary messages at exactly 5 per second forever', () => {
    expect(checkGenesysRates(every(1000, 200, 'binary'))).toEqual([]);
  });

  it('flags binary messages sustained above 5 per second once the burst is spent', () => {
    const violations = checkGenesysRates(every(200, 100, 'binary'));
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.rule === 'binaryRate')).toBe(true);
    expect(violations[0]!.index).toBeGreaterThan(25);
  });

  it('flags the 26th text message of a burst', () => {
    expect(checkGenesysRates(every(26, 1, 'text'))).toEqual([{ index: 25, atMs: 25, rule: 'textRate' }]);
  });

  it('keeps separate budgets for text and binary', () => {
    const sends = [...every(25, 0, 'text'), ...every(25, 0, 'binary')];
    expect(checkGenesysRates(sends)).toEqual([]);
  });

  it('flags the fifth pause of a burst', () => {
    expect(checkGenesysRates(every(5, 0, 'pause'))).toEqual([{ index: 4, atMs: 0, rule: 'pauseRate' }]);
  });

  it('flags resumes faster than 2 per second', () => {
    const violations = checkGenesysRates(every(20, 200, 'resume'));
    expect(violations.map((v) => v.rule)).toContain('resumeRate');
  });

  it('counts pause and resume against the text budget too', () => {
    const sends = [...every(23, 0, 'text'), at(0, 'pause'), at(0, 'resume'), at(0, 'pause')];
    expect(checkGenesysRates(sends)).toEqual([{ index: 25, atMs: 0, rule: 'textRate' }]);
  });

  it('flags a binary message smaller than 1600 bytes that does not end a prompt', () => {
    expect(checkGenesysRates([at(0, 'binary', 1599)])).toEqual([{ index: 0, atMs: 0, rule: 'binaryTooSmall' }]);
  });

  it('accepts a short binary message that ends a prompt', () => {
    expect(checkGenesysRates([at(0, 'binary', 10, true)])).toEqual([]);
  });

  it('flags a binary message larger than 64000 bytes even at the end of a prompt', () => {
    expect(checkGenesysRates([at(0, 'binary', 64_001, true)])).toEqual([{ index: 0, atMs: 0, rule: 'binaryTooLarge' }]);
  });

  it('flags a text message longer than 65535 characters', () => {
    expect(checkGenesysRates([at(0, 'text', 65_536)])).toEqual([{ index: 0, atMs: 0, rule: 'textTooLarge' }]);
  });

  it('flags a record whose time goes backwards', () => {
    expect(checkGenesysRates([at(10, 'text'), at(5, 'text')])).toEqual([{ index: 1, atMs: 5, rule: 'timeWentBackwards' }]);
  });

  it('reports every violation, not only the first', () => {
    const sends = [...every(27, 0, 'binary'), at(0, 'binary', 100)];
    expect(checkGenesysRates(sends).map((v) => v.rule)).toEqual(['binaryRate', 'binaryRate', 'binaryRate', 'binaryTooSmall']);
  });

  it('checks against custom limits when given', () => {
    const limits = {
      binary: { perSecond: 1, burst: 1 },
      text: { perSecond: 1, burst: 1 },
      pause: { perSecond: 1, burst: 1 },
      resume: { perSecond: 1, burst: 1 },
      minBinaryBytes: 1,
      maxBinaryBytes: 10,
      maxTextChars: 100,
    };
    expect(checkGenesysRates(every(2, 0, 'text'), limits)).toEqual([{ index: 1, atMs: 0, rule: 'textRate' }]);
  });
});
