import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { botEndpoints, EgressPortError, taskEgressPorts } from '../../lib/bot-egress.js';

const BOTS = fileURLToPath(new URL('./fixtures/bots', import.meta.url));
const SHIPPED_BOTS = fileURLToPath(new URL('../../runtime/bots', import.meta.url));

describe('botEndpoints', () => {
  it('lists the webhook URLs of the bot files with the port each needs', () => {
    expect(botEndpoints(BOTS)).toEqual([
      { file: 'faq.json', url: 'https://faq.example.com', port: 443 },
      { file: 'orders.json', url: 'http://orders.internal.example:8080', port: 8080 },
    ]);
  });

  it('takes 80 for a plain http URL without a port', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bots-'));
    writeFileSync(join(dir, 'plain.json'), JSON.stringify({ type: 'webhook', url: 'http://bot.example.com/hook' }));
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    expect(botEndpoints(dir)).toEqual([{ file: 'plain.json', url: 'http://bot.example.com', port: 80 }]);
  });

  it('finds no extra port in the shipped bots', () => {
    expect(taskEgressPorts(botEndpoints(SHIPPED_BOTS))).toEqual([443]);
  });
});

describe('taskEgressPorts', () => {
  it('opens 443 and every port the bots need when nothing is configured', () => {
    expect(taskEgressPorts(botEndpoints(BOTS))).toEqual([443, 8080]);
  });

  it('fails with each bot and port when the configured ports miss one', () => {
    const attempt = (): number[] => taskEgressPorts(botEndpoints(BOTS), [443]);
    expect(attempt).toThrow(EgressPortError);
    expect(attempt).toThrow(/orders\.json: http:\/\/orders\.internal\.example:8080 needs TCP port 8080/);
  });

  it('keeps configured ports the bots do not need, and always 443', () => {
    expect(taskEgressPorts(botEndpoints(BOTS), [8080, 9443])).toEqual([443, 8080, 9443]);
  });
});
