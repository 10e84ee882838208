import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS, tableEnv, type TableId } from '../resources';
import {
  checkTransaction,
  ConditionFailed,
  decodeCursor,
  encodeCursor,
  type Expect,
  type Item,
  type Key,
  type Page,
  type QueryInput,
  type Store,
  type Write,
} from './store';

/** The SDK modules the store uses, loaded when the store is made rather than when the bundle loads. */
interface Sdk {
  ddb: typeof import('@aws-sdk/client-dynamodb');
  lib: typeof import('@aws-sdk/lib-dynamodb');
}

type Condition = { ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> };

function condition(expect: Expect | undefined): Condition | undefined {
  if (!expect) return undefined;
  if ('absent' in expect) return { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } };
  if ('exists' in expect) return { ConditionExpression: 'attribute_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } };
  return { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'v' }, ExpressionAttributeValues: { ':v': expect.version } };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tries of a write that DynamoDB rejected for a conflict or throttling before giving up (0.3^10 ≈ 6e-6 at a 30 % conflict rate). */
export const MAX_ATTEMPTS = 10;

/** Exponential backoff with full jitter (AWS's advice for contended writers): 0 to 20 ms × 2^attempt, at most 1 s. */
const backoff = (attempt: number) => pause(Math.random() * Math.min(1000, 20 * 2 ** attempt));

/**
 * Why DynamoDB cancelled a transaction, when the cause is worth another try: another transaction or write on one
 * of its items at the same moment (TransactionConflict), or throttling inside the transaction. The SDK retries
 * neither. Any other reason (a condition, a validation error) is final, and so is a mix of the two kinds.
 */
const TRANSIENT_REASONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/**
 * Makes the Store over DynamoDB. The SDK is imported here, on first use: Lambda's runtime provides it, bundles
 * leave it out, and a function does not pay for loading it before it needs it.
 */
