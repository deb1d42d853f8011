import { randomUUID } from 'node:crypto';
import type { ServerHttp2Stream } from 'node:http2';

/**
 * A modelled service error as the endpoint answers it: HTTP status, the shape name in
 * `x-amzn-ErrorType` (what the SDK's restJson1 error parser reads first) and a JSON body holding
 * the shape's message member, which is `Message` for Transcribe and `message` for Polly and Bedrock.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly errorType: string,
    readonly status: number,
    message: string,
    readonly messageMember: 'Message' | 'message' = 'message',
  ) {
    super(message);
    this.name = errorType;
  }

  get body(): Record<string, string> {
    return { [this.messageMember]: this.message };
  }
}

/** Writes `error` as the whole response, unless the stream is already answered or gone. */
export function respondWithError(stream: ServerHttp2Stream, error: AwsServiceError): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond({
    ':status': error.status,
    'content-type': 'application/json',
    'x-amzn-errortype': error.errorType,
    'x-amzn-requestid': randomUUID(),
  });
  stream.end(JSON.stringify(error.body));
}

/** Reads a whole request body of at most `maxBytes`; larger bodies are an error the caller maps. */
export async function readBody(stream: ServerHttp2Stream, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new RangeError(`request body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
