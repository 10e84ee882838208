import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from '../../shared/store/store';
import { ensureTable } from '../../infra/local/resources';
import { dropTables } from './tables';

/** The importer's concurrency: 4 chunks written at once (tenants/imports.ts, WAVE). */
const IN_FLIGHT = 4;

export interface WriteRate {
  items: number;
  calls: number;
  ms: number;
  perSecond: number;
}

/** Runs `run` over every job with at most `width` of them under way at any time. */
async function pool<T>(jobs: T[], width: number, run: (job: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) await run(jobs[next++]!);
    }),
  );
}

const chunks = <T>(all: T[], size: number) => Array.from({ length: Math.ceil(all.length / size) }, (_, i) => all.slice(i * size, (i + 1) * size));

async function timed(items: number, calls: number, write: () => Promise<void>): Promise<WriteRate> {
  const t = performance.now();
  await write();
  const ms = performance.now() - t;
  return { items, calls, ms, perSecond: (items / ms) * 1000 };
}

/** One pass of both patterns into fresh scratch tables, dropped afterwards. */
async function writeRates(ddb: DynamoDBClient, items: Item[]): Promise<{ batchWrite: WriteRate; transactWrite: WriteRate }> {
  const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
  const batchTable = 'bench-raw-batch';
  const transactTable = 'bench-raw-transact';
  await Promise.all([ensureTable(ddb, batchTable), ensureTable(ddb, transactTable)]);
  try {
    const batches = chunks(items, 25);
    const batchWrite = await timed(items.length, batches.length, () =>
      pool(batches, IN_FLIGHT, async (batch) => {
        let pending = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [batchTable]: pending } }));
          pending = (out.UnprocessedItems?.[batchTable] ?? []) as typeof pending;
        }
      }),
    );
    const transactions = chunks(items, 100);
    const transactWrite = await timed(items.length, transactions.length, () =>
      pool(transactions, IN_FLIGHT, async (chunk) => {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: chunk.map((Item) => ({
              Put: { TableName: transactTable, Item, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } },
            })),
          }),
        );
      }),
    );
    return { batchWrite, transactWrite };
  } finally {
    await dropTables(ddb, [batchTable, transactTable]);
  }
}

/**
 * What DynamoDB Local itself sustains, measured in the same run as the imports: the given unit items written into
 * empty scratch tables, 4 requests in flight, through the same endpoint and DocumentClient the handlers use —
 * once with BatchWriteItem (25 plain puts a call), once with the importer's own pattern, TransactWriteItems of
 * 100 puts each conditional on the item being absent. One pass; the bench runs several, between its imports.
 */
export async function rawWriteRates(items: Item[]): Promise<{ batchWrite: WriteRate; transactWrite: WriteRate }> {
  const ddb = new DynamoDBClient({});
  try {
    return await writeRates(ddb, items);
  } finally {
    ddb.destroy();
  }
}
