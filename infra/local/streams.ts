// Lambda's DynamoDB Streams event source mapping, locally: for each table a function reads the stream of, a poller
// follows every shard of the table's stream on DynamoDB Local and hands new records to the handler as a stream event.
// As with Lambda, a record the handler reports failed (partial batch response) is read again from there, and a
// whole failed batch is retried. It starts at the stream's end: what was written while nothing ran is the
// reconciler's to resend.
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { FunctionSpec } from '../manifest';
import type { TableId } from '../../shared/resources';
import { invoke, type LambdaHandler } from './lambda-host';

const POLL_MS = 250;

interface Shard {
  iterator?: string;
  done: boolean;
}

export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly ddb: DynamoDBClient;
  private readonly shards = new Map<string, Shard>();
  private streamArn?: string;
  private started = false;
  private loop?: Promise<void>;
  private stopping = false;
  readonly counts = { batches: 0, records: 0, failures: 0 };
  lastError?: { message: string; at: string };

  constructor(
    private readonly opts: {
      table: TableId;
      tableName: string;
      fn: FunctionSpec;
      load: (spec: FunctionSpec) => Promise<LambdaHandler>;
      endpoint: string;
      log?: (line: string) => void;
    },
  ) {
    this.streams = new DynamoDBStreamsClient({ endpoint: opts.endpoint });
    this.ddb = new DynamoDBClient({ endpoint: opts.endpoint });
  }

  /** Finds the stream and places every open shard's iterator at its end (new shards later start at their beginning). */
  async init(): Promise<void> {
    const { Table } = await this.ddb.send(new DescribeTableCommand({ TableName: this.opts.tableName }));
    this.streamArn = Table?.LatestStreamArn;
    if (!this.streamArn) throw new Error(`${this.opts.tableName} has no stream`);
    await this.refreshShards('LATEST');
    this.started = true;
  }

  private async refreshShards(position: 'LATEST' | 'TRIM_HORIZON') {
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }));
      for (const s of StreamDescription?.Shards ?? []) {
        if (this.shards.has(s.ShardId!)) continue;
        // At start, closed shards hold only the past; open ones are followed from now on.
        if (position === 'LATEST' && s.SequenceNumberRange?.EndingSequenceNumber) {
          this.shards.set(s.ShardId!, { done: true });
          continue;
        }
        const { ShardIterator } = await this.streams.send(
          new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: s.ShardId, ShardIteratorType: position }),
        );
        this.shards.set(s.ShardId!, { iterator: ShardIterator, done: !ShardIterator });
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  /** Reads every shard once and hands what it found to the handler; returns how many records it handled. */
  async pollOnce(): Promise<number> {
    if (!this.started) await this.init();
    else await this.refreshShards('TRIM_HORIZON');
    let n = 0;
    for (const [shardId, shard] of this.shards) {
      if (shard.done || !shard.iterator) continue;
      const out = await this.streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 100 })).catch(async (e: unknown) => {
        // DynamoDB Local sometimes places an iterator before what it keeps; its oldest record is where to go on.
        if ((e as Error).name !== 'TrimmedDataAccessException') throw e;
        this.opts.log?.(`stream ${this.opts.table}: ${(e as Error).message} (shard ${shardId}); reading on from its oldest record`);
        const { ShardIterator } = await this.streams.send(
          new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
        );
        return this.streams.send(new GetRecordsCommand({ ShardIterator, Limit: 100 }));
      });
      const records = out.Records ?? [];
      if (records.length > 0) {
        const failedAt = await this.handle(records);
        if (failedAt !== undefined) {
          // Read again from the first failed record, as Lambda does with a partial batch response.
          const { ShardIterator } = await this.streams.send(
            new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: failedAt }),
          );
          shard.iterator = ShardIterator;
          continue;
        }
        n += records.length;
      }
      shard.iterator = out.NextShardIterator;
      if (!shard.iterator) shard.done = true;
    }
    return n;
  }

  /** The sequence number to read again from, or nothing when the whole batch succeeded. */
  private async handle(records: _Record[]): Promise<string | undefined> {
    const event: DynamoDBStreamEvent = {
      Records: records.map(
        (r) =>
          ({
            eventID: r.eventID,
            eventName: r.eventName,
            eventVersion: r.eventVersion ?? '1.1',
            eventSource: 'aws:dynamodb',
            awsRegion: r.awsRegion ?? process.env.AWS_REGION ?? 'us-east-1',
            eventSourceARN: this.streamArn,
            dynamodb: { ...r.dynamodb, ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime?.getTime() },
          }) as DynamoDBRecord,
      ),
    };
    this.counts.batches++;
    this.counts.records += records.length;
    try {
      const result = (await invoke(await this.opts.load(this.opts.fn), event, this.opts.fn)) as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
      const failed = result?.batchItemFailures ?? [];
      this.counts.failures += failed.length;
      return failed[0]?.itemIdentifier;
    } catch (e) {
      this.fail(e);
      this.counts.failures += records.length;
      return records[0]!.dynamodb!.SequenceNumber;
    }
  }

  start(): void {
    if (this.loop) return;
    this.loop = (async () => {
      while (!this.stopping) {
        const n = await this.pollOnce().catch((e: unknown) => {
          this.fail(e);
          return 0;
        });
        if (n === 0 && !this.stopping) await new Promise((r) => setTimeout(r, POLL_MS).unref());
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  state() {
    return { table: this.opts.table, function: this.opts.fn.id, running: Boolean(this.loop) && !this.stopping, ...this.counts, lastError: this.lastError };
  }

  private fail(e: unknown) {
    this.lastError = { message: (e as Error)?.message ?? String(e), at: new Date().toISOString() };
    this.opts.log?.(`stream ${this.opts.table}→${this.opts.fn.id}: ${(e as Error)?.stack ?? String(e)}`);
  }
}

/** A poller for every (function, table) pair of the manifest's stream readers. */
export function streamPollersFor(opts: {
  functions: readonly FunctionSpec[];
  tables: Partial<Record<TableId, string>>;
  load: (spec: FunctionSpec) => Promise<LambdaHandler>;
  endpoint: string;
  log?: (line: string) => void;
}): StreamPoller[] {
  return opts.functions.flatMap((fn) =>
    (fn.streams ?? []).map((table) => {
      const tableName = opts.tables[table];
      if (!tableName) throw new Error(`${fn.id} reads the stream of ${table}, which has no table`);
      return new StreamPoller({ table, tableName, fn, load: opts.load, endpoint: opts.endpoint, log: opts.log });
    }),
  );
}
