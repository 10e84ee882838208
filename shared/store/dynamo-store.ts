import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS, tableEnv, type TableId } from '../resources';
import {
  ConditionFailed,
  decodeCursor,
  encodeCursor,
  MAX_TRANSACTION,
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
        if (pending.length > 0) await pause(Math.min(1000, 20 * 2 ** attempt));
      }
    }
    return found;
  }

  async write(w: Write): Promise<void> {
    try {
      if (w.op === 'put') {
        await this.doc.send(new this.sdk.lib.PutCommand({ TableName: this.name(w.table), Item: w.item, ...condition(w.expect) }));
      } else if (w.op === 'delete') {
        await this.doc.send(new this.sdk.lib.DeleteCommand({ TableName: this.name(w.table), Key: w.key, ...condition(w.expect) }));
      } else {
        await this.transact([w]);
      }
    } catch (e) {
      if (e instanceof this.sdk.ddb.ConditionalCheckFailedException) throw new ConditionFailed(0);
      throw e;
    }
  }

  async transact(ws: Write[]): Promise<void> {
    if (ws.length === 0) return;
    if (ws.length > MAX_TRANSACTION) throw new Error(`a transaction holds at most ${MAX_TRANSACTION} writes`);
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = ws.map((w) => {
      const TableName = this.name(w.table);
      if (w.op === 'put') return { Put: { TableName, Item: w.item, ...condition(w.expect) } };
      if (w.op === 'delete') return { Delete: { TableName, Key: w.key, ...condition(w.expect) } };
      return { ConditionCheck: { TableName, Key: w.key, ...condition(w.expect)! } };
    });
    try {
      await this.doc.send(new this.sdk.lib.TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      if (e instanceof this.sdk.ddb.TransactionCanceledException) {
        const failed = e.CancellationReasons?.findIndex((r) => r.Code === 'ConditionalCheckFailed') ?? -1;
        if (failed >= 0) throw new ConditionFailed(failed);
      }
      throw e;
    }
  }

  async putMany(table: TableId, items: Item[]): Promise<void> {
    const name = this.name(table);
    for (let i = 0; i < items.length; i += 25) {
      let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        const out = await this.doc.send(new this.sdk.lib.BatchWriteCommand({ RequestItems: { [name]: pending } }));
        pending = (out.UnprocessedItems?.[name] ?? []) as typeof pending;
        if (pending.length > 0) await pause(Math.min(1000, 20 * 2 ** attempt));
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
