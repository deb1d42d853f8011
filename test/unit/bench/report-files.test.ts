import { describe, expect, it } from 'vitest';
import { stubAnswer } from '../../../runtime/tools/bench/dynamodb-stub.js';
import { summariseLog } from '../../../runtime/tools/bench/server-process.js';

describe('bench helpers', () => {
  it('answer DynamoDB calls as an empty table would', () => {
    expect(JSON.parse(stubAnswer('GetItem'))).toEqual({});
    expect(JSON.parse(stubAnswer('PutItem'))).toEqual({});
    expect(JSON.parse(stubAnswer('Query'))).toMatchObject({ Items: [], Count: 0 });
  });

  it('count server log lines by level and rank the warnings', () => {
    const log = [
      JSON.stringify({ level: 'warn', msg: 'protocol problem' }),
      JSON.stringify({ level: 'warn', msg: 'protocol problem' }),
      JSON.stringify({ level: 'error', msg: 'call failed' }),
      JSON.stringify({ level: 'info', msg: 'session opened' }),
      'Error: crash',
      '',
    ].join('\n');
    expect(summariseLog(log)).toEqual({
      byLevel: { warn: 2, error: 1, info: 1, raw: 1 },
      top: ['2 × warn: protocol problem', '1 × error: call failed', '1 × raw: Error: crash'],
    });
  });
});
