import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in DynamoDB endpoint for the benchmark server's session store, in the load generator's
 * process: every call succeeds at once (GetItem finds nothing, Query returns no items). The server
 * runs its real DynamoDB adapter, write-behind queue and SDK against it, so their cost is measured
 * and DynamoDB's is not (as the speech doubles do for Transcribe and Polly).
 */
export interface DynamoDbStub {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_DYNAMODB. */
  readonly endpoint: string;
  /** Requests answered so far, all operations together. */
  readonly requests: number;
  /** Requests answered so far, by operation (`PutItem`, `UpdateItem`, …). */
  readonly byOperation: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

/** The body a successful call of `operation` returns when nothing is stored. */
export function stubAnswer(operation: string): string {
  if (operation === 'Query' || operation === 'Scan') return '{"Items":[],"Count":0,"ScannedCount":0}';
  if (operation === 'DescribeTable') return '{"Table":{"TableStatus":"ACTIVE"}}';
  return '{}';
}

export async function startDynamoDbStub(): Promise<DynamoDbStub> {
  const byOperation: Record<string, number> = {};
  let requests = 0;
  const server = createServer((req, res) => {
    // `DynamoDB_20120810.PutItem` → `PutItem`.
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1) || 'unknown';
    req.resume();
    req.on('end', () => {
      requests += 1;
      byOperation[operation] = (byOperation[operation] ?? 0) + 1;
      const body = stubAnswer(operation);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': 'bench' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get byOperation() {
      return { ...byOperation };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
