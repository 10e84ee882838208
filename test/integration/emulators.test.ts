import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CreateTableCommand, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { applyEndpointEnv, localS3ClientConfig, startEmulators, type Emulators } from '../../infra/local/emulators';

const TABLE = 'items';

async function createTable(ddb: DynamoDBClient): Promise<void> {
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
}

describe('local emulators (in memory)', () => {
  let emulators: Emulators | undefined;

  beforeAll(async () => {
    emulators = await startEmulators({ dataDir: ':memory:' });
    // Clients below are configured from the environment only, as the functions' clients are.
    applyEndpointEnv(emulators.endpoints);
  });
  afterAll(() => emulators?.stop());

  it('DynamoDB: a failed transaction reports CancellationReasons', async () => {
    const ddb = new DynamoDBClient({});
    const doc = DynamoDBDocumentClient.from(ddb);
    await createTable(ddb);
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'taken' } }));

    const error = await doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { pk: 'fresh' } } },
            { Put: { TableName: TABLE, Item: { pk: 'taken' }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      )
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      'None',
      'ConditionalCheckFailed',
    ]);
    expect((await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'fresh' } }))).Item).toBeUndefined();
  });

  it('SQS: a message moves to the DLQ after maxReceiveCount receives', async () => {
    const sqs = new SQSClient({});
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'work-dlq' }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'work',
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 2 }),
        },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.QueueUrl, MessageBody: 'job-1' }));

    // Two receives without delete, each after the previous one's 1 s visibility timeout ran out.
    for (let i = 0; i < 2; i++) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, WaitTimeSeconds: 2 }));
      expect(Messages?.map((m) => m.Body)).toEqual(['job-1']);
      await new Promise((r) => setTimeout(r, 1100));
    }
    // The third receive would exceed maxReceiveCount: the message goes to the DLQ instead.
    const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl }));
    expect(third.Messages ?? []).toEqual([]);
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 1 }));
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['job-1']);
  });

  it('S3: an object round-trips', async () => {
    // Credentials only, in case the shell has its own: s3rver accepts no other key id.
    const s3 = new S3Client({ credentials: localS3ClientConfig.credentials });
    await s3.send(new CreateBucketCommand({ Bucket: 'docs' }));
    // A stream is what the SDK would send aws-chunked, trailer included, under its default checksums.
    const body = Readable.from([Buffer.from('{"ok":true}')]);
    await s3.send(
      new PutObjectCommand({ Bucket: 'docs', Key: 'a/b.json', Body: body, ContentLength: 11, ContentType: 'application/json' }),
    );

    const got = await s3.send(new GetObjectCommand({ Bucket: 'docs', Key: 'a/b.json' }));
    expect(got.ContentType).toBe('application/json');
    expect(await got.Body?.transformToString()).toBe('{"ok":true}');
  });
});

describe('local emulators (on disk)', () => {
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'govtiers-emulators-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  // Explicit endpoints and region: the ports change on every start, and this block may run alone.
  const clients = (e: Emulators['endpoints']) => {
    const ddb = new DynamoDBClient({ endpoint: e.dynamodb, region: 'us-east-1', credentials: localS3ClientConfig.credentials });
    return { ddb, doc: DynamoDBDocumentClient.from(ddb), s3: new S3Client({ ...localS3ClientConfig, endpoint: e.s3, region: 'us-east-1' }) };
  };

  it('keeps DynamoDB items and S3 objects across a restart', async () => {
    const first = await startEmulators({ dataDir });
    try {
      const { ddb, doc, s3 } = clients(first.endpoints);
      await createTable(ddb);
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'kept', n: 1 } }));
      await s3.send(new CreateBucketCommand({ Bucket: 'kept' }));
      await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'k', Body: 'v' }));
    } finally {
      await first.stop();
    }

    const second = await startEmulators({ dataDir });
    try {
      const { doc, s3 } = clients(second.endpoints);
      expect((await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'kept' } }))).Item).toEqual({ pk: 'kept', n: 1 });
      const got = await s3.send(new GetObjectCommand({ Bucket: 'kept', Key: 'k' }));
      expect(await got.Body?.transformToString()).toBe('v');
    } finally {
      await second.stop();
    }
  }, 60_000); // two JVM start-ups: ~7 s alone, over 20 s when test files compete for the CPUs
});
