// The manifest's tables, queues and bucket on the local emulators, created the way the stack declares them, and the
// environment variables through which the handlers find them (the same ones the stack sets on each Lambda function).
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig } from '../../shared/aws/s3-files';
import { LEVELS } from '../../shared/levels';
import {
  BUCKET_ENV,
  QUEUE_IDS,
  QUEUE_SPEC,
  TABLE_IDS,
  TABLE_KEYS,
  dlqEnv,
  queueArnEnv,
  queueEnv,
  tableEnv,
  type QueueId,
  type QueueSpec,
  type TableId,
} from '../../shared/resources';

export const LOCAL_PREFIX = 'govtiers';
export const localName = (id: string) => `${LOCAL_PREFIX}-${id}`;

export interface LocalQueue {
  name: string;
  url: string;
  arn: string;
  dlq: { name: string; url: string; arn: string };
}

export interface LocalResources {
  tables: Record<TableId, string>;
  queues: Record<QueueId, LocalQueue>;
  bucket: string;
}

export interface ResourceNames {
  tables?: readonly TableId[];
  queues?: readonly QueueId[];
  /** Queue settings; the manifest's by default (tests shorten timeouts). */
  queueSpec?: Partial<Record<QueueId, QueueSpec>>;
}

export interface Clients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  s3: S3Client;
}

/** Clients configured from the environment only (endpoints, region, credentials), as the functions' are. */
export const clientsFromEnv = (): Clients => ({
  dynamodb: new DynamoDBClient({}),
  sqs: new SQSClient({}),
  s3: new S3Client(s3ClientConfig()),
});

/**
 * Creates what is missing (existing tables, queues and the bucket are kept, data and all), then points the handlers at
 * it through `TABLE_*`, `QUEUE_*` (URLs) and `BUCKET_FILES`. The manifest's resources unless told otherwise.
 */
export async function ensureResources(names: ResourceNames = {}, clients: Clients = clientsFromEnv()): Promise<LocalResources> {
  const tableIds = names.tables ?? TABLE_IDS;
  const queueIds = names.queues ?? QUEUE_IDS;
  const [tables, queues, bucket] = await Promise.all([
    Promise.all(
      tableIds.map(async (id) => [id, await ensureTable(clients.dynamodb, localName(id), { stream: STREAMED_TABLES.has(id) })] as const),
    ),
    Promise.all(
      queueIds.map(async (id) => [id, await ensureQueue(clients.sqs, localName(id), names.queueSpec?.[id] ?? QUEUE_SPEC[id])] as const),
    ),
    ensureBucket(clients.s3, localName('files')),
  ]);
  const resources: LocalResources = {
    tables: Object.fromEntries(tables) as Record<TableId, string>,
    queues: Object.fromEntries(queues) as Record<QueueId, LocalQueue>,
    bucket,
  };
  for (const [id, name] of tables) process.env[tableEnv(id)] = name;
  for (const [id, q] of queues) {
    process.env[queueEnv(id)] = q.url;
    process.env[queueArnEnv(id)] = q.arn;
    process.env[dlqEnv(id)] = q.dlq.url;
  }
  process.env[BUCKET_ENV] = bucket;
  return resources;
}

/** As the stack's: the level tables stream new images, which the relay reads for new outbox items. */
const STREAMED_TABLES: ReadonlySet<TableId> = new Set(LEVELS);
const STREAM = { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } as const;

/** A table with the platform's key schema, index and TTL, created if missing (a benchmark's scratch tables too). */
export async function ensureTable(ddb: DynamoDBClient, name: string, opts: { stream?: boolean } = {}): Promise<string> {
  const { partitionKey, sortKey, index, ttlAttribute } = TABLE_KEYS;
  try {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: name }));
    // Tables kept from before streams were used get one.
    if (opts.stream && !Table?.StreamSpecification?.StreamEnabled) {
      await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: STREAM }));
    }
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
    await ddb
      .send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          ...(opts.stream ? { StreamSpecification: STREAM } : {}),
          AttributeDefinitions: [partitionKey, sortKey, index.partitionKey, index.sortKey].map((a) => ({
            AttributeName: a,
            AttributeType: 'S',
          })),
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      )
      .catch((err: unknown) => {
        // Someone else (a parallel start on the same data) created it first.
        if ((err as Error).name !== 'ResourceInUseException') throw err;
      });
  }
  // Checked on every start, not only after creating: a start interrupted between the two calls heals here.
  const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: name }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await ddb.send(
      new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true } }),
    );
  }
  return name;
}

async function ensureQueue(sqs: SQSClient, name: string, spec: QueueSpec): Promise<LocalQueue> {
  // As the stack's: a DLQ keeping messages 14 days, and the queue redriving to it after maxReceiveCount receives.
  const dlq = await upsertQueue(sqs, `${name}-dlq`, { MessageRetentionPeriod: String(14 * 24 * 3600) });
  const queue = await upsertQueue(sqs, name, {
    VisibilityTimeout: String(spec.visibilityTimeout),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: spec.maxReceiveCount }),
  });
  return { ...queue, dlq };
}

async function upsertQueue(sqs: SQSClient, name: string, attributes: Record<string, string>) {
  let url: string | undefined;
  try {
    url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (e) {
    if (!(e instanceof QueueDoesNotExist)) throw e;
  }
  if (url) await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  else url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl;
  if (!url) throw new Error(`no URL for queue ${name}`);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`no ARN for queue ${name}`);
  return { name, url, arn };
}

async function ensureBucket(s3: S3Client, name: string): Promise<string> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }));
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw e;
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  }
  // The pages send files here straight from the browser (a presigned POST with upload progress, hence a preflight):
  // the site's origin may, whichever port it listens on when none is set.
  const origins = process.env.WEB_ORIGIN ? [process.env.WEB_ORIGIN] : ['http://127.0.0.1:*', 'http://localhost:*'];
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: name,
      CORSConfiguration: { CORSRules: [{ AllowedMethods: ['POST'], AllowedOrigins: origins, AllowedHeaders: ['*'], MaxAgeSeconds: 3600 }] },
    }),
  );
  return name;
}
