import type { ApiGatewayHttpEvent } from '../../../runtime/src/lambda/api-gateway-types.js';

/**
 * An API Gateway HTTP API event (payload format 2.0) as AWS delivers it for
 * `POST /webhooks/rest/webhook` on the `$default` stage: lower-case headers, the body as a string,
 * the request context. Shape after the AWS documentation's example event ("Working with AWS Lambda
 * proxy integrations for HTTP APIs").
 */
export function httpApiEvent(
  options: { body?: unknown; headers?: Record<string, string>; method?: string; base64?: boolean; omitApiKey?: boolean } = {},
): ApiGatewayHttpEvent & Record<string, unknown> {
  const method = options.method ?? 'POST';
  const text = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    accept: '*/*',
    'content-type': 'application/json',
    host: 'abc123.execute-api.eu-central-1.amazonaws.com',
    'user-agent': 'Genesys-Cloud-Data-Actions',
    'x-amzn-trace-id': 'Root=1-65f0a1b2-0123456789abcdef01234567',
    'x-forwarded-for': '203.0.113.10',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...(options.omitApiKey === true ? {} : { 'x-api-key': 'lambda-key' }),
    ...(text === undefined ? {} : { 'content-length': String(Buffer.byteLength(text)) }),
    ...options.headers,
  };
  const event = {
    version: '2.0',
    routeKey: 'POST /webhooks/rest/webhook',
    rawPath: '/webhooks/rest/webhook',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-central-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: '/webhooks/rest/webhook', protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'Genesys-Cloud-Data-Actions' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'POST /webhooks/rest/webhook',
      stage: '$default',
      time: '21/Nov/2026:12:00:00 +0000',
      timeEpoch: 1_795_262_400_000,
    },
    ...(text === undefined ? {} : { body: options.base64 === true ? Buffer.from(text).toString('base64') : text }),
    isBase64Encoded: options.base64 === true,
  };
  return event;
}

/** A Lambda context with the remaining time the handler reads. */
export const lambdaContext = (remainingMs = 10_000) => ({ awsRequestId: 'req-1', getRemainingTimeInMillis: () => remainingMs });
