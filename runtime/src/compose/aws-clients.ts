import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NONCE_WRITE_TIMEOUT_MS } from '../store/dynamodb-nonce-store.js';

/**
 * SDK timeouts for session-store calls, for the server and the Data Action Lambda alike: a DynamoDB
 * that does not answer must fail fast (the Data Action route answers 503 well inside API Gateway's
 * 30 s, the write-behind queue retries) instead of holding a turn for the SDK's default 30 s+.
 */
const DYNAMODB_CLIENT_SETTINGS = { maxAttempts: 2, requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 } } as const;

/**
 * The shared nonce store's own client: one attempt (a conditional `PutItem` resent after its answer
 * was lost would find its own nonce and refuse a genuine upgrade; without an answer the upgrade
 * goes on the local replay cache), requests ended at the nonce's budget, and the SDK's middleware
 * cache (about a fifth less CPU per request in the performance log; every upgrade of a burst pays
 * its share of one).
 */
const NONCE_CLIENT_SETTINGS = {
  maxAttempts: 1,
  cacheMiddleware: true,
  requestHandler: { connectionTimeout: NONCE_WRITE_TIMEOUT_MS, requestTimeout: NONCE_WRITE_TIMEOUT_MS },
} as const;

interface DynamoDbClientOptions {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** A DynamoDB client with the fail-fast settings; `endpoint` and `credentials` for the embedded local table. */
export function createDynamoDbClient(options: DynamoDbClientOptions): DynamoDBClient {
  return new DynamoDBClient({ ...DYNAMODB_CLIENT_SETTINGS, ...connection(options) });
}

/** The client the shared nonce store writes with (NONCE_CLIENT_SETTINGS). */
export function createNonceDynamoDbClient(options: DynamoDbClientOptions): DynamoDBClient {
  return new DynamoDBClient({ ...NONCE_CLIENT_SETTINGS, ...connection(options) });
}

function connection(options: DynamoDbClientOptions) {
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
}
