import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  IpAddresses,
  Subnet,
  SubnetType,
  Vpc,
  type IVpc,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Subnets of an existing VPC to deploy into. */
export interface ExistingVpcProps {
  /** The VPC id (`vpc-…`). */
  readonly vpcId: string;
  /** At least two public subnets in different Availability Zones, for the internet-facing load balancer. */
  readonly publicSubnetIds: readonly string[];
  /**
   * Private subnets with a route to the internet (NAT) for the tasks.
   * @default [] — tasks run in the public subnets with public IPs
   */
  readonly privateSubnetIds?: readonly string[];
}

/** Props of {@link Network}. */
export interface NetworkProps {
  /**
   * Deploy into an existing VPC instead of creating one. Excludes `natGateways`.
   * @default undefined — a new VPC across two Availability Zones
   */
  readonly existing?: ExistingVpcProps;
  /**
   * NAT gateways of a new VPC. 0 puts the tasks into public subnets with public IPs (cheapest: no
   * NAT hourly and per-GB charges); 1 shares one NAT gateway (one AZ's outage cuts egress for all
   * tasks); 2 gives each AZ its own.
   * @default 1
   */
  readonly natGateways?: number;
  /**
   * Retention of the new VPC's flow log (rejected traffic only).
   * @default RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: RetentionDays;
}

/**
 * The network the bot runs in: a new two-AZ VPC or subnets of an existing one. Exposes where the
 * load balancer and the tasks go, and whether tasks need public IPs to reach AWS APIs.
 * Never looks anything up, so `cdk synth` works offline.
 */
export class Network extends Construct {
  /** The VPC (created or imported). */
  public readonly vpc: IVpc;
  /** Public subnets for the internet-facing load balancer. */
  public readonly loadBalancerSubnets: SubnetSelection;
  /** Subnets for the Fargate tasks. */
  public readonly taskSubnets: SubnetSelection;
  /** True when tasks sit in public subnets and need a public IP for egress. */
  public readonly assignPublicIp: boolean;
  /** Flow log destination of a new VPC; undefined for an existing VPC. */
  public readonly flowLogGroup?: LogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const natGateways = props.natGateways ?? 1;
    if (props.existing !== undefined && props.natGateways !== undefined) {
      throw new Error(`${this.node.path}: natGateways and existing exclude each other (an existing VPC keeps its routing)`);
    }
    if (!Number.isInteger(natGateways) || natGateways < 0 || natGateways > 2) {
      throw new Error(`${this.node.path}: natGateways must be 0, 1 or 2`);
    }

    if (props.existing !== undefined) {
      const { vpcId, publicSubnetIds, privateSubnetIds = [] } = props.existing;
      if (publicSubnetIds.length < 2) throw new Error(`${this.node.path}: existing.publicSubnetIds needs at least two subnets`);
      // Imported by id only (no look-up). Every subnet selection below lists its subnets, so the
      // VPC's own AZ list (required by the API) is never used to pick subnets.
      this.vpc = Vpc.fromVpcAttributes(this, 'Vpc', { vpcId, availabilityZones: [Fn.select(0, Fn.getAzs())] });
      const subnets = (ids: readonly string[], prefix: string): SubnetSelection => ({
        subnets: ids.map((subnetId, i) => Subnet.fromSubnetId(this, `${prefix}${i}`, subnetId)),
      });
      this.loadBalancerSubnets = subnets(publicSubnetIds, 'PublicSubnet');
      this.assignPublicIp = privateSubnetIds.length === 0;
      this.taskSubnets = this.assignPublicIp ? this.loadBalancerSubnets : subnets(privateSubnetIds, 'PrivateSubnet');
      return;
    }

    const vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: 2,
      natGateways,
      subnetConfiguration:
        natGateways === 0
          ? [{ name: 'Public', subnetType: SubnetType.PUBLIC, cidrMask: 22 }]
          : [
              { name: 'Public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
              { name: 'Tasks', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
            ],
    });
    // Rejected flows only: enough to investigate blocked traffic, at a fraction of full flow-log volume.
    this.flowLogGroup = new LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: FlowLogTrafficType.REJECT,
    });
    this.vpc = vpc;
    this.loadBalancerSubnets = { subnetType: SubnetType.PUBLIC };
    this.assignPublicIp = natGateways === 0;
    this.taskSubnets = { subnetType: natGateways === 0 ? SubnetType.PUBLIC : SubnetType.PRIVATE_WITH_EGRESS };
  }
}
