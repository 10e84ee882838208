import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { applyEndpointEnv, startEmulators, type Emulators } from '../../infra/local/emulators';
import { failedIds, QueuePoller } from '../../infra/local/pollers';
import { ensureResources, type LocalResources } from '../../infra/local/resources';

// Short timeouts so that redelivery and dead-lettering happen within a test.
const SPEC = { visibilityTimeout: 1, maxReceiveCount: 2, batchSize: 10 };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('queue pollers on the emulators', () => {
  let emulators: Emulators | undefined;
  let resources: LocalResources;
  let sqs: SQSClient;

  beforeAll(async () => {
    emulators = await startEmulators({ dataDir: ':memory:' });
    applyEndpointEnv(emulators.endpoints);
    resources = await ensureResources({
      tables: [],
      queues: ['inbox-province', 'inbox-city', 'inbox-county'],
      queueSpec: { 'inbox-province': SPEC, 'inbox-city': SPEC, 'inbox-county': SPEC },
    });
    sqs = new SQSClient({});
  });
  afterAll(() => emulators?.stop());

  const counts = async (url: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
  };

  it('delivers Lambda-shaped records and deletes only what the partial batch response does not list', async () => {
    const queue = resources.queues['inbox-province'];
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: ['ok-1', 'fail-2', 'ok-3', 'fail-4', 'ok-5'].map((body, i) => ({
          Id: String(i),
          MessageBody: body,
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'notice' } },
        })),
      }),
    );
    const seen: SQSRecord[] = [];
    const poller = new QueuePoller({
      queueId: 'inbox-province',
      queueUrl: queue.url,
      queueArn: queue.arn,
      batchSize: 10,
      handler: async (event: SQSEvent) => {
        seen.push(...event.Records);
        return { batchItemFailures: event.Records.filter((r) => r.body.startsWith('fail')).map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });

    expect(await poller.pollOnce()).toBe(5);
    expect(seen.map((r) => r.body).sort()).toEqual(['fail-2', 'fail-4', 'ok-1', 'ok-3', 'ok-5']);
    const r = seen[0]!;
    expect(r).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: process.env.AWS_REGION,
      messageAttributes: { kind: { dataType: 'String', stringValue: 'notice', stringListValues: [], binaryListValues: [] } },
    });
    expect(r.eventSourceARN).toMatch(/^arn:aws:sqs:[\w-]+:000000000000:govtiers-inbox-province$/);
    expect(r.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(r.attributes.ApproximateReceiveCount).toBe('1');
    expect(Number(r.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(poller.state()).toMatchObject({ batches: 1, records: 5, failures: 2 });

    // The two failures come back after the visibility timeout; the three successes are gone for good.
    expect(await counts(queue.url)).toBe(2);
    await pause(1200);
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(again.Messages?.map((m) => m.Body).sort()).toEqual(['fail-2', 'fail-4']);
  });

  it('moves the message of a handler that always throws to the DLQ after maxReceiveCount receives', async () => {
    const queue = resources.queues['inbox-city'];
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'poison' }));
    const receiveCounts: string[] = [];
    const poller = new QueuePoller({
      queueId: 'inbox-city',
      queueUrl: queue.url,
      handler: async (event: SQSEvent) => {
        receiveCounts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
        throw new Error('cannot handle this');
      },
    });

    expect(await poller.pollOnce()).toBe(1);
    expect(await poller.pollOnce()).toBe(0); // still invisible: nothing was deleted
    await pause(1200);
    expect(await poller.pollOnce()).toBe(1);
    await pause(1200);
    // The third receive would exceed maxReceiveCount (2): the queue's redrive policy moves it to the DLQ instead.
    expect(await poller.pollOnce()).toBe(0);
    expect(receiveCounts).toEqual(['1', '2']);
    expect(poller.state()).toMatchObject({ batches: 2, failures: 2, lastError: { message: 'cannot handle this' } });
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlq.url, WaitTimeSeconds: 1 }));
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
    expect(await counts(queue.url)).toBe(0);
  });

  it('polls continuously once started, and drains promptly', async () => {
    const queue = resources.queues['inbox-county'];
    const handled: string[] = [];
    const poller = new QueuePoller({
      queueId: 'inbox-county',
      queueUrl: queue.url,
      waitTimeSeconds: 1,
      handler: async (event: SQSEvent) => {
        handled.push(...event.Records.map((r) => r.body));
      },
    });
    poller.start();
    expect(poller.state().running).toBe(true);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'late' }));
    for (let i = 0; i < 50 && handled.length === 0; i++) await pause(100);
    expect(handled).toEqual(['late']);

    // Promptly: within the 1 s long poll under way plus slack for a busy machine, far below the queue's 60 s
    // visibility timeout that a drain waiting on the wrong thing would take.
    const t0 = Date.now();
    await poller.drain();
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(poller.state().running).toBe(false);
    for (let i = 0; i < 20 && (await counts(queue.url)) > 0; i++) await pause(100);
    expect(await counts(queue.url)).toBe(0);
  });
});

describe('failedIds (reading a partial batch response as Lambda does)', () => {
  const records = ['a', 'b', 'c'].map((messageId) => ({ messageId }) as SQSRecord);
  const ids = (result: unknown) => [...failedIds(result, records)].sort();

  it('treats no answer, or no or empty failures, as complete success', () => {
    expect(ids(undefined)).toEqual([]);
    expect(ids(null)).toEqual([]);
    expect(ids({})).toEqual([]);
    expect(ids({ batchItemFailures: null })).toEqual([]);
    expect(ids({ batchItemFailures: [] })).toEqual([]);
  });

  it('keeps the listed records', () => {
    expect(ids({ batchItemFailures: [{ itemIdentifier: 'b' }] })).toEqual(['b']);
  });

  it('fails the whole batch on an identifier that is missing, empty or not in the batch', () => {
    for (const bad of [[{ itemIdentifier: 'zzz' }], [{ itemIdentifier: '' }], [{ itemIdentifier: null }], [{ id: 'a' }], [null]]) {
      expect(ids({ batchItemFailures: bad })).toEqual(['a', 'b', 'c']);
    }
    expect(ids({ batchItemFailures: 'a' })).toEqual(['a', 'b', 'c']);
  });
});
