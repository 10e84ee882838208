// Lambda's SQS event source mapping, locally: for each queue a function consumes, a poller long-polls the queue,
// hands batches to the handler as SQS events and deletes what succeeded (partial batch responses). A failed batch
// is not deleted: its messages come back after the visibility timeout and, after maxReceiveCount receives, the
// queue's redrive policy moves them to the dead-letter queue. Nothing here retries or dead-letters by itself.
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { FunctionSpec } from '../manifest';
import { QUEUE_SPEC, type QueueId } from '../../shared/resources';
import { invoke, type FunctionInfo, type LambdaHandler } from './lambda-host';

export interface PollerOptions {
  queueId: string;
  queueUrl: string;
  /** The queue's ARN (event records carry it); derived from the URL if not given. */
  queueArn?: string;
  handler: (event: SQSEvent, context: Context) => Promise<unknown>;
  /** The consuming function, for its context and timeout; a test function of 30 s by default. */
  fn?: FunctionInfo;
  /** At most this many messages per event (1-10), as the mapping's batch size. */
  batchSize?: number;
  /** Long-poll wait per receive. Short, so that a stop is prompt; Lambda waits up to 20 s. */
  waitTimeSeconds?: number;
  client?: SQSClient;
  log?: (line: string) => void;
}

export interface PollerState {
  queue: string;
  function: string;
  running: boolean;
  /** Events handed to the handler, records in them, records that failed (reported or in a failed batch). */
  batches: number;
  records: number;
  failures: number;
  lastError?: { message: string; at: string };
}

const MAX_BACKOFF_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const region = () => process.env.AWS_REGION ?? 'us-east-1';

export class QueuePoller {
  private readonly client: SQSClient;
  private readonly fn: FunctionInfo;
  private readonly arn: string;
  private loop?: Promise<void>;
  private stopping = false;
  private readonly abort = new AbortController();
  private wake?: () => void;
  private readonly counts = { batches: 0, records: 0, failures: 0 };
  private lastError?: { message: string; at: string };

  constructor(private readonly opts: PollerOptions) {
    this.client = opts.client ?? new SQSClient({});
    this.fn = opts.fn ?? { id: `consumer-${opts.queueId}`, timeoutSeconds: 30, memoryMb: 128 };
    const name = new URL(opts.queueUrl).pathname.split('/').pop()!;
    this.arn = opts.queueArn ?? `arn:aws:sqs:${region()}:000000000000:${name}`;
  }

  get queueId() {
    return this.opts.queueId;
  }

  state(): PollerState {
    return { queue: this.opts.queueId, function: this.fn.id, running: Boolean(this.loop) && !this.stopping, ...this.counts, lastError: this.lastError };
  }

  /** Polls until stopped; errors of the queue itself are recorded and retried with a growing pause. */
  start(): void {
    if (this.loop || this.stopping) return;
    this.loop = (async () => {
      let backoff = 0;
      while (!this.stopping) {
        try {
          await this.batch(this.opts.waitTimeSeconds ?? 1);
          backoff = 0;
        } catch (e) {
          if (this.stopping) break;
          this.fail(e);
          backoff = Math.min(MAX_BACKOFF_MS, Math.max(500, backoff * 2));
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, backoff).unref();
          });
        }
      }
    })();
  }

  /** Handles what is visible now, batch after batch, until a receive comes back empty; returns how many it handled. */
  async pollOnce(maxBatches = 1000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const n = await this.batch(0);
      if (n === 0) break;
      total += n;
    }
    return total;
  }

  /** Stops receiving; the batch under way finishes (handler and deletes) before this resolves. */
  async drain(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  /** As drain, but cuts a waiting receive short and gives a running batch a few seconds at most. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.abort.abort();
    if (!this.loop) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise((r) => (timer = setTimeout(r, STOP_GRACE_MS).unref()))]);
    clearTimeout(timer);
  }

  /** One receive and, if it brought messages, one invocation and its deletes. */
  private async batch(waitTimeSeconds: number): Promise<number> {
    const { Messages = [] } = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.opts.queueUrl,
        MaxNumberOfMessages: this.opts.batchSize ?? 10,
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.abort.signal },
    );
    if (Messages.length === 0) return 0;
    const records = Messages.map((m) => this.record(m));
    this.counts.batches++;
    this.counts.records += records.length;

    let failed: Set<string>;
    try {
      const result = await invoke(this.opts.handler as LambdaHandler, { Records: records } satisfies SQSEvent, this.fn);
      failed = failedIds(result, records);
    } catch (e) {
      // The whole batch failed: nothing is deleted, every message comes back after the visibility timeout.
      this.fail(e);
      this.counts.failures += records.length;
      return records.length;
    }
    this.counts.failures += failed.size;
    const done = Messages.filter((m) => !failed.has(m.MessageId!));
    for (let i = 0; i < done.length; i += 10) {
      const out = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.opts.queueUrl,
          Entries: done.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      if (out.Failed?.length) this.fail(new Error(`delete failed: ${out.Failed.map((f) => f.Message ?? f.Code).join('; ')}`));
    }
    return records.length;
  }

  private record(m: Message): SQSRecord {
    return {
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: (m.Attributes ?? {}) as unknown as SQSRecord['attributes'],
      messageAttributes: lambdaAttributes(m.MessageAttributes),
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: region(),
    };
  }

  private fail(e: unknown) {
    this.lastError = { message: (e as Error)?.message ?? String(e), at: new Date().toISOString() };
    this.opts.log?.(`poller ${this.opts.queueId}: ${(e as Error)?.stack ?? String(e)}`);
  }
}

