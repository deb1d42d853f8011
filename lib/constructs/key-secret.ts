import { ArnFormat, Aws, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { GENERATED_PLACEHOLDER_KEY } from '../../runtime/src/config/placeholder-keys.js';

/** Props of {@link KeySecret}. */
export interface KeySecretProps {
  /** What the secret holds, for its name (`<stack>/<purpose>-<deployment id>`) and description. */
  readonly purpose: string;
  readonly description: string;
  /** Environment variable through which the runtime finds the secret. */
  readonly envName: string;
  /**
   * Name of an existing secret to use instead of creating one.
   * @default undefined — a new secret is created
   */
  readonly existingSecretName?: string;
  /**
   * ARN of the customer-managed KMS key that encrypts the existing secret; readers get kms:Decrypt
   * through Secrets Manager. Only with `existingSecretName`.
   * @default undefined — the AWS managed key `aws/secretsmanager`, which needs no grant
   */
  readonly encryptionKeyArn?: string;
}

/**
 * A suffix unique to one deployment of the stack: the first block of the stack's UUID. A name that
 * ends in it cannot collide with a secret retained (or scheduled for deletion) from an earlier
 * deployment of the same stack name, yet stays readable.
 */
export function deploymentSuffix(): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
}

/**
 * A Secrets Manager secret holding a JSON map of keys, created or imported. A new one starts with one
 * generated entry, `{ "replace-me": "<random>" }`: no real key is ever in the template, and the
 * runtime recognizes that entry as a placeholder that is never valid (runtime/src/config/placeholder-keys.ts).
 * Retained on stack deletion (it holds credentials that Genesys is configured with); its name carries
 * the deployment id so that a redeploy after `cdk destroy` never collides with it (docs/deploy.md §11).
 */
export class KeySecret extends Construct {
  /** Key of the generated placeholder entry in a new secret. */
  public static readonly PLACEHOLDER_KEY = GENERATED_PLACEHOLDER_KEY;
  /** The secret (created or imported). */
  public readonly secret: ISecret;
  /** Name to use with the AWS CLI (a token for a new secret; the stack outputs it). */
  public readonly secretName: string;
  /** True when this construct created the secret. */
  public readonly created: boolean;
  private readonly secretId: string;
  private readonly envName: string;
  private readonly encryptionKeyArn?: string;

  constructor(scope: Construct, id: string, props: KeySecretProps) {
    super(scope, id);
    this.envName = props.envName;
    if (props.existingSecretName !== undefined) {
      const stack = Stack.of(this);
      this.secret = Secret.fromSecretAttributes(this, 'Secret', {
        // A partial ARN (no random suffix): grants then cover `<name>-??????`.
        secretPartialArn: stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: props.existingSecretName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      });
      this.encryptionKeyArn = props.encryptionKeyArn;
      this.secretName = props.existingSecretName;
      this.secretId = props.existingSecretName;
      this.created = false;
      return;
    }
    if (props.encryptionKeyArn !== undefined) {
      throw new Error(`${this.node.path}: encryptionKeyArn applies to an existing secret only`);
    }
    const secretName = Fn.join('', [Stack.of(this).stackName, '/', props.purpose, '-', deploymentSuffix()]);
    const secret = new Secret(this, 'Secret', {
      secretName,
      description: props.description,
      // One random, unguessable value under the placeholder key (alphanumeric, so valid base64).
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: KeySecret.PLACEHOLDER_KEY,
        excludePunctuation: true,
        includeSpace: false,
        passwordLength: 44,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The value is a map of keys issued to Genesys Cloud; they are rotated additively by the operator (add the new key, switch Genesys to it, delete the old key, see docs/deploy.md), which a rotation Lambda cannot do.',
    });
    this.secret = secret;
    this.secretName = secretName;
    this.secretId = secret.secretArn;
    this.created = true;
  }

  /** Lets `grantee` read the secret (and decrypt it with its KMS key) and tells it where the secret is. */
  connect(grantee: IGrantable, setEnvironment: (name: string, value: string) => void): void {
    this.secret.grantRead(grantee);
    if (this.encryptionKeyArn !== undefined) grantDecryptViaSecretsManager(this, grantee, this.encryptionKeyArn);
    setEnvironment(this.envName, this.secretId);
  }
}

/**
 * kms:Decrypt on a customer-managed key, only through Secrets Manager in this Region. Written out
 * because `Secret.grantRead` drops the grant for an imported key (it targets a ViaServicePrincipal,
 * which cannot hold policy statements).
 */
export function grantDecryptViaSecretsManager(scope: Construct, grantee: IGrantable, keyArn: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(scope).region}.amazonaws.com` } },
    }),
  );
}
