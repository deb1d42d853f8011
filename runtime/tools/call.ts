import { parseCallOptions } from './simulator/call-options.js';
import { GenesysClient, PCMU_MONO_OFFER, UpgradeRefusedError } from './simulator/genesys-client.js';
import { readCallerWav, writeMulawWav } from './simulator/wav.js';

/**
 * `npm run call`: plays the part of Genesys Cloud's Audio Connector against a server and prints the
 * protocol conversation. Defaults work against `npm start` with no flags.
 */

const HELP = `Usage: npm run call -- [options]

  --url <ws-url>            server endpoint (default ws://127.0.0.1:8080/audiohook/default)
  --api-key <key>           X-API-KEY (default: the development key)
  --client-secret <base64>  signing secret; "" sends an unsigned request (default: the development secret)
  --connector <id>          connect to /audiohook/<id> on the --url host (e.g. transcription)
  --wav <file>              caller audio (mono WAV, PCMU or 16-bit PCM; resampled to 8 kHz); default silence
  --stereo                  offer external + internal and send the WAV on both channels
                            (a silent connector, e.g. transcription, is hung up 2 s after the WAV ends)
  --dtmf <digits>           keys to press, e.g. 12# (after the bot's first prompt has played,
                            or 2 s after open if the bot stays silent)
  --record <file>           write the bot's audio to a μ-law WAV file
  --language <code>         open.language (default en-US)
  --input <name=value>      an Architect input variable (repeatable)
  --max-seconds <n>         hang up after n seconds if the bot has not ended the call (default 60)
  --probe                   run a connection probe (what Genesys does when the integration is saved)
  --quiet                   print only the summary
`;

const FRAME_MS = 200;
const FRAME_BYTES = 1600;
const PING_EVERY_MS = 5000;

/** Said when the caller will neither speak nor press keys, so the ending does not look like a failure. */
const SILENT_CALLER_NOTE =
  'no --wav or --dtmf: the caller stays silent, so the bot re-prompts and hands the call back with ' +
  'botOutcome=fallback (about 30 s with the default bot). Try --dtmf 1 for a whole short call.';

