import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV } from '../../runtime/src/config/env-keys.js';

/**
 * Actions the store no longer sends but the release before it did: kept for one release, because
 * during a rolling deployment the policy changes before the old tasks are replaced, and an old
 * task denied its reads would start stored conversations afresh (and fail its conflict re-reads for
 * good), and one denied its session finishes would lose each call's outcome. GetItem: the reads
 * became BatchGetItem. UpdateItem: a session's finish became a put in a shared BatchWriteItem.
 * Remove both in the release after it.
 */
export const RETIRING_SESSION_TABLE_ACTIONS = Object.freeze(['dynamodb:GetItem', 'dynamodb:UpdateItem'] as const);

/**
 * The item-level actions the session store sends (runtime/src/store; test/cdk/session-table-grants
 * checks the two lists match, {@link RETIRING_SESSION_TABLE_ACTIONS} apart): BatchGetItem for its
 * reads (reads made together share a request), PutItem for conversations and nonces (a nonce
 * transaction's Puts too), BatchWriteItem for session records and transcript lines, Query for a
 * conversation's sessions, transcript and state chunks, and DeleteItem for the chunk items a
 * rewritten large conversation state no longer references (without it every rewrite would leave
 * its old chunks until their TTL). No scans or stream reads.
 */
export const SESSION_TABLE_ACTIONS = Object.freeze([
  ...RETIRING_SESSION_TABLE_ACTIONS,
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:DeleteItem',
] as const);

/** Props of {@link SessionTable}. */
export interface SessionTableProps {
  /**
   * Days of point-in-time recovery history (1–35).
   * @default 35
   */
  readonly recoveryPeriodInDays?: number;
}

/**
 * The DynamoDB table of session records: string keys `pk`/`sk`, on-demand billing, TTL on
 * `expiresAt` (epoch seconds), point-in-time recovery, encryption with the AWS managed key, and
 * retained when the stack is deleted, because it holds call outcomes.
 */
export class SessionTable extends Construct {
  /** Attribute that holds the expiry time in epoch seconds. */
  public static readonly TTL_ATTRIBUTE = 'expiresAt';
  /** The table. */
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: SessionTableProps = {}) {
    super(scope, id);
    const recoveryPeriodInDays = props.recoveryPeriodInDays ?? 35;
    if (!Number.isInteger(recoveryPeriodInDays) || recoveryPeriodInDays < 1 || recoveryPeriodInDays > 35) {
      throw new Error(`${this.node.path}: recoveryPeriodInDays must be a whole number from 1 to 35`);
    }
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: SessionTable.TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Lets `grantee` read and write session items (exactly {@link SESSION_TABLE_ACTIONS} on this table)
   * and tells it the table name through `SESSION_TABLE_NAME`.
   */
  connect(grantee: IGrantable, setEnvironment: (name: string, value: string) => void): void {
    this.table.grant(grantee, ...SESSION_TABLE_ACTIONS);
    setEnvironment(ENV.SESSION_TABLE_NAME, this.table.tableName);
  }
}
