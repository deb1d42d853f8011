import { parseArgs } from 'node:util';
import { DEVELOPMENT_API_KEY, DEVELOPMENT_CLIENT_SECRET_BASE64 } from '../../src/auth/api-key-map.js';

/** What `npm run call` does, from its command line, validated. */
export interface CallOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly clientSecret: string;
  readonly wav: string | undefined;
  /** Offer `external` + `internal` and send the WAV on both channels (a Monitor or transcription stream). */
  readonly stereo: boolean;
  readonly dtmf: string;
  readonly record: string | undefined;
  readonly language: string;
  readonly inputVariables: Readonly<Record<string, string>>;
  readonly maxMs: number;
  readonly probe: boolean;
  readonly quiet: boolean;
  readonly help: boolean;
}

export type ParsedCallOptions = { readonly ok: true; readonly value: CallOptions } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Parses `npm run call` arguments. Unknown options, stray arguments and bad values are all reported
 * together (`--max-seconds abc` is a mistake, not "hang up at once").
 */
export function parseCallOptions(args: readonly string[]): ParsedCallOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string', default: 'ws://127.0.0.1:8080/audiohook/default' },
        'api-key': { type: 'string', default: DEVELOPMENT_API_KEY },
        'client-secret': { type: 'string', default: DEVELOPMENT_CLIENT_SECRET_BASE64 },
        wav: { type: 'string' },
        connector: { type: 'string' },
        stereo: { type: 'boolean', default: false },
        dtmf: { type: 'string', default: '' },
        record: { type: 'string' },
        language: { type: 'string', default: 'en-US' },
        input: { type: 'string', multiple: true, default: [] },
        'max-seconds': { type: 'string', default: '60' },
        probe: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
  const problems: string[] = [];
  const maxSeconds = Number(values['max-seconds']);
  if (values['max-seconds'].trim() === '' || !Number.isFinite(maxSeconds) || maxSeconds <= 0) {
    problems.push(`--max-seconds expects a number of seconds above 0, got "${values['max-seconds']}"`);
  }
  if (!/^[0-9*#]*$/.test(values.dtmf)) problems.push(`--dtmf expects keys 0-9, * and #, got "${values.dtmf}"`);
  if (!/^wss?:\/\/./.test(values.url)) problems.push(`--url expects a ws:// or wss:// address, got "${values.url}"`);
  if (values.connector !== undefined && !/^[A-Za-z0-9_-]+$/.test(values.connector)) {
    problems.push(`--connector expects a connector id (letters, digits, - and _), got "${values.connector}"`);
  }
  const url = values.connector === undefined ? values.url : withConnector(values.url, values.connector);
  const inputVariables: Record<string, string> = {};
  for (const pair of values.input) {
    const at = pair.indexOf('=');
    if (at < 1) problems.push(`--input expects name=value, got "${pair}"`);
    else inputVariables[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      url,
      apiKey: values['api-key'],
      clientSecret: values['client-secret'],
      wav: values.wav,
      stereo: values.stereo,
      dtmf: values.dtmf,
      record: values.record,
      language: values.language,
      inputVariables,
      maxMs: maxSeconds * 1000,
      probe: values.probe,
      quiet: values.quiet,
      help: values.help,
    },
  };
}

/** The URL with its path replaced by `/audiohook/<connector>`. */
function withConnector(url: string, connector: string): string {
  try {
    const parsed = new URL(url);
    parsed.pathname = `/audiohook/${connector}`;
    return parsed.toString();
  } catch {
    return url;
  }
}
