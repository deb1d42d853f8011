import { describe, expect, it } from 'vitest';
import { GenesysEnvelope, isBargeIn } from '../../../runtime/tools/support/genesys-wire.js';
import type { ServerMessage } from '../../../runtime/src/protocol/index.js';

const ID = '00000000-0000-4000-8000-000000000001';
const server = (fields: Record<string, unknown>): string =>
  JSON.stringify({ version: '2', id: ID, type: 'opened', seq: 1, clientseq: 1, parameters: {}, ...fields });

describe('GenesysEnvelope', () => {
  it('numbers what it sends and carries the last server seq and the position', () => {
    const envelope = new GenesysEnvelope(ID);
    expect(JSON.parse(envelope.encode('open', { a: 1 }, 0))).toEqual({ version: '2', id: ID, type: 'open', seq: 1, serverseq: 0, position: 'PT0S', parameters: { a: 1 } });
    envelope.receive(server({}), []);
    expect(JSON.parse(envelope.encode('ping', {}, 1400))).toMatchObject({ seq: 2, serverseq: 1, position: 'PT1.4S' });
  });

  it('accepts a well-formed server message without a violation', () => {
    const envelope = new GenesysEnvelope(ID);
    envelope.encode('open', {}, 0);
    const violations: string[] = [];
    expect(envelope.receive(server({}), violations)?.type).toBe('opened');
    expect(violations).toEqual([]);
  });

  it.each([
    ['not JSON', '{', 'server text is not a JSON object'],
    ['an array', '[]', 'server text is not a JSON object'],
    ['another version', server({ version: '1' }), 'version 1'],
    ['another session', server({ id: 'x' }), 'wrong session id'],
    ['an unknown type', server({ type: 'hello' }), 'unknown server type hello'],
    ['a seq gap', server({ seq: 3 }), 'seq 3 after 0'],
    ['a clientseq ahead', server({ clientseq: 2 }), 'clientseq 2 (sent 1)'],
    ['no parameters', server({ parameters: null }), 'opened without parameters object'],
    ['a position', server({ position: 'PT0S' }), 'server message with position'],
  ])('reports %s', (_name, text, violation) => {
    const envelope = new GenesysEnvelope(ID);
    envelope.encode('open', {}, 0);
    const violations: string[] = [];
    envelope.receive(text, violations);
    expect(violations).toEqual([violation]);
  });

  it('skips the clientseq-ahead check for clients that send arbitrary seqs, and flags text after closed', () => {
    const envelope = new GenesysEnvelope(ID);
    const violations: string[] = [];
    envelope.receive(server({ type: 'closed', clientseq: 7 }), violations, false);
    envelope.receive(server({ type: 'pong', seq: 2, clientseq: 7 }), violations, false);
    expect(violations).toEqual(['pong after closed']);
  });

  it('recognises a barge-in event', () => {
    const event = { version: '2', id: ID, type: 'event', seq: 1, clientseq: 1, parameters: { entities: [{ type: 'barge_in', data: {} }] } };
    expect(isBargeIn(event as unknown as ServerMessage)).toBe(true);
    expect(isBargeIn({ ...event, parameters: { entities: [] } } as unknown as ServerMessage)).toBe(false);
  });
});
