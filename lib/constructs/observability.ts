import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { FargateService } from 'aws-cdk-lib/aws-ecs';
import {
  HttpCodeElb,
  HttpCodeTarget,
  type ApplicationLoadBalancer,
  type ApplicationTargetGroup,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRIC_NAMES } from '../../runtime/src/config/metric-names.js';

/** Metric names the server publishes in its namespace, shared with the runtime. */
export const SERVER_METRICS = METRIC_NAMES;

/** Props of {@link Observability}. */
export interface ObservabilityProps {
  /** Namespace the server publishes {@link SERVER_METRICS} in. */
  readonly metricsNamespace: string;
  /** The bot's load balancer. */
  readonly loadBalancer: ApplicationLoadBalancer;
  /** The tasks' target group. */
  readonly targetGroup: ApplicationTargetGroup;
  /** The Fargate service. */
  readonly service: FargateService;
  /**
   * The Data Action handler, whose invocations and errors get a widget.
   * @default undefined — no Lambda widget
   */
  readonly dataActionHandler?: IFunction;
  /**
   * Topic notified when an alarm fires or recovers.
   * @default undefined — alarms only show in the console
   */
  readonly alarmTopic?: ITopic;
  /**
   * Dashboard name (unique per account).
   * @default `<stack name>-<region>`
   */
  readonly dashboardName?: string;
}

/**
 * A CloudWatch dashboard of call health (sessions, turns, latency, barge-ins, 429s, errors,
 * Transcribe/Polly failures, load balancer and tasks) and alarms on load-balancer 5xx, unhealthy
 * targets and speech-dependency failures.
 */
