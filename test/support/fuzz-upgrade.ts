import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { genesysUpgradeHeaders } from '../../runtime/tools/support/genesys-headers.js';

/**
 * Raw HTTP upgrade requests over a TCP socket (no WebSocket library in the way, so any header bytes
 * can be sent) and fast-check arbitraries that tamper with Genesys's signed upgrade headers.
 */

/** An ordered list of header lines: names and values exactly as written. */
export type RawHeaders = readonly (readonly [string, string])[];

/** What the server answered to a raw upgrade. */
export interface RawAnswer {
  /** HTTP status, or 0 if the server closed the connection without an answer. */
  readonly status: number;
  /** Response headers with lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** From the last request byte written to the end of the answer. */
  readonly elapsedMs: number;
}

/** The WebSocket handshake headers every upgrade carries. */
export function handshakeHeaders(port: number): [string, string][] {
  return [
    ['Host', `127.0.0.1:${port}`],
    ['Connection', 'Upgrade'],
    ['Upgrade', 'websocket'],
    ['Sec-WebSocket-Version', '13'],
    ['Sec-WebSocket-Key', randomBytes(16).toString('base64')],
  ];
}

/** Genesys's upgrade headers for `path`, signed with `key` (AudioHook §1.2–§1.3). */
export function signedGenesysHeaders(
  port: number,
  path: string,
  key: { readonly apiKey: string; readonly clientSecret: string },
): [string, string][] {
  const { headers } = genesysUpgradeHeaders({ requestTarget: path, authority: `127.0.0.1:${port}`, ...key });
  return [...handshakeHeaders(port), ...headers];
}

/**
 * Sends `GET path` with exactly these header lines (latin1 bytes) and reads the answer. A 101 is
 * read up to the end of its headers, then the socket is destroyed (the session ends as a lost socket).
 */
