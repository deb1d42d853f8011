import { describe, expect, it } from 'vitest';
import { createRootLogger } from '../../../runtime/src/compose/logger.js';
import { BoundLogger } from '../../../runtime/src/shared/bound-logger.js';
import type { Logger } from '../../../runtime/src/shared/logger.js';

/** The real root logger (pino), its JSON lines parsed, the timestamp dropped. */
function rootLogger(level = 'trace'): { readonly logger: Logger; readonly lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  const logger = createRootLogger(level, { write: (line: string) => void written.push(line) });
  const lines = (): Record<string, unknown>[] =>
    written.map((line) => {
      const { time: _time, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
  return { logger, lines };
}

const SESSION = { sessionId: 's-1', orgId: 'o-1', connectorId: 'listen' };

describe('BoundLogger', () => {
  it('writes the same lines as a pino child with the same bindings, at every level', () => {
    const viaChild = rootLogger();
    const viaBound = rootLogger();
    const child = viaChild.logger.child(SESSION);
    const bound = new BoundLogger(viaBound.logger, SESSION);
    for (const log of [child, bound]) {
      log.trace({ step: 1 }, 'trace line');
      log.debug({ step: 2 }, 'debug line');
      log.info({ step: 3, nested: { a: 'b' } }, 'info line');
      log.warn({}, 'warn line');
      log.error({ err: new Error('boom') }, 'error line');
    }
    expect(viaBound.lines()).toEqual(viaChild.lines());
    expect(viaBound.lines()).toHaveLength(5);
    expect(viaBound.lines()[2]).toMatchObject({ level: 'info', sessionId: 's-1', orgId: 'o-1', step: 3, msg: 'info line' });
  });

  it('adds a child’s bindings to its own, without a logger per child in the target', () => {
    const root = rootLogger();
    const children: object[] = [];
    // The root logger, with its `child` counted.
    const target = Object.assign(Object.create(root.logger) as Logger, {
      child: (bindings: object) => (children.push(bindings), root.logger.child(bindings)),
    });
    const component = new BoundLogger(target, SESSION).child({ component: 'call-recorder' });
    component.warn({ timeoutMs: 300 }, 'late');
    expect(children).toEqual([]);
    expect(root.lines()).toEqual([
      { level: 'warn', service: 'audiohook-voicebot', ...SESSION, component: 'call-recorder', timeoutMs: 300, msg: 'late' },
    ]);
  });

  it('lets a line’s field replace a binding of the same name (written once)', () => {
    const root = rootLogger();
    new BoundLogger(root.logger, SESSION).info({ connectorId: 'other' }, 'switched');
    const [line] = root.lines();
    expect(line).toMatchObject({ connectorId: 'other', sessionId: 's-1' });
  });

  it('writes nothing below the target’s level', () => {
    const root = rootLogger('warn');
    const bound = new BoundLogger(root.logger, SESSION);
    bound.info({}, 'hidden');
    bound.debug({}, 'hidden');
    bound.warn({}, 'shown');
    expect(root.lines().map((line) => line.msg)).toEqual(['shown']);
  });

  it('hands the target no line below its level (no merged fields made for a line nobody writes)', () => {
    const root = rootLogger('warn');
    const reached: string[] = [];
    const target = Object.assign(Object.create(root.logger) as Logger, {
      info: (fields: object, msg: string) => void reached.push(msg),
      debug: (fields: object, msg: string) => void reached.push(msg),
    });
    const bound = new BoundLogger(target, SESSION);
    bound.info({}, 'hidden');
    bound.debug({}, 'hidden');
    expect(reached).toEqual([]);
  });

  it('redacts credentials in bindings and fields alike', () => {
    const root = rootLogger();
    new BoundLogger(root.logger, { apiKey: 'secret-key' }).info({ headers: { 'x-api-key': 'secret-key' } }, 'careless');
    expect(JSON.stringify(root.lines())).not.toContain('secret-key');
  });
});
