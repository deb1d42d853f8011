import { parseArgs } from 'node:util';
import { startLocalAws } from './local-aws-server.js';

const HELP = `Usage: npm run aws-local -- [options]

Starts local Transcribe streaming, Polly and Bedrock Runtime endpoints (one HTTP/2 server) and
prints the environment that points the AWS SDK at them. In another terminal:
  # copy the export lines it prints, then:
  SPEECH_MODE=aws npm start

  --port <n>              port to listen on (default 4599; 0 = any free port)
  --host <address>        address to listen on (default 127.0.0.1)
  --region <name>         AWS_REGION to print (default us-east-1)
  --say <phrase>          a phrase the next speech segment "says" (repeatable, in order)
  --default-phrase <text> what segments say once the --say phrases are used up
                          (default: a marked placeholder; the endpoint does not recognise speech)
  --streams <n>           concurrent Transcribe streams allowed (default 25, the service's default quota)
  --polly-tps <n>         Polly requests per second before ThrottlingException (default 8, burst 10)
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4599' },
      host: { type: 'string', default: '127.0.0.1' },
      region: { type: 'string', default: 'us-east-1' },
      say: { type: 'string', multiple: true, default: [] },
      'default-phrase': { type: 'string' },
      streams: { type: 'string' },
      'polly-tps': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = wholeNumber(values.port, '--port', 0);
  const streams = values.streams === undefined ? undefined : wholeNumber(values.streams, '--streams', 1);
  const tps = values['polly-tps'] === undefined ? undefined : wholeNumber(values['polly-tps'], '--polly-tps', 1);
  const aws = await startLocalAws({
    port,
    host: values.host,
    transcribe: {
      ...(streams === undefined ? {} : { maxConcurrentStreams: streams }),
      ...(values['default-phrase'] === undefined ? {} : { defaultPhrase: values['default-phrase'] }),
    },
    polly: tps === undefined ? {} : { requestsPerSecond: tps, burst: Math.max(tps, Math.ceil(tps * 1.25)) },
  });
  aws.transcribe.say(...values.say);
  const exports = Object.entries(aws.environment(values.region)).map(([name, value]) => `export ${name}=${value}`);
  process.stdout.write(`${exports.join('\n')}\nexport SPEECH_MODE=aws\n`);
  process.stderr.write(`local AWS endpoints on ${aws.url} (Transcribe streaming, Polly, Bedrock Runtime); Ctrl-C stops them\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await aws.close();
  return 0;
}

function wholeNumber(text: string, name: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be a whole number ≥ ${min}`);
  return value;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`aws-local failed: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    process.exit(2);
  },
);
