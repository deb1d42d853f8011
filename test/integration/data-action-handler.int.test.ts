import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DataActionLambdaHandler } from '../../runtime/src/lambda/data-action-lambda.js';
import { startDynalite, type TestDynalite } from '../support/dynalite.js';
import { httpApiEvent, lambdaContext } from '../unit/data-action/api-gateway-events.js';

/**
 * The exported `handler` as the Lambda runtime calls it: configuration from the environment the
 * CDK construct sets, the bots directory found from the source tree, API keys from Secrets Manager
 * (mocked: dynalite cannot stand in for it), DynamoDB on dynalite through the SDK's standard
 * AWS_ENDPOINT_URL_DYNAMODB override.
 */
describe('lambda/handler.ts (cold start from the environment)', () => {
  const secrets = mockClient(SecretsManagerClient);
  let dynalite: TestDynalite;
  let handler: DataActionLambdaHandler;

  beforeAll(async () => {
    dynalite = await startDynalite();
    const tableName = await dynalite.createTable();
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: JSON.stringify({ 'genesys-key': { organizationId: 'b0f3c1de-0000-4a2b-9c3d-0123456789ab' } }) });
    secrets
      .on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' })
      .rejects(new ResourceNotFoundException({ message: 'no previous version', $metadata: {} }));
    vi.stubEnv('NODE_ENV', 'production');
    vi.stubEnv('LOG_LEVEL', 'silent');
    vi.stubEnv('SESSION_TABLE_NAME', tableName);
    vi.stubEnv('DATA_ACTION_KEYS_SECRET_ID', 'voice-bot/data-action-keys');
    vi.stubEnv('PARTICIPANT_HASH_SALT', 'test-salt');
    vi.stubEnv('AWS_REGION', 'eu-central-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynalite.endpoint);
    vi.stubEnv('BOTS_DIR', '');
    ({ handler } = await import('../../runtime/src/lambda/handler.js'));
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    secrets.restore();
    await dynalite.close();
  });

  const call = async (body: unknown, headers: Record<string, string> = { 'x-api-key': 'genesys-key' }) => {
    const result = await handler(httpApiEvent({ body, headers }), lambdaContext());
    return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> & { error?: { code: string } } };
  };

  it('continues a conversation across two invocations, keyed by the Genesys conversation id', async () => {
    const first = await call({ sender: 'b0f3c1de-1111-4a2b-9c3d-0123456789ab', message: '' });
    const second = await call({ sender: 'b0f3c1de-1111-4a2b-9c3d-0123456789ab', message: 'press two' });
    expect({
      first: [first.status, first.body.text],
      second: [second.status, second.body.intent, second.body.botOutcome, second.body.turnCount],
    }).toEqual({
      first: [200, 'Hello there. Say billing, sales or support, or press 1, 2 or 3.'],
      second: [200, 'sales', 'transfer', 2],
    });
  });

  it('refuses a key that is not in the secret with 401', async () => {
    const answer = await call({ sender: 'c', message: 'hi' }, { 'x-api-key': 'not-configured' });
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 401, code: 'ERR_DATA_ACTION_UNAUTHORIZED' });
  });
});
