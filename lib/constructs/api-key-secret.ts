import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../runtime/src/config/env-keys.js';

/** Props of {@link ApiKeySecret}. */
export interface ApiKeySecretProps {
  /**
   * Name of an existing secret to use instead of creating one. Its value must have the shape
   * `{ "<apiKey>": "<base64 client secret or empty>" }`.
   * @default undefined — a new secret is created
   */
  readonly existingSecretName?: string;
  /**
   * Name of the new secret; ignored with `existingSecretName`.
   * @default `<stack name>/audiohook-api-keys`
   */
  readonly secretName?: string;
}

/**
 * The Secrets Manager secret holding the Genesys API keys and client secrets,
 * `{ "<apiKey>": "<base64 client secret or empty>" }` (the runtime's `AUDIOHOOK_API_KEYS` shape).
 * A new secret starts with one generated placeholder pair, so no real key ever appears in the
 * template; the operator replaces the value after deploy (docs/deploy.md). Retained on stack
 * deletion so the Genesys integration keeps working across re-deploys.
 */
export class ApiKeySecret extends Construct {
  /** Key of the generated placeholder entry in a new secret. */
  public static readonly PLACEHOLDER_API_KEY = 'replace-me';
  /** The secret (created or imported). */
  public readonly secret: ISecret;
  /** Name to use with the AWS CLI (`aws secretsmanager put-secret-value --secret-id <name>`). */
  public readonly secretName: string;
  /** True when this construct created the secret. */
  public readonly created: boolean;
  /** Value the runtime reads from `API_KEYS_SECRET_ID`: the full ARN of a new secret, or the given name. */
  private readonly secretId: string;

  constructor(scope: Construct, id: string, props: ApiKeySecretProps = {}) {
    super(scope, id);
    if (props.existingSecretName !== undefined && props.secretName !== undefined) {
      throw new Error(`${this.node.path}: existingSecretName and secretName exclude each other`);
    }
    if (props.existingSecretName !== undefined) {
      this.secret = Secret.fromSecretNameV2(this, 'Secret', props.existingSecretName);
      this.secretName = props.existingSecretName;
      this.secretId = props.existingSecretName;
      this.created = false;
      return;
    }
    const secretName = props.secretName ?? `${Stack.of(this).stackName}/audiohook-api-keys`;
    const secret = new Secret(this, 'Secret', {
      secretName,
      description: 'Genesys Audio Connector API keys: JSON {"<apiKey>": "<base64 client secret or empty>"}',
      // One random, unguessable placeholder client secret (alphanumeric, so valid base64): the
      // placeholder key is unusable without reading this secret, and no real key is in the template.
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: ApiKeySecret.PLACEHOLDER_API_KEY,
        excludePunctuation: true,
        includeSpace: false,
        passwordLength: 44,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The value is a map of API keys issued in Genesys Cloud; they are rotated additively by the operator (add the new key, switch the Genesys integration, delete the old key, see docs/deploy.md), which a rotation Lambda cannot do.',
    });
    this.secret = secret;
    // The literal name, not `secret.secretName` (which CloudFormation would parse out of the ARN).
    this.secretName = secretName;
    this.secretId = secret.secretArn;
    this.created = true;
  }

  /**
   * Lets `grantee` read the secret (GetSecretValue and DescribeSecret on this secret only) and tells
   * it where to find it through `API_KEYS_SECRET_ID`.
   */
  connect(grantee: IGrantable, setEnvironment: (name: string, value: string) => void): void {
    this.secret.grantRead(grantee);
    setEnvironment(ENV.API_KEYS_SECRET_ID, this.secretId);
  }
}
