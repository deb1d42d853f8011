import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RETIRING_SESSION_TABLE_ACTIONS, SESSION_TABLE_ACTIONS } from '../../lib/constructs/session-table.js';

/** The runtime's DynamoDB adapters on the session table (sessions, conversations, transcripts, nonces): the files importing the SDK's DynamoDB packages. */
const STORE_DIR = join(import.meta.dirname, '../../runtime/src/store');
/** Local development only: the embedded table is created at start; the stack creates the real one. */
const LOCAL_ONLY = new Set(['ensure-table.ts', 'local-dynalite.ts']);

/**
 * lib-dynamodb's document commands and the client's own, by the IAM action each needs. A transaction
 * has no IAM action of its own: each of its actions needs the operation's (a Put needs PutItem), and
 * the store's transactions hold Puts only (checked below).
 */
const ACTION_OF: Readonly<Record<string, string>> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactWrite: 'PutItem',
  TransactWriteItems: 'PutItem',
};

/** The kinds of action the store's TransactWriteItems requests hold (`Put`, `Update`, `Delete`, `ConditionCheck`). */
function transactionActionKinds(): string[] {
  const kinds = new Set<string>();
  for (const file of readdirSync(STORE_DIR).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(join(STORE_DIR, file), 'utf8');
    for (const [, kind] of source.matchAll(/TransactItems: [^\n]*?\(\{ (\w+):/g)) kinds.add(kind!);
  }
  return [...kinds].sort();
}

/** `dynamodb:<Action>` of every command the store's source constructs. */
function actionsTheStoreSends(): string[] {
  const actions = new Set<string>();
  for (const file of readdirSync(STORE_DIR).filter((name) => name.endsWith('.ts') && !LOCAL_ONLY.has(name))) {
    const source = readFileSync(join(STORE_DIR, file), 'utf8');
    if (!/from '@aws-sdk\/(lib|client)-dynamodb'/.test(source)) continue;
    for (const [, name] of source.matchAll(/new (\w+?)(?:Item)?Command\(/g)) {
      const action = ACTION_OF[name!];
      if (action === undefined) throw new Error(`${file}: no IAM action known for new ${name}Command`);
      actions.add(`dynamodb:${action}`);
    }
  }
  return [...actions].sort();
}

describe('the session table grant', () => {
  it('allows every DynamoDB action the runtime store sends (a missing one fails only in AWS, with AccessDenied)', () => {
    const sent = actionsTheStoreSends();

    expect(sent.length).toBeGreaterThan(4);
    expect(sent.filter((action) => !SESSION_TABLE_ACTIONS.includes(action as (typeof SESSION_TABLE_ACTIONS)[number]))).toEqual([]);
  });

  it('allows nothing else, except what the previous release sends while a rolling deployment still runs its tasks', () => {
    expect([...SESSION_TABLE_ACTIONS].sort()).toEqual([...actionsTheStoreSends(), ...RETIRING_SESSION_TABLE_ACTIONS].sort());
  });

  it('maps transactions to PutItem because they hold Puts only (an Update or ConditionCheck in one needs its own action granted)', () => {
    expect(transactionActionKinds()).toEqual(['Put']);
  });

  it('keeps GetItem and UpdateItem for one release: tasks of the releases before batched reads and batched session finishes send them until they are replaced', () => {
    const sent = actionsTheStoreSends();
    expect({ retiring: RETIRING_SESSION_TABLE_ACTIONS, sent: RETIRING_SESSION_TABLE_ACTIONS.filter((action) => sent.includes(action)) }).toEqual({
      retiring: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      sent: [],
    });
  });
});
