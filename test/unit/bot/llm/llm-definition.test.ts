import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BotDefinitionError, loadBots } from '../../../../runtime/src/bot/bot-definitions.js';
import { FakeLanguageModel, modelAnswer } from '../../../../runtime/src/model/fake/fake-language-model.js';
import { FakeClock } from '../../../support/fake-clock.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function botsDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'llm-defs-'));
  dirs.push(dir);
  for (const [name, json] of Object.entries({ 'default.json': { type: 'listen' }, ...files })) writeFileSync(join(dir, name), JSON.stringify(json));
  return dir;
}

const valid = {
  type: 'llm',
  modelId: 'eu.anthropic.claude-3-5-haiku-20241022-v1:0',
  systemPrompt: 'Be brief.',
  tools: [
    {
      name: 'transfer_to',
      kind: 'end',
      description: 'Transfer',
      input: { type: 'object', properties: { queue: { type: 'string' } }, required: ['queue'] },
      outputVariables: { transferTo: '{{queue}}' },
    },
  ],
};

describe('llm bot files at start', () => {
  it('refuses a file with a missing or invalid field, naming the file and the field', async () => {
    const dir = botsDir({
      'assistant.json': {
        ...valid,
        modelId: undefined,
        temperature: 3,
        tools: [{ ...valid.tools[0], outputVariables: { transferTo: '{{queue}}', botOutcome: 'maybe' } }],
      },
    });
    const error = await loadBots(dir, { clock: new FakeClock() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BotDefinitionError);
    const problems = (error as BotDefinitionError).problems.map((p) => [p.file, p.path]);
    const file = join(dir, 'assistant.json');
    expect(problems).toEqual(
      expect.arrayContaining([
        [file, 'modelId'],
        [file, 'temperature'],
        [file, 'tools[0].outputVariables.botOutcome'],
      ]),
    );
  });

  it('refuses an ending tool whose output variable names no argument', async () => {
    const dir = botsDir({ 'assistant.json': { ...valid, tools: [{ ...valid.tools[0], outputVariables: { transferTo: '{{queues}}' } }] } });
    const error = (await loadBots(dir, { clock: new FakeClock() }).catch((e: unknown) => e)) as BotDefinitionError;
    expect(error.problems.map((p) => [p.file, p.path])).toEqual([[join(dir, 'assistant.json'), 'tools[0].outputVariables.transferTo']]);
  });

  it('refuses a tool whose input is not an object JSON Schema', async () => {
    const dir = botsDir({ 'assistant.json': { ...valid, tools: [{ ...valid.tools[0], input: { type: 'string' } }] } });
    const error = (await loadBots(dir, { clock: new FakeClock() }).catch((e: unknown) => e)) as BotDefinitionError;
    expect(error.problems.map((p) => p.path)).toContain('tools[0].input.type');
  });

  it('disables an llm bot when no language model is available, and keeps the other bots', async () => {
    const dir = botsDir({ 'assistant.json': valid });
    const bots = await loadBots(dir, { clock: new FakeClock(), model: () => Promise.resolve({ unavailable: 'no AWS credentials' }) });
    expect(bots.has('assistant')).toBe(false);
    expect(bots.has('default')).toBe(true);
    expect(bots.disabled).toEqual([{ connectorId: 'assistant', file: join(dir, 'assistant.json'), reason: 'no AWS credentials' }]);
  });

  it('builds an llm bot when a language model is available', async () => {
    const bots = await loadBots(botsDir({ 'assistant.json': valid }), { clock: new FakeClock(), model: () => Promise.resolve(new FakeLanguageModel([modelAnswer.text('Hi.')])) });
    expect(bots.get('assistant')?.kind).toBe('llm');
    expect(bots.disabled).toEqual([]);
  });
});
