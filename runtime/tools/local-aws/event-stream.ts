import { EventStreamCodec, getChunkedStream, type Message, type MessageHeaders } from '@smithy/core/event-streams';

/**
 * The AWS event-stream framing (application/vnd.amazon.eventstream) through the SDK's own codec, so
 * the local endpoints frame exactly what the SDK parses: prelude, headers, CRCs.
 */
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();
const codec = new EventStreamCodec(
  (bytes: Uint8Array) => utf8Decoder.decode(bytes),
  (text: string) => utf8Encoder.encode(text),
);

export type { Message };

/** An `event` message with a JSON payload (`:event-type` names the union member). */
export function encodeJsonEvent(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'event' },
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: utf8Encoder.encode(JSON.stringify(payload)),
  });
}

/**
 * A modelled exception inside the stream, as the services send it: `:message-type` exception,
 * `:exception-type` the shape name, a JSON body with the shape's message member.
 */
export function encodeException(exceptionType: string, body: Readonly<Record<string, string>>): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'exception' },
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: utf8Encoder.encode(JSON.stringify(body)),
  });
}

/** Decodes whole messages from a byte stream whose chunks split frames anywhere. Throws on a bad CRC or length. */
export async function* readMessages(source: AsyncIterable<Uint8Array>): AsyncGenerator<Message, void, undefined> {
  for await (const frame of getChunkedStream(source)) yield codec.decode(frame);
}

/**
 * The SDK signs every client event: the outer message carries `:date` and `:chunk-signature`, its body
 * is the real event message, and an empty body ends the stream. Returns the inner message, or
 * `undefined` for that end frame. Signatures are not verified: the endpoints accept any credentials.
 */
export function unwrapSignedEvent(outer: Message): Message | undefined {
  if (outer.body.length === 0) return undefined;
  if (outer.headers[':chunk-signature'] === undefined) return outer;
  return codec.decode(outer.body);
}

/** A string header's value, or undefined. */
export function stringHeader(headers: MessageHeaders, name: string): string | undefined {
  const header = headers[name];
  return header?.type === 'string' ? header.value : undefined;
}

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}