/**
 * The records to keep, read as Lambda reads a partial batch response: no answer or no/empty `batchItemFailures` means
 * all succeeded; an entry without a valid id, or with one not in the batch, fails the whole batch.
 */
export function failedIds(result: unknown, records: SQSRecord[]): Set<string> {
  const all = new Set(records.map((r) => r.messageId));
  if (result === null || result === undefined || typeof result !== 'object') return new Set();
  const failures = (result as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

/** The SDK's attribute values in the casing and encoding Lambda's SQS records use. */
function lambdaAttributes(attrs: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  return Object.fromEntries(
    Object.entries(attrs ?? {}).map(([k, v]) => [
      k,
      {
        stringValue: v.StringValue,
        binaryValue: v.BinaryValue ? b64(v.BinaryValue) : undefined,
        stringListValues: v.StringListValues ?? [],
        binaryListValues: (v.BinaryListValues ?? []).map(b64),
        dataType: v.DataType ?? 'String',
      },
    ]),
  );
}

/** The pollers of a runtime: one per (function, queue) pair of the manifest. */
export class Pollers {
  constructor(readonly list: QueuePoller[]) {}

  start(): void {
    for (const p of this.list) p.start();
  }

  /** Handles what is visible now on one queue (every poller of it); returns how many messages were handled. */
  async pollOnce(queueId: string): Promise<number> {
    const of = this.list.filter((p) => p.queueId === queueId);
    if (of.length === 0) throw new Error(`no poller for queue ${queueId}`);
    let n = 0;
    for (const p of of) n += await p.pollOnce();
    return n;
  }

  state(): PollerState[] {
    return this.list.map((p) => p.state());
  }

  drain(): Promise<void> {
    return Promise.all(this.list.map((p) => p.drain())).then(() => undefined);
  }

  stop(): Promise<void> {
    return Promise.all(this.list.map((p) => p.stop())).then(() => undefined);
  }
}

/** Pollers for every function of the list that consumes a queue, with the manifest's batch sizes. */
export function pollersFor(opts: {
  functions: readonly FunctionSpec[];
  queues: Partial<Record<QueueId, { url: string; arn?: string }>>;
  load: (spec: FunctionSpec) => Promise<LambdaHandler>;
  client?: SQSClient;
  waitTimeSeconds?: number;
  log?: (line: string) => void;
}): Pollers {
  const client = opts.client ?? new SQSClient({});
  return new Pollers(
    opts.functions.flatMap((spec) =>
      spec.consumes.map((queueId) => {
        const queue = opts.queues[queueId];
        if (!queue) throw new Error(`${spec.id} consumes ${queueId}, which has no queue`);
        return new QueuePoller({
          queueId,
          queueUrl: queue.url,
          queueArn: queue.arn,
          handler: async (event, context) => (await opts.load(spec))(event, context),
          fn: spec,
          batchSize: QUEUE_SPEC[queueId].batchSize,
          waitTimeSeconds: opts.waitTimeSeconds,
          client,
          log: opts.log,
        });
      }),
    ),
  );
}
