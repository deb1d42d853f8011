import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A bot needs an outbound port the tasks may not use; the message names each bot and port. */
export class EgressPortError extends Error {
  override readonly name = 'EgressPortError';
}

/** A bot file's outbound URL and the TCP port it needs. */
export interface BotEndpoint {
  /** Bot file name (the connector id plus `.json`). */
  readonly file: string;
  readonly url: string;
  readonly port: number;
}

/**
 * The outbound endpoints of the bot files in `botsDirectory`: the `url` of every webhook bot, with
 * the port it needs (explicit, else 443 for https and 80 for http). Reads the JSON only; the runtime
 * validates the bots properly at start. A file that is not JSON is skipped here for the same reason.
 */
export function botEndpoints(botsDirectory: string): BotEndpoint[] {
  const endpoints: BotEndpoint[] = [];
  for (const file of readdirSync(botsDirectory).filter((name) => name.endsWith('.json')).sort()) {
    let definition: unknown;
    try {
      definition = JSON.parse(readFileSync(join(botsDirectory, file), 'utf8'));
    } catch {
      continue;
    }
    const url = typeof definition === 'object' && definition !== null ? (definition as { url?: unknown }).url : undefined;
    if (typeof url !== 'string' || !URL.canParse(url)) continue;
    const parsed = new URL(url);
    const port = parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'http:' ? 80 : 443;
    endpoints.push({ file, url: `${parsed.protocol}//${parsed.host}`, port });
  }
  return endpoints;
}

/**
 * The egress ports of the tasks: `configured` (the `taskEgressPorts` context) when given, else 443
 * plus every port a bot file needs. Throws with every bot whose URL needs a port that is not open.
 */
export function taskEgressPorts(endpoints: readonly BotEndpoint[], configured?: readonly number[]): number[] {
  const open = new Set([443, ...(configured ?? endpoints.map((e) => e.port))]);
  const blocked = endpoints.filter((e) => !open.has(e.port));
  if (blocked.length > 0) {
    const lines = blocked.map((e) => `  - ${e.file}: ${e.url} needs TCP port ${e.port}`);
    throw new EgressPortError(
      [
        `Bot files need outbound ports the tasks' security group does not open (taskEgressPorts = ${[...open].sort((a, b) => a - b).join(',')}):`,
        ...lines,
        'Add the ports to taskEgressPorts (or leave it unset to derive the ports from the bot files), or change the bot URLs.',
      ].join('\n'),
    );
  }
  return [...open].sort((a, b) => a - b);
}
