import { randomBytes, randomUUID } from 'node:crypto';
import { signRequest } from '../../src/auth/http-signature/sign.js';

/** The three ids Genesys puts in the upgrade headers (AudioHook §1.2). */
export interface AudioHookIds {
  readonly organizationId: string;
  readonly sessionId: string;
  readonly correlationId: string;
}

export interface GenesysHeaderOptions {
  /** Request target and host as signed: path plus query, and `host[:port]`. */
  readonly requestTarget: string;
  readonly authority: string;
  readonly apiKey: string;
  /** Base64 client secret; empty or absent = an unsigned request. */
  readonly clientSecret?: string;
  /** Fresh random ids unless given. */
  readonly ids?: Partial<AudioHookIds>;
  /** Signature `created` (Unix seconds); now unless given. */
  readonly createdSec?: number;
  readonly nonce?: string;
}

/**
 * The upgrade headers Genesys Cloud sends, signed as it signs them (HTTP Message Signature over the
 * six components, 30 s lifetime, 18-byte random nonce). Used by the simulator, the benchmark and the
 * test clients, so all of them connect exactly like Genesys.
 */
export function genesysUpgradeHeaders(options: GenesysHeaderOptions): { ids: AudioHookIds; headers: [string, string][] } {
  const ids: AudioHookIds = {
    organizationId: options.ids?.organizationId ?? randomUUID(),
    sessionId: options.ids?.sessionId ?? randomUUID(),
    correlationId: options.ids?.correlationId ?? randomUUID(),
  };
  const headers: [string, string][] = [
    ['User-Agent', 'GenesysCloud-AudioHook-Client'],
    ['Audiohook-Organization-Id', ids.organizationId],
    ['Audiohook-Session-Id', ids.sessionId],
    ['Audiohook-Correlation-Id', ids.correlationId],
    ['X-API-KEY', options.apiKey],
  ];
  if (options.clientSecret !== undefined && options.clientSecret !== '') {
    const created = options.createdSec ?? Math.floor(Date.now() / 1000);
    const signed = signRequest({
      requestTarget: options.requestTarget,
      authority: options.authority,
      ...ids,
      apiKey: options.apiKey,
      clientSecret: Buffer.from(options.clientSecret, 'base64'),
      nonce: options.nonce ?? randomBytes(18).toString('base64'),
      createdSec: created,
      expiresSec: created + 30,
    });
    headers.push(['Signature', signed.signature], ['Signature-Input', signed.signatureInput]);
  }
  return { ids, headers };
}
