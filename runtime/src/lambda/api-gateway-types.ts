/**
 * The parts of API Gateway HTTP API (payload format 2.0) events and results the Data Action
 * handler uses, declared here because `@types/aws-lambda` is not a dependency. Field names are
 * AWS's; see "Working with AWS Lambda proxy integrations for HTTP APIs".
 */

/** An HTTP API request event, payload format version 2.0. */
export interface ApiGatewayHttpEvent {
  readonly version?: string;
  readonly routeKey?: string;
  readonly rawPath?: string;
  readonly rawQueryString?: string;
  /** Header names arrive in lower case; repeated headers are joined with commas. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext: {
    readonly requestId?: string;
    readonly http: { readonly method: string; readonly path?: string; readonly sourceIp?: string };
  };
}

/** The structured result of a Lambda proxy integration (payload format 2.0). */
export interface ApiGatewayHttpResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly isBase64Encoded: false;
}

/** The parts of the Lambda context object the handler uses. */
export interface LambdaContextLike {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}