export async function createDynamoStore(tableName: (id: TableId) => string = tableNameFromEnv, client?: DynamoDBClient): Promise<DynamoStore> {
  const [ddb, lib] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/lib-dynamodb')]);
  const sdk: Sdk = { ddb, lib };
  const doc = lib.DynamoDBDocumentClient.from(client ?? new ddb.DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  return new DynamoStore(tableName, doc, sdk);
}

/** A table's physical name from the environment the stack (or the local runtime) sets, looked up when used. */
export function tableNameFromEnv(id: TableId): string {
  const name = process.env[tableEnv(id)];
  if (!name) throw new Error(`${tableEnv(id)} is not set`);
  return name;
}

/** The Store over DynamoDB, through the DocumentClient. Never scans. */
export class DynamoStore implements Store {
  constructor(
    private readonly name: (id: TableId) => string,
    readonly doc: DynamoDBDocumentClient,
    private readonly sdk: Sdk,
  ) {}

  async get(table: TableId, key: Key): Promise<Item | undefined> {
    const out = await this.doc.send(new this.sdk.lib.GetCommand({ TableName: this.name(table), Key: key, ConsistentRead: true }));
    return out.Item as Item | undefined;
  }

  async getMany(table: TableId, keys: Key[]): Promise<Item[]> {
    const name = this.name(table);
    const found: Item[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Key[] = keys.slice(i, i + 100);
      for (let attempt = 0; pending.length > 0; attempt++) {
        const out = await this.doc.send(new this.sdk.lib.BatchGetCommand({ RequestItems: { [name]: { Keys: pending, ConsistentRead: true } } }));
        found.push(...((out.Responses?.[name] ?? []) as Item[]));
        pending = (out.UnprocessedKeys?.[name]?.Keys ?? []) as Key[];
        if (pending.length > 0) await backoff(attempt);
      }
    }
    return found;
  }

  async write(w: Write): Promise<void> {
    if (w.op === 'check') return this.transact([w]);
    try {
      const TableName = this.name(w.table);
      await this.retrying(() =>
        w.op === 'put'
          ? this.doc.send(new this.sdk.lib.PutCommand({ TableName, Item: w.item, ...condition(w.expect) }))
          : this.doc.send(new this.sdk.lib.DeleteCommand({ TableName, Key: w.key, ...condition(w.expect) })),
      );
    } catch (e) {
      if (e instanceof this.sdk.ddb.ConditionalCheckFailedException) throw new ConditionFailed(0);
      throw e;
    }
  }

  async transact(ws: Write[]): Promise<void> {
    if (ws.length === 0) return;
    checkTransaction(ws);
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = ws.map((w) => {
      const TableName = this.name(w.table);
      if (w.op === 'put') return { Put: { TableName, Item: w.item, ...condition(w.expect) } };
      if (w.op === 'delete') return { Delete: { TableName, Key: w.key, ...condition(w.expect) } };
      return { ConditionCheck: { TableName, Key: w.key, ...condition(w.expect)! } };
    });
    try {
      await this.retrying(() => this.doc.send(new this.sdk.lib.TransactWriteCommand({ TransactItems: items })));
    } catch (e) {
      if (e instanceof this.sdk.ddb.TransactionCanceledException) {
        const failed = e.CancellationReasons?.findIndex((r) => r.Code === 'ConditionalCheckFailed') ?? -1;
        if (failed >= 0) throw new ConditionFailed(failed);
      }
      throw e;
    }
  }

  /**
   * Sends a write again, after a jittered pause, while DynamoDB rejects it for a conflict with another write or
   * for throttling inside a transaction: nothing was written, so the same request can go again. A conditional
   * write that fails its condition is never retried. Gives up, with DynamoDB's error, after MAX_ATTEMPTS.
   */
  private async retrying<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (e) {
        if (attempt >= MAX_ATTEMPTS || !this.transient(e)) throw e;
        await backoff(attempt);
      }
    }
  }

  private transient(e: unknown): boolean {
    if (e instanceof this.sdk.ddb.TransactionConflictException) return true;
    if (!(e instanceof this.sdk.ddb.TransactionCanceledException)) return false;
    const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((c) => c !== 'None');
    return codes.length > 0 && codes.every((c) => TRANSIENT_REASONS.has(c));
  }

  async putMany(table: TableId, items: Item[]): Promise<void> {
    const name = this.name(table);
    for (let i = 0; i < items.length; i += 25) {
      let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        const out = await this.doc.send(new this.sdk.lib.BatchWriteCommand({ RequestItems: { [name]: pending } }));
        pending = (out.UnprocessedItems?.[name] ?? []) as typeof pending;
        if (pending.length > 0) await backoff(attempt);
      }
    }
  }

  async query(q: QueryInput): Promise<Page<Item>> {
    const pkName = q.index ? TABLE_KEYS.index.partitionKey : 'pk';
    const skName = q.index ? TABLE_KEYS.index.sortKey : 'sk';
    const names: Record<string, string> = { '#pk': pkName };
    const values: Record<string, unknown> = { ':pk': q.pk };
    let expr = '#pk = :pk';
    if (q.skBeginsWith !== undefined) {
      names['#sk'] = skName;
      values[':sk'] = q.skBeginsWith;
      expr += ' AND begins_with(#sk, :sk)';
    } else if (q.skBetween) {
      names['#sk'] = skName;
      values[':lo'] = q.skBetween[0];
      values[':hi'] = q.skBetween[1];
      expr += ' AND #sk BETWEEN :lo AND :hi';
    }
    const out = await this.doc.send(
      new this.sdk.lib.QueryCommand({
        TableName: this.name(q.table),
        IndexName: q.index,
        KeyConditionExpression: expr,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        Limit: q.limit,
        ScanIndexForward: !q.descending,
        ExclusiveStartKey: q.cursor ? decodeCursor(q.cursor, q) : undefined,
        ConsistentRead: q.index ? undefined : true,
      }),
    );
    return { items: (out.Items ?? []) as Item[], cursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : undefined };
  }
}
