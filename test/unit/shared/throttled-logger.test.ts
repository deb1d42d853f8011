import { describe, expect, it } from 'vitest';
import { createRootLogger } from '../../../runtime/src/compose/logger.js';
import { BoundLogger } from '../../../runtime/src/shared/bound-logger.js';
import type { Logger } from '../../../runtime/src/shared/logger.js';
import { createThrottledLogger, type LogBudget } from '../../../runtime/src/shared/throttled-logger.js';
import { FakeClock } from '../../support/fake-clock.js';

interface Line {
  readonly level: string;
  readonly bindings: object;
  readonly fields: object;
  readonly msg: string;
}

/** A logger that records every line with the bindings of the child that wrote it. */
function recordingLogger(lines: Line[], bindings: object = {}): Logger {
  const at =
    (level: string) =>
    (fields: object, msg: string): void => {
      lines.push({ level, bindings, fields, msg });
    };
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

const BUDGET: LogBudget = { maxLinesPerWindow: 3, windowMs: 1_000, maxStringChars: 5 };

describe('createThrottledLogger', () => {
  it('passes the budget per window at every level, counts the rest and reports them when the next window opens', () => {
    const lines: Line[] = [];
    const clock = new FakeClock();
    const log = createThrottledLogger(recordingLogger(lines), BUDGET, clock);
    log.trace({}, 'one');
    log.error({}, 'two');
    log.info({}, 'three');
    log.warn({}, 'held back');
    log.debug({}, 'held back too');
    expect(lines.map((line) => `${line.level}:${line.msg}`)).toEqual(['trace:one', 'error:two', 'info:three']);
    expect(log.suppressed).toBe(2);

    clock.advance(1_000);
    log.info({}, 'next window');
    expect(lines.slice(3).map((line) => [line.level, line.msg, line.fields])).toEqual([
      ['warn', 'log lines suppressed', { suppressed: 2, windowMs: 1_000 }],
      ['info', 'next window', {}],
    ]);
    expect(log.suppressed).toBe(2);
  });

  it('spends none of the budget on lines below the level the log writes: a chatty debug path cannot suppress a warning', () => {
    const written: string[] = [];
    const root = createRootLogger('info', { write: (line: string) => void written.push(line) });
    const log = createThrottledLogger(new BoundLogger(root, { sessionId: 's-1' }), BUDGET, new FakeClock());
    for (let i = 0; i < 10; i += 1) log.debug({ frame: i }, 'frame');
    log.warn({}, 'caller gone');
    log.flush();
    const lines = written.map((line) => JSON.parse(line) as { level: string; msg: string });
    expect({ lines: lines.map((line) => `${line.level}:${line.msg}`), suppressed: log.suppressed }).toEqual({ lines: ['warn:caller gone'], suppressed: 0 });
  });

  it('shares one budget with its children, which keep their bindings (cut like fields)', () => {
    const lines: Line[] = [];
    const log = createThrottledLogger(recordingLogger(lines, { sessionId: 's' }), BUDGET, new FakeClock());
    const child = log.child({ component: 'recorder-with-a-long-name' });
    const grandchild = child.child({ part: 'x' });
    log.info({}, 'a');
    child.info({}, 'b');
    grandchild.warn({}, 'c');
    child.info({}, 'over the budget');
    expect(lines.map((line) => [line.msg, line.bindings])).toEqual([
      ['a', { sessionId: 's' }],
      ['b', { sessionId: 's', component: 'recor…(25 chars)' }],
      ['c', { sessionId: 's', component: 'recor…(25 chars)', part: 'x' }],
    ]);
    expect(log.suppressed).toBe(1);
  });

  it('writes the pending summary through the logger flush is called on, once', () => {
    const lines: Line[] = [];
    const log = createThrottledLogger(recordingLogger(lines, { sessionId: 's' }), { ...BUDGET, maxLinesPerWindow: 1 }, new FakeClock());
    const child = log.child({ component: 'c' });
    log.info({}, 'kept');
    child.info({}, 'suppressed');
    child.flush();
    log.flush();
    child.flush();
    expect(lines.map((line) => [line.msg, line.fields, line.bindings])).toEqual([
      ['kept', {}, { sessionId: 's' }],
      ['log lines suppressed', { suppressed: 1, windowMs: 1_000 }, { sessionId: 's', component: 'c' }],
    ]);
  });

  it('cuts long strings in fields, one level into objects and arrays, and leaves short ones and errors alone', () => {
    const lines: Line[] = [];
    const log = createThrottledLogger(recordingLogger(lines), BUDGET, new FakeClock());
    const error = new Error('a long error message');
    const fields = { short: 'abc', long: 'abcdefgh', nested: { deep: 'abcdefgh' }, list: ['abcdefgh', 'ab'], error };
    log.info(fields, 'cut');
    expect(lines[0]?.fields).toEqual({
      short: 'abc',
      long: 'abcde…(8 chars)',
      nested: { deep: 'abcde…(8 chars)' },
      list: ['abcde…(8 chars)', 'ab'],
      error,
    });
    expect(fields.long).toBe('abcdefgh');
  });
});
