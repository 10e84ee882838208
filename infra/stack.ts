import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, Token, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, HttpApi, HttpMethod, HttpRoute, HttpRouteKey, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { DynamoEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AuditResources } from './audit-resources';
import { DEFAULT_ROUTE_FUNCTION, DEFAULT_THROTTLE, FUNCTIONS, ROUTES, type Access, type FunctionSpec, type RouteSpec } from './manifest';
import type { ClaimNames } from '../shared/auth/token-verifier';
import {
  BUCKET_ENV,
  QUEUE_IDS,
  dlqEnv,
  queueArnEnv,
  QUEUE_SPEC,
  TABLE_IDS,
  TABLE_KEYS,
  queueEnv,
  tableEnv,
  type QueueId,
  type TableId,
} from '../shared/resources';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * IAM actions per access level. Reads are the store's get, getMany, query and transaction checks; writes add put and
 * update (an update can do nothing a put cannot). BatchWriteItem comes only with deletes: IAM cannot tell its put
 * requests from its delete requests. Scan and PartiQL are never granted: the store does not use them.
 */
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const WRITE_ACTIONS = [...READ_ACTIONS, 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const TABLE_ACTIONS: Record<Access, string[]> = {
  read: READ_ACTIONS,
  write: WRITE_ACTIONS,
  'write+delete': [...WRITE_ACTIONS, 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
};
/** On a table's indexes (gsi1), whatever the level: only queries. */
const INDEX_ACTIONS = ['dynamodb:Query'];
/** The bucket is versioned: DeleteObject leaves a recoverable delete marker; DeleteObjectVersion is never granted. */
const OBJECT_ACTIONS: Record<Access, string[]> = {
  read: ['s3:GetObject'],
  write: ['s3:GetObject', 's3:PutObject'],
  'write+delete': ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
};

/** `inbox-province` → `InboxProvince`: construct ids, hence logical ids, follow the manifest's ids. */
const pascal = (id: string) => id.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** A province's own OIDC issuer (its unified identity platform, 统一身份认证) in place of a Cognito pool. */
export interface OidcIdentity {
  kind: 'oidc';
  /** The `iss` of its ID tokens; API Gateway's JWT authorizer finds its keys through OIDC discovery. */
  issuer: string;
  /** The `aud` of its ID tokens: govtiers' client id at that issuer. */
  audience: string;
  /** Where the handlers fetch its keys, if its discovery document does not say. */
  jwksUrl?: string;
  /** The claims that carry role, unit and department, where they are not Cognito's `custom:*` names. */
  claims?: Partial<ClaimNames>;
  /** The claim carrying an identity number the issuer's real-name check verified (its 实名 claim). */
  verifiedIdClaim?: string;
  /** `amr` values of which a staff, admin or auditor token must show one (default STAFF_SECOND_FACTORS). */
  staffAmr?: string[];
}
export type IdentityProvider = { kind: 'cognito' } | OidcIdentity;

/** RFC 8176 authentication methods that are a second factor (one-time code, hardware or software key, smart card, SMS). */
export const STAFF_SECOND_FACTORS = ['mfa', 'otp', 'hwk', 'swk', 'sc', 'sms'];

export interface GovtiersStackProps extends StackProps {
  /** Whose tokens the API accepts: the stack's own Cognito pool (the default), or an external OIDC issuer. */
  identity?: IdentityProvider;
  /** `dev` may be torn down freely; every other stage keeps its data (deletion protection, RETAIN). */
  stage: string;
  /** The manifest by default; tests pass fixtures to exercise queues, buckets and consumers. */
  functions?: FunctionSpec[];
  routes?: RouteSpec[];
  defaultRouteFunction?: string;
  /** The site's origin when it has a domain of its own (`https://www.example.gov.cn`); else the HTTP API's. */
  webOrigin?: string;
}

export interface DeployedFunction {
  spec: FunctionSpec;
  fn: NodejsFunction;
  role: iam.Role;
}

/** What the authorizer checks, and the environment that tells the handlers' verifier the same. */
interface Jwt {
  issuer: string;
  audience: string;
  env: Record<string, string>;
}

function oidcJwt(o: OidcIdentity): Jwt {
  const claimEnv = {
    JWT_CLAIM_ROLE: o.claims?.role,
    JWT_CLAIM_UNIT: o.claims?.unit,
    JWT_CLAIM_DEPT: o.claims?.dept,
    JWT_CLAIM_VERIFIED_ID: o.verifiedIdClaim,
  };
  return {
    issuer: o.issuer,
    audience: o.audience,
    env: {
      JWT_ISSUER: o.issuer,
      JWT_AUDIENCE: o.audience,
      ...(o.jwksUrl ? { JWKS_URL: o.jwksUrl } : {}),
      ...Object.fromEntries(Object.entries(claimEnv).filter((e): e is [string, string] => Boolean(e[1]))),
      JWT_STAFF_AMR: (o.staffAmr ?? STAFF_SECOND_FACTORS).join(','),
    },
  };
}

/**
 * The whole platform, for all five tiers, in one stack built only from the manifest (`infra/manifest.ts`) and the
 * resource list (`shared/resources.ts`). Units are data, so nothing here depends on how many exist.
 *
 * Confining credentials to a unit subtree (design note). Every partition key a unit owns begins with the unit's key
 * prefix and `#` (`3301#unit`, `330102#ticket#…`), and a prefix is a prefix of all its descendants' codes and of no
 * sibling's. One IAM condition therefore confines a credential to a subtree:
 *
 *   { "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", ...],
 *     "Resource": "<table arn>",
 *     "Condition": { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["${aws:PrincipalTag/unitPrefix}*"] } } }
 *
 * With ABAC, a function would assume a "scoped" role with session tags (`unitPrefix=3301`) taken from the verified
 * token, so one policy serves all 27,000+ units (a generated session policy per unit would hit STS's 2,048-character
 * cap and grow with the data). `3301*` is the city's whole subtree; `3301#*` would be the city's own items only.
 * For `gsi1` queries the condition applies to the index's partition key, and gsi1pk values carry the owner's prefix
 * too (`3301#children`), so the same rule holds there. Not implemented yet: handlers check scope themselves today,
 * and every function's role is scoped per table, not per unit.
 */
export class GovtiersStack extends Stack {
  readonly tables: Record<TableId, dynamodb.Table>;
  readonly queues: Record<QueueId, { queue: sqs.Queue; dlq: sqs.Queue }>;
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  /** Only when the stack is its own identity provider (never in China's regions, which have no user pools). */
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  readonly audit: AuditResources;
  readonly functions = new Map<string, DeployedFunction>();
  /** Routes that anyone may call (no authorizer), `$default` included. */
  readonly publicRoutes: { key: string; route: HttpRoute }[] = [];

  constructor(scope: Construct, id: string, props: GovtiersStackProps) {
    super(scope, id, props);
    const { stage, functions = FUNCTIONS, routes = ROUTES, defaultRouteFunction = DEFAULT_ROUTE_FUNCTION, identity = { kind: 'cognito' } } = props;
    // AWS's China regions (partition aws-cn) have no Cognito user pools, and no X-Ray or function URLs for Lambda,
    // which the stack uses nowhere; there the province's own issuer signs the tokens.
    const china = !Token.isUnresolved(this.region) && this.region.startsWith('cn-');
    if (china && identity.kind === 'cognito') {
      throw new Error(`${this.region} has no Cognito user pools: name the province's OIDC issuer with -c oidc-issuer=<url> -c oidc-audience=<client id>`);
    }
    const dev = stage === 'dev';
    const removalPolicy = dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    // China's Cybersecurity Law (art. 21) asks for network logs kept at least six months.
    const logRetention = dev ? logs.RetentionDays.ONE_WEEK : logs.RetentionDays.ONE_YEAR;

    // --- Data: one table per level plus the registry and people tables, all of one key shape. `Table` rather than `TableV2`: no replicas
    // are planned, and cdk-nag's point-in-time-recovery rule (DDB3) only inspects AWS::DynamoDB::Table.
    this.tables = Object.fromEntries(
      TABLE_IDS.map((tableId) => {
        const table = new dynamodb.Table(this, `${pascal(tableId)}Table`, {
          partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          encryption: dynamodb.TableEncryption.AWS_MANAGED,
          timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
          // Level tables hold the tier outboxes, which the relay reads from the stream.
          ...(tableId === 'registry' ? {} : { stream: dynamodb.StreamViewType.NEW_IMAGE }),
          deletionProtection: !dev,
          removalPolicy,
        });
        table.addGlobalSecondaryIndex({
          indexName: TABLE_KEYS.index.name,
          partitionKey: { name: TABLE_KEYS.index.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: TABLE_KEYS.index.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        });
        return [tableId, table];
      }),
    ) as Record<TableId, dynamodb.Table>;

    // --- Tier inboxes and the job queue, each with a dead-letter queue that raises an alarm when anything lands in it.
    this.queues = Object.fromEntries(
      QUEUE_IDS.map((queueId) => {
        const spec = QUEUE_SPEC[queueId];
        const name = pascal(queueId);
        const dlq = new sqs.Queue(this, `${name}Dlq`, {
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          // The longest SQS allows, so a poison message waits for a redrive rather than expiring.
          retentionPeriod: Duration.days(14),
        });
        const queue = new sqs.Queue(this, `${name}Queue`, {
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          visibilityTimeout: Duration.seconds(spec.visibilityTimeout),
          deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
        });
        new cloudwatch.Alarm(this, `${name}DlqAlarm`, {
          alarmDescription: `Messages in the dead-letter queue of ${queueId}: inspect, fix, then redrive`,
          metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
        return [queueId, { queue, dlq }];
      }),
    ) as Record<QueueId, { queue: sqs.Queue; dlq: sqs.Queue }>;

    // --- Documents, attachments and open-data files. Buckets are kept on every stage: CloudFormation cannot delete a
    // non-empty bucket, and emptying it on delete would need a custom-resource Lambda.
    this.logBucket = new s3.Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED, // access-log targets cannot use SSE-KMS
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'FilesBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'files/',
      removalPolicy: RemovalPolicy.RETAIN,
      // Browsers send uploads straight here with a presigned POST (functions/uploads): the signed policy decides what
      // is written, and the site's pages are where they come from (the API's own domain names, when it has none of
      // its own: its id is not known before the API exists, which needs this bucket first).
      cors: [
        {
          allowedMethods: [s3.HttpMethods.POST],
          allowedOrigins: [props.webOrigin ?? `https://*.execute-api.${this.region}.${this.urlSuffix}`],
          allowedHeaders: ['*'],
          maxAge: 3600,
        },
      ],
    });

    // --- Identity: the stack's Cognito pool, or the province's own OIDC issuer. Either way the HTTP API's JWT
    // authorizer checks issuer and audience, and the handlers verify the token again with the same settings.
    let jwt: Jwt;
    if (identity.kind === 'cognito') ({ pool: this.userPool, client: this.userPoolClient, jwt } = this.cognitoIdentity(dev, removalPolicy));
    else jwt = oidcJwt(identity);

    // --- One Lambda function per manifest entry, granted exactly what the manifest lists.
    for (const spec of functions) this.functions.set(spec.id, this.addFunction(spec, { jwtEnv: jwt.env, logRetention, removalPolicy }));
    // MAC keys and the audit log's write-once archive, granted as each manifest entry's `keys` says.
    this.audit = new AuditResources(this, 'Audit', { stage, removalPolicy, logBucket: this.logBucket });
    for (const deployed of this.functions.values()) this.audit.grant(deployed);

    // The reconciler publishes how many tier messages wait for an acknowledgement; many for long means receivers fail.
    new cloudwatch.Alarm(this, 'OutboxBacklogAlarm', {
      alarmDescription: 'Tier messages not acknowledged for 5 minutes: look at the inbox consumers and the dead-letter queues',
      metric: new cloudwatch.Metric({
        namespace: 'govtiers',
        metricName: 'OutboxBacklog',
        dimensionsMap: { service: 'govtiers' },
        period: Duration.minutes(1),
        statistic: 'Minimum',
      }),
      threshold: 1000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });

    // --- HTTP API: the default stage, throttled, with JSON access logs.
    this.api = new HttpApi(this, 'HttpApi', { apiName: `govtiers-${stage}`, createDefaultStage: false });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy });
    this.apiStage = new HttpStage(this, 'HttpApiStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: DEFAULT_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No query strings, headers or bodies: they may carry personal data.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            path: '$context.path',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            responseLength: '$context.responseLength',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });
    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', jwt.issuer, { jwtAudience: [jwt.audience] });
    // One integration (and one invoke permission) per function, not per route: the resource count then grows with
    // functions, and adding a route adds exactly one resource.
    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationOf = (functionId: string) => {
      const deployed = this.functions.get(functionId);
      if (!deployed) throw new Error(`route to unknown function ${functionId}`);
      let integration = integrations.get(functionId);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${pascal(functionId)}Integration`, deployed.fn, { scopePermissionToRoute: false });
        integrations.set(functionId, integration);
      }
      return integration;
    };
    // Requests matching no route get the portal's 404 page (the API's JSON 404 under /v1) rather than API Gateway's
    // bare one. Bound first, so the default function's integration lives under this route, which never goes away.
    this.publicRoutes.push({
      key: HttpRouteKey.DEFAULT.key,
      route: new HttpRoute(this, 'Route-default', {
        httpApi: this.api,
        routeKey: HttpRouteKey.DEFAULT,
        integration: integrationOf(defaultRouteFunction),
      }),
    });
    for (const r of routes) {
      const route = new HttpRoute(this, `Route-${r.key.replace(/[^A-Za-z0-9]+/g, '-')}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(r.path, HttpMethod[r.method]),
        integration: integrationOf(r.function),
        authorizer: r.auth === 'jwt' ? authorizer : undefined,
      });
      if (r.auth === 'public') this.publicRoutes.push({ key: r.key, route });
      if (r.throttle) {
        // Route settings name routes by key, and CloudFormation refuses a key whose route does not exist yet.
        const cfnStage = this.apiStage.node.defaultChild as CfnStage;
        cfnStage.routeSettings = {
          ...(cfnStage.routeSettings as Record<string, unknown> | undefined),
          [r.key]: { ThrottlingRateLimit: r.throttle.rateLimit, ThrottlingBurstLimit: r.throttle.burstLimit },
        };
        this.apiStage.node.addDependency(route);
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url });
    if (this.userPool && this.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    }
    new CfnOutput(this, 'FilesBucketName', { value: this.bucket.bucketName });
  }

  /**
   * The stack's own user pool: accounts are provisioned by admins (no self sign-up); role, unit and department ride
   * in the ID token. Its ID tokens carry no `amr`, so a handler cannot tell how a user signed in: the second factor
   * 等保 2.0 asks of staff, admins and auditors is required by the pool itself (TOTP), for every account in it.
   * Citizens and businesses who should not need an authenticator app belong with the province's unified identity
   * platform (an OIDC issuer), where the handlers require the second factor per role through `amr`.
   */
  private cognitoIdentity(dev: boolean, removalPolicy: RemovalPolicy) {
    const pool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        // No reuse of the last five: with the length and classes above, what 等保 2.0 asks of 身份鉴别 passwords.
        passwordHistorySize: 5,
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      // A pool's attribute schema can never change once created: keep these unconstrained strings.
      customAttributes: {
        role: new cognito.StringAttribute({ mutable: true }),
        unit: new cognito.StringAttribute({ mutable: true }),
        dept: new cognito.StringAttribute({ mutable: true }),
        // The identity number a real-name check verified (set by the platform's admin APIs, never by the user).
        idn_verified: new cognito.StringAttribute({ mutable: true }),
      },
      deletionProtection: !dev,
      removalPolicy,
    });
    const client = pool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true, // sign-in is SRP from the web app; no hosted UI, so no implicit grant left enabled
      preventUserExistenceErrors: true,
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('role', 'unit', 'dept', 'idn_verified'),
      // Without this, every attribute is user-writable: anyone could set their own custom:role to province-admin
      // with UpdateUserAttributes. Role, unit and department change only through admin APIs.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });
    // `https://cognito-idp.<region>.<suffix>/<poolId>`.
    const issuer = `https://${pool.userPoolProviderUrl}`;
    const env = { JWT_ISSUER: issuer, JWT_AUDIENCE: client.userPoolClientId, JWKS_URL: `${issuer}/.well-known/jwks.json` };
    return { pool, client, jwt: { issuer, audience: client.userPoolClientId, env } };
  }

  private addFunction(
    spec: FunctionSpec,
    opts: { jwtEnv: Record<string, string>; logRetention: logs.RetentionDays; removalPolicy: RemovalPolicy },
  ): DeployedFunction {
    const name = pascal(spec.id);
    const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: opts.logRetention, removalPolicy: opts.removalPolicy });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy: it may write to its own log group only.
    const role = new iam.Role(this, `${name}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `govtiers ${spec.id}: ${spec.description}`.slice(0, 1000),
    });
    logGroup.grantWrite(role);

    const environment: Record<string, string> = {
      ...opts.jwtEnv,
      POWERTOOLS_SERVICE_NAME: 'govtiers',
    };
    for (const tableId of Object.keys(spec.tables) as TableId[]) environment[tableEnv(tableId)] = this.tables[tableId].tableName;
    for (const queueId of spec.sends) environment[queueEnv(queueId)] = this.queues[queueId].queue.queueUrl;
    if (spec.bucket) environment[BUCKET_ENV] = this.bucket.bucketName;

    const fn = new NodejsFunction(this, `${name}Function`, {
      description: spec.description.slice(0, 256),
      entry: path.join(REPO_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role,
      logGroup,
      environment,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: false,
        mainFields: ['module', 'main'],
        // ESM output still meets CommonJS dependencies that call require().
        banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
        // The Node.js 22 runtime ships SDK v3 and the handlers import it lazily: leaving it out keeps bundles small.
        externalModules: ['@aws-sdk/*'],
      },
    });

    // Exactly the actions the manifest's access levels name, never CDK's broad grants: grantReadWriteData would add
    // DeleteItem, BatchWriteItem and PartiQL to every writer, grantRead(Write) on the bucket s3:List* and every key.
    for (const [tableId, access] of Object.entries(spec.tables) as [TableId, Access][]) {
      const { tableArn } = this.tables[tableId];
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: TABLE_ACTIONS[access], resources: [tableArn] }));
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: INDEX_ACTIONS, resources: [`${tableArn}/index/*`] }));
    }
    for (const queueId of spec.sends) this.queues[queueId].queue.grant(role, 'sqs:SendMessage');
    if (spec.bucket) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: OBJECT_ACTIONS[spec.bucket.access],
          resources: spec.bucket.prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`)),
        }),
      );
    }
    for (const [queueId, use] of Object.entries(spec.deadLetters ?? {}) as [QueueId, 'send' | 'manage'][]) {
      const { queue, dlq } = this.queues[queueId];
      fn.addEnvironment(dlqEnv(queueId), dlq.queueUrl);
      fn.addEnvironment(queueArnEnv(queueId), queue.queueArn);
      if (use === 'send') dlq.grant(role, 'sqs:SendMessage');
      else {
        // What listing and redriving take: receive, delete, make visible again, count.
        dlq.grantConsumeMessages(role);
        fn.addEnvironment(queueEnv(queueId), queue.queueUrl);
      }
    }
    for (const tableId of spec.streams ?? []) {
      fn.addEventSource(
        new DynamoEventSource(this.tables[tableId], {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: 100,
          reportBatchItemFailures: true,
          retryAttempts: 10,
          bisectBatchOnError: true,
          // Only new outbox items (the relay checks the key as well).
          filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT'), dynamodb: { NewImage: { state: { S: lambda.FilterRule.isEqual('pending') } } } })],
        }),
      );
    }
    if (spec.everyMinutes) {
      new events.Rule(this, `${name}Schedule`, {
        description: `Runs ${spec.id} every ${spec.everyMinutes} minute(s)`,
        schedule: events.Schedule.rate(Duration.minutes(spec.everyMinutes)),
        targets: [new targets.LambdaFunction(fn, { retryAttempts: 0 })],
      });
    }

    for (const queueId of spec.consumes) {
      const q = QUEUE_SPEC[queueId];
      // A message must stay invisible for as long as one invocation may hold it, or it is delivered twice.
      if (spec.timeoutSeconds > q.visibilityTimeout) {
        throw new Error(`${spec.id}: timeout ${spec.timeoutSeconds}s exceeds the visibility timeout of ${queueId} (${q.visibilityTimeout}s)`);
      }
      fn.addEventSource(
        new SqsEventSource(this.queues[queueId].queue, {
          batchSize: q.batchSize,
          reportBatchItemFailures: true,
          maxBatchingWindow: Duration.seconds(1),
        }),
      );
    }
    return { spec, fn, role };
  }
}
