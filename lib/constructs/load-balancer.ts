import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Peer, Port, SecurityGroup, type IVpc, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import {
  ApplicationListenerRule,
  ApplicationLoadBalancer,
  ApplicationProtocol,
  ListenerAction,
  ListenerCondition,
  SslPolicy,
  type ApplicationListener,
  type ApplicationTargetGroup,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ARecord, RecordTarget, type IHostedZone } from 'aws-cdk-lib/aws-route53';
import { LoadBalancerTarget } from 'aws-cdk-lib/aws-route53-targets';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { ROUTE_PATH_PATTERNS } from '../../runtime/src/server/routes.js';

/** Props of {@link BotLoadBalancer}. */
export interface BotLoadBalancerProps {
  readonly vpc: IVpc;
  /** Public subnets for the internet-facing load balancer. */
  readonly subnets: SubnetSelection;
  /** Host name Genesys connects to; only requests for this host are forwarded. */
  readonly domainName: string;
  /** Zone for the alias record and for validating a new certificate. */
  readonly hostedZone?: IHostedZone;
  /** Certificate for the HTTPS listener; default a new DNS-validated one in `hostedZone`. */
  readonly certificate?: ICertificate;
  /** Idle timeout of connections (WebSockets included). */
  readonly idleTimeout: Duration;
  /**
   * IPv4 CIDRs allowed to connect (Genesys's published AudioHook ranges, docs/deploy.md §8).
   * @default [] — anywhere
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * Attach an AWS WAF web ACL that blocks a client IP above this many requests per 5 minutes.
   * @default undefined — no WAF
   */
  readonly wafRateLimit?: number;
}

/**
 * The internet-facing ALB: TLS on 443 (HTTP redirected), access logs, a fixed 404 for everything no
 * rule forwards, and rules built from the server's own route list (runtime/src/server/routes.ts).
 * `/health` is never forwarded: it is for the target group's health check, not the internet.
 * A seam of {@link VoiceBotService}, not a construct of its own: its resources are created in the
 * given scope, so their logical ids (and the deployed ALB) stay what they were before the split.
 */
export class BotLoadBalancer {
  public readonly loadBalancer: ApplicationLoadBalancer;
  public readonly securityGroup: SecurityGroup;
  public readonly httpsListener: ApplicationListener;
  public readonly certificate: ICertificate;
  /** Bucket receiving the access logs. */
  public readonly accessLogBucket: Bucket;
  /** The web ACL, when `wafRateLimit` is set. */
  public readonly webAcl?: CfnWebACL;
  private readonly domainName: string;

  constructor(
    private readonly scope: Construct,
    props: BotLoadBalancerProps,
  ) {
    this.domainName = props.domainName;
    this.certificate =
      props.certificate ??
      new Certificate(scope, 'Certificate', { domainName: props.domainName, validation: CertificateValidation.fromDns(props.hostedZone) });
    this.securityGroup = this.createSecurityGroup(props.vpc, props.allowedCidrs ?? []);
    this.accessLogBucket = this.createAccessLogBucket();

    this.loadBalancer = new ApplicationLoadBalancer(scope, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: true,
      securityGroup: this.securityGroup,
      idleTimeout: props.idleTimeout,
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.logAccessLogs(this.accessLogBucket, 'alb');
    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: ApplicationProtocol.HTTPS,
      certificates: [this.certificate],
      // TLS 1.3 + 1.2 with hybrid post-quantum key exchange offered; same ciphers as RECOMMENDED_TLS.
      sslPolicy: SslPolicy.TLS13_12_PQ,
      defaultAction: ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not Found' }),
      open: false,
    });
    this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: false });
    if (props.wafRateLimit !== undefined) this.webAcl = this.attachWebAcl(props.wafRateLimit);
    if (props.hostedZone !== undefined) {
      new ARecord(scope, 'AliasRecord', {
        zone: props.hostedZone,
        recordName: props.domainName,
        target: RecordTarget.fromAlias(new LoadBalancerTarget(this.loadBalancer)),
      });
    }
  }

  /**
   * Forwards the AudioHook paths for the bot's host name to `targets`, and the Data Action path too
   * when the load balancer serves it.
   */
  forwardRoutes(targets: ApplicationTargetGroup, options: { readonly dataAction: boolean }): void {
    const rule = (id: string, priority: number, paths: readonly string[]): ApplicationListenerRule =>
      new ApplicationListenerRule(this.scope, id, {
        listener: this.httpsListener,
        priority,
        conditions: [ListenerCondition.hostHeaders([this.domainName]), ListenerCondition.pathPatterns([...paths])],
        action: ListenerAction.forward([targets]),
      });
    rule('BotRoutes', 10, ROUTE_PATH_PATTERNS.audiohook);
    if (options.dataAction) rule('DataActionRoute', 20, ROUTE_PATH_PATTERNS.dataAction);
  }

  private createSecurityGroup(vpc: IVpc, allowedCidrs: readonly string[]): SecurityGroup {
    const group = new SecurityGroup(this.scope, 'LoadBalancerSecurityGroup', {
      vpc,
      description: 'Voice bot ALB: HTTPS from Genesys Cloud (and the HTTP redirect)',
      allowAllOutbound: false,
    });
    const peers = allowedCidrs.length === 0 ? [Peer.anyIpv4()] : allowedCidrs.map((cidr) => Peer.ipv4(cidr));
    for (const peer of peers) {
      group.addIngressRule(peer, Port.tcp(443), 'HTTPS (wss) from Genesys Cloud');
      group.addIngressRule(peer, Port.tcp(80), 'HTTP, answered with a redirect to HTTPS');
    }
    if (allowedCidrs.length === 0) {
      Validations.of(group).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          'Genesys Cloud connects from AWS-pool addresses that change over time; every upgrade is authenticated with an API key and HTTP message signature instead (narrow it with the allowedCidrs context, docs/deploy.md §8).',
      });
    }
    return group;
  }

  private createAccessLogBucket(): Bucket {
    const bucket = new Bucket(this.scope, 'AccessLogs', {
      // ALB access logs support SSE-S3 only.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is itself the access-log destination of the load balancer; logging access to it would need yet another log bucket.',
    });
    return bucket;
  }

  /**
   * A regional web ACL with one rate-based rule per client IP. WAF sees HTTP requests only: for
   * AudioHook that is one upgrade per call, never the WebSocket frames.
   */
  private attachWebAcl(limit: number): CfnWebACL {
    const metricPrefix = Stack.of(this.scope).stackName;
    const webAcl = new CfnWebACL(this.scope, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `${metricPrefix}-WebAcl`, sampledRequestsEnabled: true },
      rules: [
        {
          name: 'RateLimitPerClientIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `${metricPrefix}-RateLimit`, sampledRequestsEnabled: true },
        },
      ],
    });
    new CfnWebACLAssociation(this.scope, 'WebAclAssociation', { resourceArn: this.loadBalancer.loadBalancerArn, webAclArn: webAcl.attrArn });
    return webAcl;
  }
}
