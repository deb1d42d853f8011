import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { grantBedrockModels, readLlmBotModels } from '../../lib/constructs/bedrock-model-access.js';
import { synthVoiceBot, testApp } from './support/synth.js';

const SHIPPED_BOTS = fileURLToPath(new URL('../../runtime/bots', import.meta.url));
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function botsDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-bots-'));
  dirs.push(dir);
  for (const [name, json] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(json));
  return dir;
}

function statements(stack: Stack): unknown[] {
  const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as { Properties: { PolicyDocument: { Statement: unknown[] } } }[];
  return policy?.Properties.PolicyDocument.Statement ?? [];
}


describe('Bedrock grants of llm bots (read from the bot files at synth)', () => {
  it('grants streaming on exactly the inference profile and its model, and ApplyGuardrail on exactly the guardrail', () => {
    // GIVEN an llm bot on a cross-Region profile with a guardrail, next to a flow bot
    const dir = botsDir({
      'default.json': { type: 'flow' },
      'assistant.json': { type: 'llm', modelId: 'eu.amazon.nova-lite-v1:0', guardrail: { id: 'gr7abc', version: '2' } },
    });
    const stack = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1', account: '111111111111' } });
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com') });
    // WHEN the grant is made
    grantBedrockModels(role, readLlmBotModels(dir));
    // THEN the role may stream from the profile (this Region) and the model (any Region), and apply the guardrail
    expect(statements(stack)).toEqual([
      {
        Sid: 'BedrockModels',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModelWithResponseStream',
        Resource: [
          'arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0',
          'arn:aws:bedrock:eu-west-1:111111111111:inference-profile/eu.amazon.nova-lite-v1:0',
        ],
      },
      {
        Sid: 'BedrockGuardrails',
        Effect: 'Allow',
        Action: 'bedrock:ApplyGuardrail',
        Resource: 'arn:aws:bedrock:eu-west-1:111111111111:guardrail/gr7abc',
      },
    ]);
  });

  it('grants an in-Region foundation model alone, and nothing when no llm bot exists', () => {
    // GIVEN one stack with an llm bot on a plain model id, one with only a flow bot
    const withModel = new Stack(testApp(), 'A', { env: { region: 'us-east-1', account: '111111111111' } });
    const without = new Stack(testApp(), 'B', { env: { region: 'us-east-1', account: '111111111111' } });
    const role = (stack: Stack): Role => new Role(stack, 'Role', { assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com') });
    // WHEN granted
    grantBedrockModels(role(withModel), readLlmBotModels(botsDir({ 'a.json': { type: 'llm', modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0' } })));
    grantBedrockModels(role(without), readLlmBotModels(botsDir({ 'default.json': { type: 'flow' } })));
    // THEN exactly that model ARN, and no policy at all
    expect(statements(withModel)).toEqual([
      {
        Sid: 'BedrockModels',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModelWithResponseStream',
        Resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
      },
    ]);
    expect(statements(without)).toEqual([]);
  });

  it('stops the synth naming the file and the field when an llm bot has no modelId', () => {
    // GIVEN an llm bot file without modelId / WHEN read / THEN the error names both
    const dir = botsDir({ 'broken.json': { type: 'llm' } });
    expect(() => readLlmBotModels(dir)).toThrow(/broken\.json: modelId: required/);
  });

  it('grants the task role the shipped assistant bot model in the full stack, cdk-nag clean', () => {
    // GIVEN / WHEN the example stack with the shipped bots, cdk-nag registered (a finding throws)
    const { template } = synthVoiceBot({ nag: true, botsDirectory: SHIPPED_BOTS });
    // THEN the task role's policy holds the Bedrock statement for us.amazon.nova-lite-v1:0
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^VoiceBotTaskTaskRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'BedrockModels',
            Action: 'bedrock:InvokeModelWithResponseStream',
            Resource: ['arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0', Match.stringLikeRegexp(':inference-profile/us\\.amazon\\.nova-lite-v1:0$')],
          }),
        ]),
      },
    });
  });
});
