import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotDefinitionError, checkBotDefinitions, loadBots, type BotDefinitionProblem } from '../../../runtime/src/bot/bot-definitions.js';
import { FakeClock } from '../../support/fake-clock.js';
import { menuDefinition } from './flow/flow-test-helpers.js';

let dir: string;
const options = { clock: new FakeClock() };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bots-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeBots(files: Record<string, unknown>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
}

/** The problems loadBots reports, with file names relative to the directory. */
async function problemsOf(): Promise<Array<Omit<BotDefinitionProblem, 'message'>>> {
  const error: unknown = await loadBots(dir, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BotDefinitionError);
  return (error as BotDefinitionError).problems.map(({ file, path }) => ({ file: file.slice(dir.length + 1), path }));
}

const listen = { type: 'listen' };
const webhook = { type: 'webhook', url: 'http://127.0.0.1:5005/webhooks/rest/webhook' };

describe('loadBots', () => {
  it('registers one bot per definition file under its file name', async () => {
    await writeBots({ 'default.json': menuDefinition(), 'listen.json': listen, 'rasa-bot.json': webhook });
    const bots = await loadBots(dir, options);
    expect(bots.connectorIds).toEqual(['default', 'listen', 'rasa-bot']);
    expect([bots.get('default')?.kind, bots.get('listen')?.kind, bots.get('rasa-bot')?.kind]).toEqual(['flow', 'listen', 'webhook']);
  });

  it('answers has and get for unknown connector ids with false and undefined', async () => {
    await writeBots({ 'default.json': menuDefinition() });
    const bots = await loadBots(dir, options);
    expect([bots.has('billing'), bots.get('billing')]).toEqual([false, undefined]);
  });

  it('applies the common defaults to the voice settings, with the listen-only call limit of 8 hours', async () => {
    await writeBots({ 'default.json': listen });
    const bots = await loadBots(dir, options);
    expect(bots.get('default')?.voice).toEqual({ language: 'en-US', voices: {}, noInputTimeoutMs: 6000, maxCallDurationMs: 28_800_000, record: false });
  });

  it('takes language, voices and timings from the definition', async () => {
    await writeBots({
      'default.json': { ...listen, language: 'es-US', voices: { 'es-US': 'Lupe' }, noInputTimeoutMs: 8000, maxCallDurationMs: 120000, record: true },
    });
    const bots = await loadBots(dir, options);
    expect(bots.get('default')?.voice).toEqual({ language: 'es-US', voices: { 'es-US': 'Lupe' }, noInputTimeoutMs: 8000, maxCallDurationMs: 120000, record: true });
  });

  it('ignores files that are not JSON definitions', async () => {
    await writeBots({ 'default.json': listen, 'README.md': '# bots', 'notes.txt': 'x' });
    expect((await loadBots(dir, options)).connectorIds).toEqual(['default']);
  });

  it('fails when default.json is missing', async () => {
    await writeBots({ 'billing.json': listen });
    expect(await problemsOf()).toEqual([{ file: 'default.json', path: '(file)' }]);
  });

  it('names the file and the field of an invalid definition', async () => {
    await writeBots({ 'default.json': menuDefinition({ maxNoMatch: -1 }) });
    expect(await problemsOf()).toEqual([{ file: 'default.json', path: 'maxNoMatch' }]);
  });

  it('writes array positions in field paths as indexes', async () => {
    await writeBots({ 'default.json': menuDefinition({ intents: [{ name: 'x', keys: ['1', 'A'] }] }) });
    expect(await problemsOf()).toEqual([{ file: 'default.json', path: 'intents[0].keys[1]' }]);
  });

  it('reports the problems of every file together', async () => {
    await writeBots({ 'default.json': { type: 'robot' }, 'broken.json': '{ not json', 'hook.json': { type: 'webhook', url: 'ftp://x' } });
    expect(await problemsOf()).toEqual([
      { file: 'broken.json', path: '(file)' },
      { file: 'default.json', path: 'type' },
      { file: 'hook.json', path: 'url' },
    ]);
  });

  it('puts every problem into the error message', async () => {
    await writeBots({ 'default.json': menuDefinition({ greeting: '' }), 'other.json': { type: 'listen', language: 'English' } });
    const error = (await loadBots(dir, options).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`${join(dir, 'default.json')}:1: greeting:`);
    expect(error.message).toContain(`${join(dir, 'other.json')}:1: language:`);
  });

  it('gives the line of each problem in a formatted file, and of a JSON syntax error', async () => {
    await writeBots({
      'default.json': JSON.stringify(menuDefinition({ greeting: '' }), null, 2),
      'broken.json': '{\n  "type": "listen",\n  "language": ,\n}\n',
    });
    const problems = await checkBotDefinitions(dir, options);
    const greetingLine = JSON.stringify(menuDefinition({ greeting: '' }), null, 2).split('\n').findIndex((l) => l.includes('"greeting"')) + 1;
    expect(problems).toEqual(
      expect.arrayContaining([
        { source: join(dir, 'default.json'), line: greetingLine, field: 'greeting', message: expect.any(String) },
        { source: join(dir, 'broken.json'), line: 3, message: expect.stringContaining('file not readable JSON') },
      ]),
    );
    expect(greetingLine).toBeGreaterThan(1);
  });

  it('rejects a JSON file whose name cannot be a connector id', async () => {
    await writeBots({ 'default.json': listen, 'my bot.json': listen });
    expect(await problemsOf()).toEqual([{ file: 'my bot.json', path: '(file name)' }]);
  });

  it('fails with the directory named when it cannot be read', async () => {
    const error = await loadBots(join(dir, 'absent'), options).catch((e: unknown) => e);
    expect((error as BotDefinitionError).problems).toMatchObject([{ file: join(dir, 'absent'), path: '(directory)' }]);
  });
});
