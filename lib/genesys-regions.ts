/**
 * Genesys Cloud domain → AWS Region it runs in (docs/aws-notes.md §8, from the Genesys CX-as-Code
 * provider and SDK region tables). Deploying the bot in the same Region keeps the audio path short.
 * For the newer, smaller Regions check that Transcribe streaming and the wanted Polly voices exist;
 * if not, pass an explicit `region` instead.
 */
export const GENESYS_REGIONS = Object.freeze({
  'mypurecloud.com': 'us-east-1',
  'use2.us-gov-pure.cloud': 'us-east-2',
  'usw2.pure.cloud': 'us-west-2',
  'cac1.pure.cloud': 'ca-central-1',
  'sae1.pure.cloud': 'sa-east-1',
  'mxc1.pure.cloud': 'mx-central-1',
  'mypurecloud.ie': 'eu-west-1',
  'euw2.pure.cloud': 'eu-west-2',
  'mypurecloud.de': 'eu-central-1',
  'euc2.pure.cloud': 'eu-central-2',
  'mec1.pure.cloud': 'me-central-1',
  'aps1.pure.cloud': 'ap-south-1',
  'apse1.pure.cloud': 'ap-southeast-1',
  'mypurecloud.com.au': 'ap-southeast-2',
  'mypurecloud.jp': 'ap-northeast-1',
  'apne2.pure.cloud': 'ap-northeast-2',
  'apne3.pure.cloud': 'ap-northeast-3',
} as const);

/** A Genesys Cloud domain this app knows, e.g. `mypurecloud.ie`. */
export type GenesysDomain = keyof typeof GENESYS_REGIONS;

/**
 * Returns the AWS Region of a Genesys Cloud domain, or undefined if the domain is unknown.
 * Accepts the forms admins copy from their browser: `mypurecloud.ie`, `apps.mypurecloud.ie`,
 * `https://login.mypurecloud.ie/`; case does not matter.
 */
export function awsRegionForGenesys(domain: string): string | undefined {
  const host = domain
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/:].*$/, '')
    .replace(/^(apps|login|api)\./, '');
  return Object.hasOwn(GENESYS_REGIONS, host) ? GENESYS_REGIONS[host as GenesysDomain] : undefined;
}
