import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
// cdk-nag names IAM5 findings by this flattening; using it keeps the acknowledgement id exact.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What one deployed `llm` bot file asks of Bedrock. */
export interface LlmBotModel {
  /** The bot file, for error messages. */
  readonly file: string;
  /** Model id, inference-profile id, or the ARN of either. */
  readonly modelId: string;
  /** Guardrail id or ARN, when the bot uses one. */
  readonly guardrailId?: string;
}

/** Prefixes of system-defined cross-Region inference profiles (`us.amazon.nova-lite-v1:0`). */
const PROFILE_PREFIX = /^(us|us-gov|eu|apac|jp|au|ca|global)\./;

/**
 * Reads the `llm` bot files of a bots directory at synth, so the task role is granted exactly the
 * models and guardrails they name. Only `type`, `modelId` and `guardrail.id` are read here; the
 * server validates the whole file at start. A file that is not JSON, or an llm file without a
 * string `modelId`, stops the synth with the file and field named.
 */
export function readLlmBotModels(botsDirectory: string): LlmBotModel[] {
  const models: LlmBotModel[] = [];
  for (const name of readdirSync(botsDirectory).filter((n) => n.endsWith('.json')).sort()) {
    const file = join(botsDirectory, name);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file}: not readable JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (typeof json !== 'object' || json === null || (json as { type?: unknown }).type !== 'llm') continue;
    const { modelId, guardrail } = json as { modelId?: unknown; guardrail?: { id?: unknown } };
    if (typeof modelId !== 'string' || modelId === '') throw new Error(`${file}: modelId: required for an llm bot (a Bedrock model or inference profile id)`);
    if (guardrail !== undefined && typeof guardrail?.id !== 'string') throw new Error(`${file}: guardrail.id: must be a guardrail id or ARN`);
    models.push({ file, modelId, ...(typeof guardrail?.id === 'string' ? { guardrailId: guardrail.id } : {}) });
  }
  return models;
}

/**
 * Lets `role` stream from exactly the models, inference profiles and guardrails the bot files name
 * (`bedrock:InvokeModelWithResponseStream`, and `bedrock:ApplyGuardrail` when a guardrail is used),
 * nothing wider. A cross-Region inference profile also needs its foundation model in every Region
 * the profile may route to; that model is granted in all Regions (`*`), by its exact id.
 */
export function grantBedrockModels(role: IRole, models: readonly LlmBotModel[]): void {
  if (models.length === 0) return;
  const stack = Stack.of(role);
  const arn = (resource: string, resourceName: string, region?: string, account?: string): string =>
    stack.formatArn({ service: 'bedrock', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME, ...(region === undefined ? {} : { region }), ...(account === undefined ? {} : { account }) });
  const modelArns = new Set<string>();
  const anyRegionArns = new Set<string>();
  const guardrailArns = new Set<string>();
  for (const { modelId, guardrailId } of models) {
    if (modelId.startsWith('arn:')) {
      modelArns.add(modelId);
      const profile = /:inference-profile\/(.+)$/.exec(modelId)?.[1];
      if (profile !== undefined) anyRegionArns.add(arn('foundation-model', profile.replace(PROFILE_PREFIX, ''), '*', ''));
    } else if (PROFILE_PREFIX.test(modelId)) {
      modelArns.add(arn('inference-profile', modelId));
      anyRegionArns.add(arn('foundation-model', modelId.replace(PROFILE_PREFIX, ''), '*', ''));
    } else {
      modelArns.add(arn('foundation-model', modelId, undefined, ''));
    }
    if (guardrailId !== undefined) guardrailArns.add(guardrailId.startsWith('arn:') ? guardrailId : arn('guardrail', guardrailId));
  }
  role.addToPrincipalPolicy(
    new PolicyStatement({ sid: 'BedrockModels', actions: ['bedrock:InvokeModelWithResponseStream'], resources: [...modelArns, ...anyRegionArns] }),
  );
  if (guardrailArns.size > 0) {
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'BedrockGuardrails', actions: ['bedrock:ApplyGuardrail'], resources: [...guardrailArns] }));
  }
  for (const resource of anyRegionArns) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(resource))}]`,
      reason:
        'A cross-Region inference profile routes each request to its foundation model in one of several Regions that AWS may extend; IAM must allow that exact model id in those Regions, so only the Region is a wildcard.',
    });
  }
}