export function rawUpgrade(port: number, path: string, headers: RawHeaders, timeoutMs = 5_000): Promise<RawAnswer> {
  const request = `GET ${path} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let sentAt = performance.now();
    let settled = false;
    const finish = (answer: RawAnswer | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', () => finish(parse(data, performance.now() - sentAt)));
    socket.on('close', () => finish(parse(data, performance.now() - sentAt)));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const answer = parse(data, performance.now() - sentAt);
      if (answer.status === 101 || isComplete(data)) finish(answer);
    });
    socket.write(request, 'latin1', () => {
      sentAt = performance.now();
    });
  });
}

function isComplete(data: Buffer): boolean {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(data.subarray(0, end).toString('latin1'));
  return length !== null && data.length >= end + 4 + Number(length[1]);
}

function parse(data: Buffer, elapsedMs: number): RawAnswer {
  const text = data.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: end < 0 ? '' : text.slice(end + 4), elapsedMs };
}

/** Characters a header value may carry on the wire (RFC 9110 field-vchar, SP, HTAB, obs-text). */
const headerChar = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.constant(0x09) },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
).map((code) => String.fromCharCode(code));
const headerValue = (maxLength: number): fc.Arbitrary<string> =>
  fc.array(headerChar, { maxLength }).map((chars) => chars.join('').trim());

/** Fragments of RFC 8941 structured-field syntax, to break the parser in interesting places. */
const sfFragment = fc.constantFrom(
  ';', '=', '(', ')', '"', ':', ',', '\\', '?1', '?0', '*', ' ', '""', '()', '::', ':=:', 'sig1=', ';alg=', ';created=', '-1',
  '99999999999999999999', '1.5', '%', '@', '(@request-target', '"@authority"', ';keyid="x"', '\t',
);

/** One way to tamper with a correctly signed upgrade; every one of them must be refused. */
export type HeaderMutation =
  | { readonly kind: 'replace'; readonly header: 'Signature' | 'Signature-Input'; readonly value: string }
  | { readonly kind: 'flipSignatureByte'; readonly index: number }
  | { readonly kind: 'changeParameter'; readonly parameter: 'created' | 'expires' | 'nonce' | 'keyid' | 'alg'; readonly value: string }
  | { readonly kind: 'dropComponent'; readonly index: number }
  | { readonly kind: 'truncate'; readonly header: 'Signature' | 'Signature-Input'; readonly keep: number }
  | { readonly kind: 'inject'; readonly header: 'Signature' | 'Signature-Input'; readonly at: number; readonly fragment: string }
  | { readonly kind: 'dropHeader'; readonly header: 'Signature' | 'Signature-Input' | 'X-API-KEY' | 'Audiohook-Session-Id' }
  | { readonly kind: 'replaceId'; readonly header: 'Audiohook-Organization-Id' | 'Audiohook-Session-Id' | 'Audiohook-Correlation-Id'; readonly value: string }
  | { readonly kind: 'replaceApiKey'; readonly value: string };

const signatureHeader = fc.constantFrom('Signature' as const, 'Signature-Input' as const);

export const headerMutation: fc.Arbitrary<HeaderMutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), header: signatureHeader, value: fc.oneof(headerValue(120), fc.array(sfFragment, { maxLength: 12 }).map((f) => f.join(''))) }),
  fc.record({ kind: fc.constant('flipSignatureByte' as const), index: fc.nat() }),
  fc.record({
    kind: fc.constant('changeParameter' as const),
    parameter: fc.constantFrom('created' as const, 'expires' as const, 'nonce' as const, 'keyid' as const, 'alg' as const),
    value: fc.oneof(fc.integer({ min: -1, max: 4_000_000_000 }).map(String), headerValue(30).map((v) => JSON.stringify(v)), sfFragment),
  }),
  fc.record({ kind: fc.constant('dropComponent' as const), index: fc.nat({ max: 5 }) }),
  fc.record({ kind: fc.constant('truncate' as const), header: signatureHeader, keep: fc.nat() }),
  fc.record({ kind: fc.constant('inject' as const), header: signatureHeader, at: fc.nat(), fragment: sfFragment }),
  fc.record({ kind: fc.constant('dropHeader' as const), header: fc.constantFrom('Signature' as const, 'Signature-Input' as const, 'X-API-KEY' as const, 'Audiohook-Session-Id' as const) }),
  fc.record({
    kind: fc.constant('replaceId' as const),
    header: fc.constantFrom('Audiohook-Organization-Id' as const, 'Audiohook-Session-Id' as const, 'Audiohook-Correlation-Id' as const),
    value: fc.oneof(fc.uuid(), headerValue(40)),
  }),
  fc.record({ kind: fc.constant('replaceApiKey' as const), value: headerValue(40) }),
);

/**
 * Applies a mutation to signed headers. Returns undefined when the mutation happens to change
 * nothing (e.g. a parameter set to its own value), so the caller can skip that case.
 */
export function mutateHeaders(headers: readonly (readonly [string, string])[], mutation: HeaderMutation): [string, string][] | undefined {
  const out = headers.map(([n, v]): [string, string] => [n, v]);
  const index = (name: string): number => out.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
  const set = (name: string, value: string): void => {
    out[index(name)]![1] = value;
  };
  const get = (name: string): string => out[index(name)]![1];
  switch (mutation.kind) {
    case 'replace':
      set(mutation.header, mutation.value);
      break;
    case 'flipSignatureByte': {
      // sig1=:<base64>: — change one base64 character of the HMAC to another.
      const value = get('Signature');
      const start = value.indexOf(':') + 1;
      const length = value.lastIndexOf(':') - start;
      const at = start + (mutation.index % length);
      const replacement = value[at] === 'A' ? 'B' : 'A';
      set('Signature', value.slice(0, at) + replacement + value.slice(at + 1));
      break;
    }
    case 'changeParameter': {
      const value = get('Signature-Input');
      const pattern = new RegExp(`;${mutation.parameter}=("[^"]*"|[^;]*)`);
      set('Signature-Input', value.replace(pattern, `;${mutation.parameter}=${mutation.value}`));
      break;
    }
    case 'dropComponent': {
      const value = get('Signature-Input');
      const list = /\(([^)]*)\)/.exec(value)?.[1] ?? '';
      const items = list.split(' ');
      items.splice(mutation.index % items.length, 1);
      set('Signature-Input', value.replace(`(${list})`, `(${items.join(' ')})`));
      break;
    }
    case 'truncate': {
      const value = get(mutation.header);
      set(mutation.header, value.slice(0, mutation.keep % value.length).trim());
      break;
    }
    case 'inject': {
      const value = get(mutation.header);
      const at = mutation.at % (value.length + 1);
      set(mutation.header, (value.slice(0, at) + mutation.fragment + value.slice(at)).trim());
      break;
    }
    case 'dropHeader':
      out.splice(index(mutation.header), 1);
      break;
    case 'replaceId':
      set(mutation.header, mutation.value);
      break;
    case 'replaceApiKey':
      set('X-API-KEY', mutation.value);
      break;
  }
  const changed = out.length !== headers.length || out.some(([n, v], i) => headers[i]?.[0] !== n || headers[i]?.[1] !== v);
  return changed ? out : undefined;
}
