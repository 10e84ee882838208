import { App, Duration, type CfnElement } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CDK_CONTEXT } from '../../infra/app';
import { GovtiersStack } from '../../infra/stack';
import { DEFAULT_THROTTLE, EXPENSIVE_THROTTLE, FUNCTIONS, ROUTES, routesOf } from '../../infra/manifest';
import { BUCKET_ENV, QUEUE_IDS, QUEUE_SPEC, TABLE_IDS, TABLE_KEYS, dlqEnv, queueArnEnv, queueEnv, tableEnv, type QueueId, type TableId } from '../../shared/resources';

// The stack alone, without cdk-nag (test/infra/nag.test.ts covers that), so a finding there cannot hide a failure
// here. Bundling is skipped: these tests read the template, not the code.
const newApp = () => new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
const synth = (stage: string) => {
  const stack = new GovtiersStack(newApp(), `Govtiers-${stage}`, { stage, env: { account: '123456789012', region: 'us-east-1' } });
  return { stack, template: Template.fromStack(stack) };
};


describe('GovtiersStack', () => {
  let dev: ReturnType<typeof synth>;
  let prod: ReturnType<typeof synth>;
  beforeAll(() => {
    dev = synth('dev');
    prod = synth('prod');
  });
  const id = (stack: GovtiersStack, c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);

  describe('tables', () => {
    it('one per table id, on demand, with PITR, AWS-managed encryption, TTL and gsi1', () => {
      const { stack, template } = prod;
      template.resourceCountIs('AWS::DynamoDB::Table', TABLE_IDS.length);
      for (const tableId of TABLE_IDS) {
        expect(template.toJSON().Resources[id(stack, stack.tables[tableId])].Properties).toMatchObject({
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: TABLE_KEYS.index.name,
              KeySchema: [
                { AttributeName: TABLE_KEYS.index.partitionKey, KeyType: 'HASH' },
                { AttributeName: TABLE_KEYS.index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          // SSEEnabled without a key: the AWS managed key (aws/dynamodb).
          SSESpecification: { SSEEnabled: true },
          TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
        });
      }
    });

    it('are protected and retained outside dev, and disposable in dev', () => {
      prod.template.allResources('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      });
      dev.template.allResources('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
      });
      prod.template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
    });
  });

  describe('queues', () => {
    it('each has a dead-letter queue per QUEUE_SPEC, SQS-managed SSE and a TLS-only policy', () => {
      const { stack, template } = prod;
      const resources = template.toJSON().Resources;
      template.resourceCountIs('AWS::SQS::Queue', 2 * QUEUE_IDS.length);
      template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      for (const queueId of QUEUE_IDS) {
        const { queue, dlq } = stack.queues[queueId];
        expect(resources[id(stack, queue)].Properties).toMatchObject({
          VisibilityTimeout: QUEUE_SPEC[queueId].visibilityTimeout,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [id(stack, dlq), 'Arn'] }, maxReceiveCount: QUEUE_SPEC[queueId].maxReceiveCount },
        });
        for (const q of [queue, dlq]) {
          template.hasResourceProperties('AWS::SQS::QueuePolicy', {
            Queues: [{ Ref: id(stack, q) }],
            PolicyDocument: {
              Statement: Match.arrayWith([
                Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
              ]),
            },
          });
        }
      }
    });

    it('every dead-letter queue raises an alarm as soon as it holds a message', () => {
      const { stack, template } = prod;
      // One per dead-letter queue, and the outbox backlog's.
      template.resourceCountIs('AWS::CloudWatch::Alarm', QUEUE_IDS.length + 1);
      for (const queueId of QUEUE_IDS) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(stack, stack.queues[queueId].dlq), 'QueueName'] } }],
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
        });
      }
    });
  });

  it('the files bucket is private, encrypted, versioned, TLS-only and logs access to an equally locked log bucket', () => {
    const { stack, template } = prod;
    const blockAll = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };
    const sse = { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] };
    const resources = template.toJSON().Resources;
    expect(resources[id(stack, stack.bucket)].Properties).toMatchObject({
      PublicAccessBlockConfiguration: blockAll,
      BucketEncryption: sse,
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: id(stack, stack.logBucket) } },
    });
    expect(resources[id(stack, stack.logBucket)].Properties).toMatchObject({ PublicAccessBlockConfiguration: blockAll, BucketEncryption: sse });
    for (const bucket of [stack.bucket, stack.logBucket]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id(stack, bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  describe('identity and API', () => {
    it('the user pool: admin-created accounts, strong unrepeated passwords, TOTP required (等保 2.0), role/unit/dept attributes', () => {
      prod.template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            PasswordHistorySize: 5,
            TemporaryPasswordValidityDays: 3,
          },
        },
        // Every account of the pool, staff, admins and auditors among them, signs in with a second factor.
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Schema: Match.arrayWith(
          ['role', 'unit', 'dept', 'idn_verified'].map((Name) => Match.objectLike({ Name, AttributeDataType: 'String', Mutable: true })),
        ),
      });
    });

    it('the app client has no secret and cannot write role, unit or department', () => {
      const clients = Object.values(prod.template.findResources('AWS::Cognito::UserPoolClient'));
      expect(clients).toHaveLength(1);
      const client = clients[0]!.Properties;
      expect(client.GenerateSecret).toBe(false);
      expect(client.ReadAttributes).toEqual(expect.arrayContaining(['custom:role', 'custom:unit', 'custom:dept', 'custom:idn_verified']));
      expect(client.WriteAttributes.filter((a: string) => a.startsWith('custom:'))).toEqual([]);
    });

    it('the JWT authorizer trusts the pool as issuer and the client as audience', () => {
      const { stack, template } = prod;
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Audience: [{ Ref: id(stack, stack.userPoolClient!) }],
          Issuer: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [id(stack, stack.userPool!), 'ProviderURL'] }]] },
        },
      });
    });

    it('the default stage is throttled and writes JSON access logs', () => {
      const stage = Object.values(prod.template.findResources('AWS::ApiGatewayV2::Stage'));
      expect(stage).toHaveLength(1);
      const props = stage[0]!.Properties;
      expect(props).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 } });
      expect(JSON.parse(props.AccessLogSettings.Format)).toMatchObject({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
      });
    });

    it('expensive routes get their own, tighter throttling; every other route keeps the stage default', () => {
      const stage = Object.entries(prod.template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
      const expensive = ROUTES.filter((r) => r.throttle);
      expect(expensive.map((r) => r.key)).toEqual(expect.arrayContaining(['POST /v1/units/{code}/imports']));
      expect(stage[1].Properties.RouteSettings).toEqual(
        Object.fromEntries(
          expensive.map((r) => [r.key, { ThrottlingRateLimit: EXPENSIVE_THROTTLE.rateLimit, ThrottlingBurstLimit: EXPENSIVE_THROTTLE.burstLimit }]),
        ),
      );
      expect(EXPENSIVE_THROTTLE.rateLimit).toBeLessThan(DEFAULT_THROTTLE.rateLimit);
      expect(EXPENSIVE_THROTTLE.burstLimit).toBeLessThan(DEFAULT_THROTTLE.burstLimit);
      // The stage is created after those routes: CloudFormation refuses settings for a route key that does not exist yet.
      const routeIds = Object.entries(prod.template.findResources('AWS::ApiGatewayV2::Route'))
        .filter(([, r]) => expensive.some((e) => e.key === r.Properties.RouteKey))
        .map(([routeId]) => routeId);
      expect(stage[1].DependsOn).toEqual(expect.arrayContaining(routeIds));
    });

    it('$default, the route for every address no other route serves, goes to the web function (its 404 page)', () => {
      const { stack, template } = prod;
      const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
      const [route] = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === '$default');
      expect(route?.Properties.AuthorizationType).toBe('NONE');
      const target = route!.Properties.Target as { 'Fn::Join': [string, unknown[]] };
      const integrationId = (target['Fn::Join'][1][1] as { Ref: string }).Ref;
      expect(resources[integrationId]!.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [id(stack, stack.functions.get('web')!.fn), 'Arn'] });
    });

    it('an operation named expensive that its function does not serve is refused', () => {
      expect(() => routesOf([{ ...FUNCTIONS[0]!, expensive: ['noSuchOperation'] }])).toThrow(/noSuchOperation/);
    });

    it('outputs the API URL, pool, client and bucket', () => {
      expect(Object.keys(prod.template.toJSON().Outputs).sort()).toEqual(['ApiUrl', 'FilesBucketName', 'UserPoolClientId', 'UserPoolId']);
    });
  });

  describe('functions', () => {
    it('one arm64 nodejs22.x function per manifest entry, sized as the manifest says, logging to its own group', () => {
      const { stack, template } = prod;
      template.resourceCountIs('AWS::Lambda::Function', FUNCTIONS.length);
      for (const spec of FUNCTIONS) {
        const { fn } = stack.functions.get(spec.id)!;
        const props = template.toJSON().Resources[id(stack, fn)].Properties;
        expect(props).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          Timeout: spec.timeoutSeconds,
          MemorySize: spec.memoryMb,
          LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        });
        const logGroup = template.toJSON().Resources[props.LoggingConfig.LogGroup.Ref];
        expect(logGroup).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } });
      }
    });

    it('each function’s environment names its queues, the bucket if it has access, and the JWT settings', () => {
      const { stack, template } = prod;
      for (const spec of FUNCTIONS) {
        const env = template.toJSON().Resources[id(stack, stack.functions.get(spec.id)!.fn)].Properties.Environment.Variables;
        const queueVars = Object.keys(env).filter((k) => k.startsWith('QUEUE_'));
        const deadLetterVars = Object.entries(spec.deadLetters ?? {}).flatMap(([q, use]) => [
          dlqEnv(q as QueueId),
          queueArnEnv(q as QueueId),
          ...(use === 'manage' ? [queueEnv(q as QueueId)] : []),
        ]);
        expect(queueVars.sort(), spec.id).toEqual([...new Set([...spec.sends.map(queueEnv), ...deadLetterVars])].sort());
        expect(BUCKET_ENV in env, spec.id).toBe(spec.bucket !== undefined);
        // The names of its own tables and no others (access itself is the IAM policy, tested below).
        const tableVars = Object.keys(env).filter((k) => k.startsWith('TABLE_'));
        expect(tableVars.sort(), spec.id).toEqual(Object.keys(spec.tables).map((t) => tableEnv(t as TableId)).sort());
        for (const tableId of Object.keys(spec.tables) as TableId[]) {
          expect(env[tableEnv(tableId)]).toEqual({ Ref: id(stack, stack.tables[tableId]) });
        }
        expect(env).toMatchObject({ JWT_ISSUER: expect.anything(), JWT_AUDIENCE: expect.anything(), POWERTOOLS_SERVICE_NAME: 'govtiers' });
      }
    });

    it('consumers read their queues in batches from QUEUE_SPEC and report partial failures', () => {
      const { stack, template } = prod;
      const consumers = FUNCTIONS.flatMap((spec) => spec.consumes.map((queueId) => ({ spec, queueId })));
      const streamReaders = FUNCTIONS.flatMap((spec) => spec.streams ?? []);
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', consumers.length + streamReaders.length);
      for (const { spec, queueId } of consumers) {
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          FunctionName: { Ref: id(stack, stack.functions.get(spec.id)!.fn) },
          EventSourceArn: { 'Fn::GetAtt': [id(stack, stack.queues[queueId].queue), 'Arn'] },
          BatchSize: QUEUE_SPEC[queueId].batchSize,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumBatchingWindowInSeconds: Match.anyValue(),
        });
      }
    });

    it('stream readers get new outbox items of the level tables; scheduled functions run on their rate', () => {
      const { stack, template } = prod;
      for (const spec of FUNCTIONS) {
        for (const tableId of spec.streams ?? []) {
          expect(template.toJSON().Resources[id(stack, stack.tables[tableId])].Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
          template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
            FunctionName: { Ref: id(stack, stack.functions.get(spec.id)!.fn) },
            EventSourceArn: { 'Fn::GetAtt': [id(stack, stack.tables[tableId]), 'StreamArn'] },
            FunctionResponseTypes: ['ReportBatchItemFailures'],
            FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { state: { S: ['pending'] } } } }) }] },
          });
        }
        if (spec.everyMinutes) {
          template.hasResourceProperties('AWS::Events::Rule', {
            // As CloudFormation writes the rate: 1440 minutes is `rate(1 day)`.
            ScheduleExpression: Schedule.rate(Duration.minutes(spec.everyMinutes)).expressionString,
            Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id(stack, stack.functions.get(spec.id)!.fn), 'Arn'] } })],
          });
        }
      }
      expect(FUNCTIONS.some((f) => f.streams?.length) && FUNCTIONS.some((f) => f.everyMinutes)).toBe(true);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'govtiers', MetricName: 'OutboxBacklog' });
    });

    it('a consumer that could outlive its queue’s visibility timeout is refused at synth', () => {
      const app = newApp();
      const slow = { ...FUNCTIONS[0]!, id: 'slow', consumes: ['jobs' as const], timeoutSeconds: QUEUE_SPEC.jobs.visibilityTimeout + 1 };
      expect(() => new GovtiersStack(app, 'Slow', { stage: 'dev', functions: [slow], routes: [], defaultRouteFunction: 'slow' })).toThrow(
        /visibility timeout/,
      );
    });
  });

  // Least privilege: test/infra/iam-matrix.test.ts evaluates every role of the template in an IAM policy simulator.

  it('stays well under CloudFormation’s limit whatever the number of units (units are items, not resources)', () => {
    // Resources grow with routes (one HttpRoute each) and functions, never with units: well clear of the 500 a
    // stack may hold.
    const count = Object.keys(prod.template.toJSON().Resources).length;
    expect(count).toBeLessThan(400);
  });
});
