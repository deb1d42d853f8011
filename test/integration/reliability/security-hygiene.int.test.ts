import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { FakeSpeechRecognizer } from '../../../runtime/src/speech/fake/fake-speech-recognizer.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { UpgradeRefusedError } from '../../../runtime/tools/simulator/genesys-client.js';
import { speechLike } from '../../../runtime/tools/support/audio-gen.js';
import { CallerAudioPlayer } from '../../support/caller-audio-player.js';
import { eventually, type TestServer } from '../../support/test-server.js';
import { startReliabilityServer } from './support/reliability-server.js';

/** Credentials and caller data that must never reach a log line, each distinctive enough to search for. */
const KEY = { apiKey: 'hygiene-key-7f3a9c1e', clientSecret: Buffer.from('hygiene-client-secret-5b2d8e41').toString('base64') };
const CALLER = {
  ani: '+13175550123',
  aniName: 'Ada Lovelace-Quux',
  dnis: '+18005550177',
  inputVariables: { customerName: 'Zelda Quuxley', taxId: '078-05-1120' },
  accountDigits: '73194628',
  spokenWords: 'my secret passphrase is tangerine',
};

/**
 * A whole call at LOG_LEVEL=trace (the most a server ever logs) with ANI, DNIS, input variables,
 * keyed and spoken personal data, plus failed upgrades with the same key; then every captured log
 * line is searched for the secrets and the personal data.
 */
describe('secrets and personal data stay out of logs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startReliabilityServer(
      { LOG_LEVEL: 'trace', AUDIOHOOK_API_KEYS: JSON.stringify({ [KEY.apiKey]: KEY.clientSecret }) },
      {
        speech: {
          mode: 'custom',
          recognizer: new FakeSpeechRecognizer({ clock: systemClock, transcripts: [CALLER.spokenWords], latencyMs: 100 }),
          synthesizer: new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 20, msPerChar: 8 }),
        },
      },
    );
  });
  afterAll(async () => server.close());

  it('logs no API key, client secret, ANI, DNIS, caller name, input variable, keyed digits or words at trace level', async () => {
    const client = await server.connect({ ...KEY, path: '/audiohook/account' });
    await client.open({
      participant: { id: '5b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8', ani: CALLER.ani, aniName: CALLER.aniName, dnis: CALLER.dnis },
      inputVariables: CALLER.inputVariables,
    });
    const caller = new CallerAudioPlayer(client).start();
    await eventually(() => client.audio.length > 0, 5_000);
    await eventually(() => !client.playing, 10_000);
    // Words the recognizer "hears" (not digits, so the slot reprompts), then the keyed account number.
    caller.say(speechLike(1_000, { dbfs: -20 }));
    await eventually(() => server.logs.some((l) => l.msg === 'bot turn' && l.input === 'text'), 8_000);
    for (const digit of `${CALLER.accountDigits}#`) client.dtmf(digit);
    const disconnect = await client.waitFor('disconnect', 10_000);
    caller.stop();
    await client.closed;
    // The call really carried the data: the account number came back to Architect.
    expect(disconnect.parameters).toMatchObject({ outputVariables: { accountNumber: CALLER.accountDigits } });

    // Failed upgrades with the same key: a forged signature, and an unsigned request.
    for (const attempt of [{ clientSecret: randomBytes(32).toString('base64') }, { clientSecret: '' }]) {
      await expect(server.connect({ ...KEY, ...attempt })).rejects.toBeInstanceOf(UpgradeRefusedError);
    }

    const text = server.logs.map((line) => JSON.stringify(line)).join('\n');
    // There was something to search: the call's debug lines (messages, bot turns) and the refusals.
    expect(server.logs.filter((l) => l.level === 'debug').length).toBeGreaterThanOrEqual(5);
    expect(server.logs.filter((l) => l.level === 'warn').length).toBeGreaterThanOrEqual(2);
    const forbidden = [
      KEY.apiKey,
      KEY.clientSecret,
      Buffer.from(KEY.clientSecret, 'base64').toString('utf8'),
      CALLER.ani,
      CALLER.ani.slice(2),
      CALLER.dnis,
      CALLER.dnis.slice(2),
      CALLER.aniName,
      CALLER.inputVariables.customerName,
      CALLER.inputVariables.taxId,
      CALLER.accountDigits,
      CALLER.spokenWords,
      'tangerine',
    ];
    expect(forbidden.filter((secret) => text.includes(secret))).toEqual([]);
  });
});

/**
 * The container image runs as the unprivileged `node` user. test/cdk/bundle.test.ts already checks
 * that a `USER node` line exists and that no RUN/ADD step runs; these check what it leaves open:
 * nothing switches back to root before the process starts, the code is not handed to that user,
 * and the server needs no privileged port.
 */
describe('runtime/Dockerfile privileges', () => {
  const instructions = readFileSync(new URL('../../../runtime/Dockerfile', import.meta.url), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => /^[A-Z]+\s/.test(line))
    .map((line) => ({ keyword: line.split(/\s/)[0]!, args: line.slice(line.indexOf(' ') + 1).trim() }));
  const indexOf = (keyword: string): number => instructions.findIndex((i) => i.keyword === keyword);

  it('switches to the node user once, before the start command, and never back', () => {
    const users = instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users).toEqual(['node']);
    expect(indexOf('USER')).toBeLessThan(indexOf('CMD'));
    expect(indexOf('ENTRYPOINT')).toBe(-1);
  });

  it('does not give the server user ownership or write permission on its own code', () => {
    const copies = instructions.filter((i) => i.keyword === 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy.args).not.toMatch(/--chown|--chmod/);
  });

  it('listens on an unprivileged port', () => {
    const exposed = instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/).map((p) => Number.parseInt(p, 10)));
    const env = instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    const port = Number(/\bPORT=(\d+)/.exec(env)?.[1]);
    expect(exposed.length).toBeGreaterThan(0);
    for (const p of [...exposed, port]) expect(p).toBeGreaterThanOrEqual(1024);
  });
});