export class Observability extends Construct {
  /** The dashboard. */
  public readonly dashboard: Dashboard;
  /** Console URL of the dashboard. */
  public readonly dashboardUrl: string;
  /** 5xx answered by the load balancer itself (no healthy target, target reset). */
  public readonly loadBalancer5xxAlarm: Alarm;
  /** 5xx answered by the server. */
  public readonly target5xxAlarm: Alarm;
  /** At least one target failing health checks. */
  public readonly unhealthyTargetsAlarm: Alarm;
  /** Transcribe or Polly failures reported by the server. */
  public readonly dependencyErrorsAlarm: Alarm;
  /** Transcribe refused streams: the concurrent-stream quota (or start rate) is reached. */
  public readonly transcribeLimitAlarm: Alarm;
  /** Polly throttled synthesis: the request-rate quota (or the tasks' own limiter) is reached. */
  public readonly pollyThrottledAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const server = (metricName: string, statistic: string, label: string): Metric =>
      new Metric({ namespace: props.metricsNamespace, metricName, statistic, period: Duration.minutes(1), label });
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };

    this.loadBalancer5xxAlarm = new Alarm(this, 'LoadBalancer5xx', {
      alarmDescription: 'The ALB answered 5xx itself: no healthy task, or tasks reset connections.',
      metric: props.loadBalancer.metrics.httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, fiveMinutes),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.target5xxAlarm = new Alarm(this, 'Target5xx', {
      alarmDescription: 'The voice bot server answered 5xx.',
      metric: props.targetGroup.metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, fiveMinutes),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.unhealthyTargetsAlarm = new Alarm(this, 'UnhealthyTargets', {
      alarmDescription: 'At least one voice bot task fails the /health check for 3 minutes.',
      metric: props.targetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.dependencyErrorsAlarm = new Alarm(this, 'DependencyErrors', {
      alarmDescription: 'Transcribe or Polly failed during calls (callers heard fallback prompts).',
      metric: new MathExpression({
        expression: 'FILL(recognizer, 0) + FILL(synthesizer, 0)',
        usingMetrics: {
          recognizer: server(SERVER_METRICS.recognizerFailures, 'Sum', 'Recognizer failures').with({ period: Duration.minutes(5) }),
          synthesizer: server(SERVER_METRICS.synthesizerFailures, 'Sum', 'Synthesizer failures').with({ period: Duration.minutes(5) }),
        },
        period: Duration.minutes(5),
        label: 'Speech dependency failures',
      }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // Capacity: any refusal in a minute means callers at the quota got the fallback prompt or waited;
    // raise the quota (docs/deploy.md, "Service quotas") before it becomes the normal case.
    this.transcribeLimitAlarm = new Alarm(this, 'TranscribeLimitExceeded', {
      alarmDescription: 'Transcribe refused streams (LimitExceededException): the concurrent-stream quota is reached. See docs/deploy.md, Service quotas.',
      metric: server(SERVER_METRICS.transcribeLimitExceeded, 'Sum', 'Transcribe limit exceeded').with({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.pollyThrottledAlarm = new Alarm(this, 'PollyThrottled', {
      alarmDescription: 'Polly throttled synthesis (or the request limiter was full) in 3 of the last 5 minutes. See docs/deploy.md, Service quotas.',
      metric: server(SERVER_METRICS.pollyThrottled, 'Sum', 'Polly throttled').with({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const alarms = [
      this.loadBalancer5xxAlarm,
      this.target5xxAlarm,
      this.unhealthyTargetsAlarm,
      this.dependencyErrorsAlarm,
      this.transcribeLimitAlarm,
      this.pollyThrottledAlarm,
    ];
    if (props.alarmTopic !== undefined) {
      const action = new SnsAction(props.alarmTopic);
      for (const alarm of alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }

    const dashboardName = props.dashboardName ?? `${stack.stackName}-${stack.region}`;
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName, defaultInterval: Duration.hours(3) });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []): GraphWidget =>
      new GraphWidget({ title, left, right, width: 8, height: 6 });
    const runningTasks = new Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: props.service.cluster.clusterName, ServiceName: props.service.serviceName },
      statistic: 'Average',
      period: Duration.minutes(1),
      label: 'Running tasks',
    });
    this.dashboard.addWidgets(
      // Each task publishes one sample a minute, so Sum is all live calls and Average the per-task load.
      graph(
        'Active sessions',
        [server(SERVER_METRICS.activeSessions, 'Sum', 'All tasks'), server(SERVER_METRICS.activeSessions, 'Average', 'Per task')],
        [runningTasks],
      ),
      graph('Turns and barge-ins', [server(SERVER_METRICS.turns, 'Sum', 'Turns')], [server(SERVER_METRICS.bargeIns, 'Sum', 'Barge-ins')]),
      graph('Turn latency (ms)', [
        server(SERVER_METRICS.turnLatencyMs, 'p50', 'p50'),
        server(SERVER_METRICS.turnLatencyMs, 'p95', 'p95'),
        server(SERVER_METRICS.turnLatencyMs, 'p99', 'p99'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Genesys 429 (rate limited)', [server(SERVER_METRICS.rateLimited429, 'Sum', '429 received')]),
      graph(
        'Session errors and refused connections',
        [server(SERVER_METRICS.sessionErrors, 'Sum', 'Session errors')],
        [server(SERVER_METRICS.connectionsRefused, 'Sum', 'Connections refused (cap)')],
      ),
      graph('Transcribe / Polly failures', [
        server(SERVER_METRICS.recognizerFailures, 'Sum', 'Recognizer (Transcribe)'),
        server(SERVER_METRICS.synthesizerFailures, 'Sum', 'Synthesizer (Polly)'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Service quotas reached', [
        server(SERVER_METRICS.transcribeLimitExceeded, 'Sum', 'Transcribe LimitExceeded'),
        server(SERVER_METRICS.pollyThrottled, 'Sum', 'Polly throttled'),
      ]),
      // Never expected: a listen-only call past its transcript safety bound (docs/bots.md).
      graph('Transcript utterances dropped (listen-only bound)', [server(SERVER_METRICS.transcriptUtterancesDropped, 'Sum', 'Dropped utterances')]),
      // Zero unless call recording is on and S3 failed through every retry (alarmed with the bucket).
      graph('Call recordings lost', [server(SERVER_METRICS.recordingsLost, 'Sum', 'Recordings lost')]),
    );
    this.dashboard.addWidgets(
      graph(
        'Load balancer',
        [
          props.loadBalancer.metrics.httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, { label: 'ALB 5xx' }),
          props.targetGroup.metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, { label: 'Server 5xx' }),
        ],
        [props.loadBalancer.metrics.activeConnectionCount({ label: 'Active connections' })],
      ),
      graph('Targets', [
        props.targetGroup.metrics.healthyHostCount({ label: 'Healthy' }),
        props.targetGroup.metrics.unhealthyHostCount({ label: 'Unhealthy' }),
      ]),
      graph('Task CPU and memory (%)', [
        props.service.metricCpuUtilization({ label: 'CPU' }),
        props.service.metricMemoryUtilization({ label: 'Memory' }),
      ]),
    );
    const bottom: IWidget[] = [
      new AlarmStatusWidget({ title: 'Alarms', alarms, width: 8, height: 6 }),
      graph('Bedrock tokens (llm bots)', [server(SERVER_METRICS.modelInputTokens, 'Sum', 'Input tokens')], [server(SERVER_METRICS.modelOutputTokens, 'Sum', 'Output tokens')]),
    ];
    if (props.dataActionHandler !== undefined) {
      const fn = props.dataActionHandler;
      bottom.push(
        graph(
          'Data Action Lambda',
          [fn.metricInvocations({ label: 'Invocations' }), fn.metricErrors({ label: 'Errors' }), fn.metricThrottles({ label: 'Throttles' })],
          [fn.metricDuration({ statistic: 'p95', label: 'Duration p95 (ms)' })],
        ),
      );
    }
    this.dashboard.addWidgets(...bottom);

    this.dashboardUrl = `https://${stack.region}.console.aws.amazon.com/cloudwatch/home?region=${stack.region}#dashboards/dashboard/${dashboardName}`;
  }
}
