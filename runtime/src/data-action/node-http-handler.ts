import type { IncomingMessage, ServerResponse } from 'node:http';
import { toError } from '../shared/errors.js';
import { toProblemResponse, dataActionProblem, type DataActionHttpResponse } from './data-action-errors.js';
import { handleDataActionRequest, type BodyRead, type DataActionRouteDeps } from './handle-data-action-request.js';
import { DATA_ACTION_LIMITS } from './parse-data-action-request.js';

/**
 * The Data Action route for the local server: plugs into `createAudioHookServer({ dataAction })`
 * (the server's `HttpHandler` type) for `POST /webhooks/rest/webhook`. Never rejects: failures
 * are answered with JSON and logged.
 */
export function createDataActionHttpHandler(
  deps: DataActionRouteDeps,
  maxBodyBytes: number = DATA_ACTION_LIMITS.maxBodyBytes,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    // A caller that hangs up abandons its turn (and a webhook bot's request with it).
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client closed the connection'));
    });
    let response: DataActionHttpResponse;
    try {
      response = await handleDataActionRequest(
        { method: req.method ?? 'GET', headers: flattenHeaders(req.headers), readBody: () => readBody(req, maxBodyBytes) },
        deps,
        controller.signal,
      );
    } catch (error) {
      deps.logger.error({ err: toError(error) }, 'data action request failed');
      response = toProblemResponse(dataActionProblem('ERR_HTTP_INTERNAL'));
    }
    if (res.headersSent || res.destroyed) return;
    const json = JSON.stringify(response.body);
    res.writeHead(response.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
      'cache-control': 'no-store',
      ...response.headers,
    });
    res.end(json);
  };
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

/**
 * Reads the body as UTF-8 up to `maxBytes`. Past the limit nothing more is kept, but the rest is
 * still read (and dropped) so the caller gets its 413 instead of a reset connection.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.resolve({ kind: 'tooLarge' });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= maxBytes) chunks.push(chunk);
    });
    req.once('end', () => resolve(bytes > maxBytes ? { kind: 'tooLarge' } : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') }));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('request body was cut off'));
    });
  });
}
