import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * SDK timeouts for session-store calls, for the server and the Data Action Lambda alike: a DynamoDB
 * that does not answer must fail fast (the Data Action route answers 503 well inside API Gateway's
 * 30 s, the write-behind queue retries) instead of holding a turn for the SDK's default 30 s+.
 */
const DYNAMODB_CLIENT_SETTINGS = { maxAttempts: 2, requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 } } as const;

/** A DynamoDB client with the fail-fast settings; `endpoint` and `credentials` for the embedded local table. */
export function createDynamoDbClient(options: {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}): DynamoDBClient {
  return new DynamoDBClient({
    ...DYNAMODB_CLIENT_SETTINGS,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
}