async function main(): Promise<number> {
  const parsed = parseCallOptions(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${parsed.problems.join('\n')}\n\nnpm run call -- --help lists the options.\n`);
    return 2;
  }
  const options = parsed.value;
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const started = performance.now();
  const t = (): string => `${((performance.now() - started) / 1000).toFixed(2).padStart(6)}s`;
  const print = (line: string): void => {
    if (!options.quiet) process.stdout.write(`${t()} ${line}\n`);
  };
  const callerAudio = options.wav === undefined ? new Uint8Array(0) : await readCallerWav(options.wav);
  const maxMs = options.maxMs;
  if (!options.probe && options.wav === undefined && options.dtmf === '') {
    print(SILENT_CALLER_NOTE);
  }

  let client: GenesysClient;
  try {
    client = await GenesysClient.connect({
      url: options.url,
      apiKey: options.apiKey,
      clientSecret: options.clientSecret,
      onTrace: (direction, message) => print(describe(direction, message)),
    });
  } catch (error) {
    if (error instanceof UpgradeRefusedError) {
      process.stderr.write(`upgrade refused: HTTP ${error.status} ${error.body}\n`);
      return 1;
    }
    throw error;
  }
  print(`connected to ${options.url} (session ${client.sessionId})`);

  const answer = options.probe
    ? await client.openProbe()
    : await client.open({
        language: options.language,
        inputVariables: options.inputVariables,
        media: [options.stereo ? { ...PCMU_MONO_OFFER, channels: ['external', 'internal'] } : PCMU_MONO_OFFER],
      });
  if (answer.type !== 'opened') {
    await client.closed;
    return summarize(client, options.record, t);
  }
  if (options.probe) {
    await client.close('end');
    await client.closed;
    return summarize(client, options.record, t);
  }

  // Real-time caller audio in 200 ms frames (deadline-paced), pings every 5 s, DTMF after the first prompt.
  const digits = [...options.dtmf];
  let nextFrameAt = performance.now();
  let nextPingAt = performance.now() + 1000;
  let offset = 0;
  let firstPromptDone = false;
  let nextDigitAt = Number.POSITIVE_INFINITY;
  const silence = new Uint8Array(FRAME_BYTES).fill(0xff);
  const ended = client.waitFor('closed', maxMs + 15_000).catch(() => undefined);
  let finished = false;
  void ended.then(() => (finished = true));
  void client.closed.then(() => (finished = true));

  while (!finished && performance.now() - started < maxMs) {
    const now = performance.now();
    if (now >= nextFrameAt) {
      const frame = offset < callerAudio.length ? callerAudio.subarray(offset, offset + FRAME_BYTES) : silence;
      offset += FRAME_BYTES;
      const whole = frame.length === FRAME_BYTES ? frame : padded(frame);
      if (options.stereo) client.sendAudio(bothChannels(whole), 2);
      else client.sendAudio(whole);
      nextFrameAt += FRAME_MS;
    }
    // A connector that never speaks (transcription, listen) has nothing more to do once the WAV has played.
    if (options.wav !== undefined && client.audio.length === 0 && offset >= callerAudio.length + 10 * FRAME_BYTES) break;
    if (now >= nextPingAt) {
      nextPingAt += PING_EVERY_MS;
      client.ping().then((rtt) => print(`  rtt ${rtt.toFixed(1)} ms`)).catch(() => undefined);
    }
    if (!firstPromptDone && client.received.length > 1 && !client.playing && client.audio.length > 0) {
      firstPromptDone = true;
      nextDigitAt = now + 300;
    }
    if (!firstPromptDone && now - started > 2000 && client.audio.length === 0) {
      firstPromptDone = true; // a silent bot: press keys anyway
      nextDigitAt = now;
    }
    if (digits.length > 0 && now >= nextDigitAt) {
      client.dtmf(digits.shift()!);
      nextDigitAt = now + 250;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(nextFrameAt, nextPingAt) - performance.now())));
  }
  if (!finished && client.socketOpen) {
    print('hanging up');
    await client.close('end').catch(() => undefined);
  }
  await client.closed;
  return summarize(client, options.record, t);
}

/** A mono PCMU frame as a stereo one, the same audio on `external` and `internal` (interleaved). */
function bothChannels(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(frame.length * 2);
  for (let i = 0; i < frame.length; i++) out[2 * i] = out[2 * i + 1] = frame[i]!;
  return out;
}

function padded(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_BYTES).fill(0xff);
  out.set(frame);
  return out;
}

function describe(direction: 'in' | 'out', m: Record<string, unknown>): string {
  const arrow = direction === 'out' ? '→' : '←';
  const params = (m.parameters ?? {}) as Record<string, unknown>;
  const seqs = direction === 'out' ? `seq=${String(m.seq)} serverseq=${String(m.serverseq)}` : `seq=${String(m.seq)} clientseq=${String(m.clientseq)}`;
  const detail = Object.keys(params).length === 0 ? '' : ` ${JSON.stringify(params)}`;
  return `${arrow} ${String(m.type)} ${seqs}${detail.length > 200 ? `${detail.slice(0, 200)}…` : detail}`;
}

async function summarize(client: GenesysClient, record: string | undefined, t: () => string): Promise<number> {
  const audio = client.audioBytes();
  if (record !== undefined) await writeMulawWav(record, audio);
  const disconnect = client.received.find((m) => m.type === 'disconnect');
  const closed = client.received.some((m) => m.type === 'closed');
  process.stdout.write(
    `${t()} summary: ${closed ? 'closed cleanly' : 'no closed received'}; bot audio ${(audio.length / 8000).toFixed(1)} s in ${client.audio.length} messages` +
      (disconnect === undefined ? '' : `; disconnect ${JSON.stringify(disconnect.parameters)}`) +
      (record === undefined ? '' : `; recorded to ${record}`) +
      `\n`,
  );
  const outcome = (disconnect?.parameters as { outputVariables?: { botOutcome?: unknown } } | undefined)?.outputVariables?.botOutcome;
  if (closed && outcome === 'fallback') {
    process.stdout.write('The bot handed the call back with botOutcome=fallback (no usable input): the call itself worked.\n');
  }
  for (const v of client.violations) process.stdout.write(`protocol violation by the server: ${v}\n`);
  return closed && client.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
