import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Config } from '../config/schema.js';
import { BedrockLanguageModel } from '../model/bedrock/bedrock-language-model.js';
import type { LanguageModel } from '../model/ports.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

/** The language model of `llm` bots, or why there is none (those bots are then disabled at start). */
export type ComposedModel = LanguageModel | { readonly unavailable: string };

/** What {@link composeLanguageModel} needs besides the config. */
export interface ComposeModelDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Injected in tests (a client mocked at the SDK boundary); built here otherwise. */
  readonly client?: BedrockRuntimeClient;
  /** Whether AWS credentials resolve, when the caller already knows (the speech probe). */
  readonly hasCredentials: () => Promise<boolean>;
}

/** Credentials the SDK signs with against a local endpoint when no real ones exist (the endpoint ignores them). */
const LOCAL_ENDPOINT_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Builds the Bedrock language model: against AWS_ENDPOINT_URL_BEDROCK_RUNTIME when set (a local
 * Bedrock-compatible endpoint; works without AWS credentials), else against Bedrock when AWS
 * credentials resolve. Otherwise returns why not, so `llm` bots are refused with that message while
 * the other bots work. The SDK's own retries are off: the adapter retries within its deadline.
 */
export async function composeLanguageModel(config: Config, deps: ComposeModelDeps): Promise<ComposedModel> {
  const adapterDeps = { clock: deps.clock, logger: deps.logger.child({ component: 'bedrock' }) };
  if (deps.client !== undefined) return new BedrockLanguageModel(deps.client, adapterDeps);
  const region = config.awsRegion === undefined ? {} : { region: config.awsRegion };
  if (config.bedrockEndpointUrl !== undefined) {
    const credentials = (await deps.hasCredentials()) ? {} : { credentials: LOCAL_ENDPOINT_CREDENTIALS };
    const client = new BedrockRuntimeClient({ region: config.awsRegion ?? 'us-east-1', endpoint: config.bedrockEndpointUrl, maxAttempts: 1, ...credentials });
    deps.logger.info({ endpoint: config.bedrockEndpointUrl }, 'llm bots: Bedrock Runtime at a configured endpoint');
    return new BedrockLanguageModel(client, adapterDeps);
  }
  if (!(await deps.hasCredentials())) {
    return { unavailable: 'no AWS credentials for Amazon Bedrock: provide credentials, or set AWS_ENDPOINT_URL_BEDROCK_RUNTIME to a Bedrock-compatible endpoint' };
  }
  return new BedrockLanguageModel(new BedrockRuntimeClient({ ...region, maxAttempts: 1 }), adapterDeps);
}

/** How long to wait for the AWS credential chain before deciding there are no credentials. */
const CREDENTIAL_PROBE_MS = 3_000;

/** Whether AWS credentials resolve (within a few seconds), for a process that has not probed yet. */
export async function probeCredentials(config: Config, clock: Clock): Promise<boolean> {
  const client = new BedrockRuntimeClient(config.awsRegion === undefined ? {} : { region: config.awsRegion });
  let cancel = (): void => undefined;
  const timeout = new Promise<boolean>((resolve) => {
    cancel = clock.setTimer(CREDENTIAL_PROBE_MS, () => resolve(false));
  });
  try {
    return await Promise.race([client.config.credentials().then(() => true, () => false), timeout]);
  } finally {
    cancel();
    client.destroy();
  }
}
