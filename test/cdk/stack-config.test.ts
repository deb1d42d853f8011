import { describe, expect, it } from 'vitest';
import { awsRegionForGenesys, GENESYS_REGIONS } from '../../lib/genesys-regions.js';
import {
  EXAMPLE_CONTEXT,
  parseStackConfig,
  StackConfigError,
  type ConfigProblem,
  type RawContext,
} from '../../lib/stack-config.js';

/** Runs the parser and returns the problems it threw (fails the test if it did not throw). */
function problemsOf(context: RawContext, env: { defaultAccount?: string } = {}): readonly ConfigProblem[] {
  try {
    parseStackConfig(context, env);
  } catch (error) {
    if (error instanceof StackConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a StackConfigError');
}

/** Problems as `code:firstKey`, which is what users act on. */
const codes = (problems: readonly ConfigProblem[]): string[] => problems.map((p) => `${p.code}:${p.keys[0]}`);

describe('parseStackConfig', () => {
  it('accepts the documented example context with its defaults', () => {
    // GIVEN the example context from docs/deploy.md
    // WHEN it is parsed
    const config = parseStackConfig(EXAMPLE_CONTEXT);
    // THEN the Region comes from the Genesys domain and the defaults apply
    expect(config).toMatchObject({
      stackName: 'GenesysVoiceBot',
      env: { region: 'eu-west-1' },
      domainName: 'bot.example.com',
      dns: { hostedZone: { zoneName: 'example.com', hostedZoneId: 'Z0EXAMPLE' } },
      network: { kind: 'new', natGateways: 1 },
      service: { cpu: 512, memoryMiB: 1024, minTasks: 2, maxTasks: 10, sessionsPerTask: 20 },
      dataActionApi: { enabled: false },
      metricsNamespace: 'GenesysVoiceBot/GenesysVoiceBot',
      logRetentionDays: 30,
    });
    expect(Object.isFrozen(config.service)).toBe(true);
  });

  it('reads -c strings as numbers, booleans and comma-separated lists', () => {
    // GIVEN values as the CLI passes them (always strings)
    const config = parseStackConfig({
      ...EXAMPLE_CONTEXT,
      taskCpu: '1024',
      taskMemoryMiB: '2048',
      dataActionApi: 'true',
      vpcId: 'vpc-0123456789abcdef0',
      vpcPublicSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa, subnet-0bbbbbbbbbbbbbbbb',
    });
    // THEN they are typed
    expect(config.service.cpu).toBe(1024);
    expect(config.dataActionApi).toEqual({ enabled: true, servedBy: 'apiGateway', rateLimit: 50, burstLimit: 100, reservedConcurrency: 20 });
    expect(config.network).toEqual({
      kind: 'existing',
      vpcId: 'vpc-0123456789abcdef0',
      publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
      privateSubnetIds: [],
    });
  });

  it('takes the account from CDK_DEFAULT_ACCOUNT unless the context names one', () => {
    // GIVEN credentials for one account and, in a second case, an explicit account
    const fromEnv = parseStackConfig(EXAMPLE_CONTEXT, { defaultAccount: '222222222222' });
    const fromContext = parseStackConfig({ ...EXAMPLE_CONTEXT, account: '333333333333' }, { defaultAccount: '222222222222' });
    // THEN context wins over the environment
    expect(fromEnv.env.account).toBe('222222222222');
    expect(fromContext.env.account).toBe('333333333333');
  });

  it('reports every missing required value at once', () => {
    // GIVEN an empty context
    // WHEN it is parsed
    // THEN the domain, the Region and the certificate source are all reported together
    expect(codes(problemsOf({}))).toEqual(['missing:genesysRegion', 'missing:domainName', 'missing:hostedZoneName']);
  });

  it('explains the problems and shows the offline example in the error message', () => {
    // GIVEN / WHEN an empty context
    const error = (() => {
      try {
        parseStackConfig({});
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    // THEN the message is actionable: a count, one line per problem and the example command
    expect(error).toBeInstanceOf(StackConfigError);
    expect(error?.message).toMatch(/3 problems/);
    expect(error?.message).toContain('npx cdk synth -c domainName=bot.example.com');
  });

  it('requires hostedZoneId with hostedZoneName so that synth needs no look-up', () => {
    // GIVEN a zone name without its id
    const problems = problemsOf({ domainName: 'bot.example.com', hostedZoneName: 'example.com', genesysRegion: 'mypurecloud.ie' });
    // THEN exactly that is reported
    expect(codes(problems)).toEqual(['missing:hostedZoneId']);
  });

  it('refuses a domain outside the hosted zone', () => {
    // GIVEN a domain in another zone
    const problems = problemsOf({ ...EXAMPLE_CONTEXT, domainName: 'bot.example.org' });
    // THEN the two values are reported as contradicting
    expect(codes(problems)).toEqual(['conflict:domainName']);
  });

  it('refuses a certificate from another Region than the load balancer', () => {
    // GIVEN a us-east-1 certificate for a stack that deploys to eu-west-1
    const problems = problemsOf({
      domainName: 'bot.example.com',
      genesysRegion: 'mypurecloud.ie',
      certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/0b1c2d3e-1111-2222-3333-444455556666',
    });
    // THEN it is a conflict on the certificate
    expect(codes(problems)).toEqual(['conflict:certificateArn']);
  });

  it('accepts an existing certificate without a hosted zone', () => {
    // GIVEN only a certificate from the right Region
    const config = parseStackConfig({
      domainName: 'bot.example.com',
      genesysRegion: 'mypurecloud.ie',
      certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e-1111-2222-3333-444455556666',
    });
    // THEN no hosted zone is configured
    expect(config.dns).toEqual({ certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e-1111-2222-3333-444455556666' });
  });

  it('refuses a region that contradicts the Genesys domain', () => {
    // GIVEN an Irish Genesys org and a Virginia Region
    const problems = problemsOf({ ...EXAMPLE_CONTEXT, region: 'us-east-1' });
    // THEN the contradiction is reported
    expect(codes(problems)).toEqual(['conflict:region']);
  });

  it('refuses an unknown Genesys domain', () => {
    // GIVEN a misspelt domain
    const problems = problemsOf({ ...EXAMPLE_CONTEXT, genesysRegion: 'mypurecloud.fr' });
    // THEN it is invalid
    expect(codes(problems)).toEqual(['invalid:genesysRegion']);
  });

  it('refuses NAT settings and subnets that contradict the VPC choice', () => {
    // GIVEN NAT gateways for an existing VPC, and subnets without a VPC
    const withVpc = problemsOf({
      ...EXAMPLE_CONTEXT,
      vpcId: 'vpc-0123456789abcdef0',
      vpcPublicSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
      natGateways: 2,
    });
    const withoutVpc = problemsOf({ ...EXAMPLE_CONTEXT, vpcPublicSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa' });
    // THEN each is a conflict
    expect(codes(withVpc)).toEqual(['conflict:natGateways']);
    expect(codes(withoutVpc)).toEqual(['conflict:vpcPublicSubnetIds']);
  });

  it('requires two public subnets for an existing VPC', () => {
    // GIVEN an existing VPC with one public subnet
    const problems = problemsOf({ ...EXAMPLE_CONTEXT, vpcId: 'vpc-0123456789abcdef0', vpcPublicSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa' });
    // THEN the missing subnet is reported
    expect(codes(problems)).toEqual(['missing:vpcPublicSubnetIds']);
  });

  it('refuses a task size Fargate does not offer and a maximum below the minimum', () => {
    // GIVEN 512 CPU units with 512 MiB, and min 4 / max 2 tasks
    const problems = problemsOf({ ...EXAMPLE_CONTEXT, taskCpu: 512, taskMemoryMiB: 512, minTasks: '4', maxTasks: '2' });
    // THEN both are conflicts
    expect(codes(problems)).toEqual(['conflict:taskMemoryMiB', 'conflict:maxTasks']);
  });

  it('refuses values of the wrong type or range', () => {
    // GIVEN a non-boolean switch, a retention CloudWatch does not offer and a non-ARN topic
    const problems = problemsOf({ ...EXAMPLE_CONTEXT, dataActionApi: 'yes', logRetentionDays: 31, alarmTopicArn: 'alerts' });
    // THEN each is invalid
    expect(codes(problems)).toEqual(['invalid:dataActionApi', 'invalid:logRetentionDays', 'invalid:alarmTopicArn']);
  });

  it('refuses Data Action throttling while the Data Action API is off', () => {
    // GIVEN a rate limit without the API
    const problems = problemsOf({ ...EXAMPLE_CONTEXT, dataActionRateLimit: 10 });
    // THEN it is a conflict
    expect(codes(problems)).toEqual(['conflict:dataActionRateLimit']);
  });

  it('reads the security-posture and redeploy settings', () => {
    const config = parseStackConfig({
      ...EXAMPLE_CONTEXT,
      allowedCidrs: '52.200.73.32/32, 10.0.0.0/8',
      loadBalancerWaf: 'true',
      wafRateLimit: '500',
      taskEgressPorts: '443,8443',
      dataActionApi: true,
      dataActionServedBy: 'loadBalancer',
      dataActionKeysSecretName: 'genesys/data-action-keys',
      apiKeySecretName: 'genesys/audiohook-keys',
      secretsKmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-1111-2222-3333-444455556666',
      participantHashSaltSecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:VoiceBotSalt-AbC123',
    });
    expect(config.loadBalancer).toEqual({ allowedCidrs: ['52.200.73.32/32', '10.0.0.0/8'], wafRateLimit: 500 });
    expect(config.taskEgressPorts).toEqual([443, 8443]);
    expect(config.dataActionApi).toMatchObject({ enabled: true, servedBy: 'loadBalancer', keysSecretName: 'genesys/data-action-keys' });
    expect(config.secretsKmsKeyArn).toMatch(/^arn:aws:kms:/);
    expect(config.participantHashSaltSecretArn).toMatch(/-AbC123$/);
  });

  it('defaults to no WAF, no CIDR restriction and egress derived from the bot files', () => {
    const config = parseStackConfig(EXAMPLE_CONTEXT);
    expect(config.loadBalancer).toEqual({ allowedCidrs: [] });
    expect(config.taskEgressPorts).toBeUndefined();
  });

  it('refuses malformed CIDRs, ports, key and secret ARNs', () => {
    const problems = problemsOf({
      ...EXAMPLE_CONTEXT,
      allowedCidrs: '52.200.73.32',
      taskEgressPorts: '443,70000',
      apiKeySecretName: 'keys',
      secretsKmsKeyArn: 'alias/mine',
      participantHashSaltSecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:salt',
    });
    expect(codes(problems)).toEqual([
      'invalid:participantHashSaltSecretArn',
      'invalid:secretsKmsKeyArn',
      'invalid:allowedCidrs',
      'invalid:taskEgressPorts',
    ]);
  });

  it('refuses settings that have no effect', () => {
    const problems = problemsOf({
      ...EXAMPLE_CONTEXT,
      wafRateLimit: 100,
      secretsKmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/abc',
      dataActionServedBy: 'loadBalancer',
    });
    expect(codes(problems)).toEqual(['conflict:dataActionServedBy', 'conflict:secretsKmsKeyArn', 'conflict:wafRateLimit']);
  });

  it('refuses Lambda-only settings when the load balancer serves the Data Action route', () => {
    const problems = problemsOf({ ...EXAMPLE_CONTEXT, dataActionApi: true, dataActionServedBy: 'loadBalancer', dataActionReservedConcurrency: 5 });
    expect(codes(problems)).toEqual(['conflict:dataActionReservedConcurrency']);
  });
});

describe('awsRegionForGenesys', () => {
  it('maps every Genesys domain of the table to its AWS Region', () => {
    // GIVEN / WHEN / THEN: the table of aws-notes §8, spot-checked at both ends
    expect(Object.keys(GENESYS_REGIONS)).toHaveLength(17);
    expect(awsRegionForGenesys('mypurecloud.com')).toBe('us-east-1');
    expect(awsRegionForGenesys('apne3.pure.cloud')).toBe('ap-northeast-3');
  });

  it('accepts the host names admins copy from the browser', () => {
    // GIVEN / WHEN / THEN: scheme, login/apps/api prefixes, path and case are ignored
    expect(awsRegionForGenesys('https://login.mypurecloud.de/')).toBe('eu-central-1');
    expect(awsRegionForGenesys('Apps.MyPureCloud.ie')).toBe('eu-west-1');
    expect(awsRegionForGenesys('example.com')).toBeUndefined();
  });
});
