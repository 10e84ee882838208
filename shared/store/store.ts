import type { TableId } from '../resources';

/**
 * The one persistence port every capability uses. Items are keyed by `pk`/`sk`; a unit's items have a `pk` that
 * starts with the unit's prefix and `#`, so a subtree is one key prefix. Conditions are structured (not raw
 * expressions) so that the DynamoDB adapter and the in-memory one mean the same thing.
 */

export interface Key {
  pk: string;
  sk: string;
}
export type Item = Key & Record<string, unknown>;

/** Optimistic versions live in `v`; a put that expects version n must write n + 1. */
export type Expect = { absent: true } | { exists: true } | { version: number };

export type Write =
  | { op: 'put'; table: TableId; item: Item; expect?: Expect }
  | { op: 'delete'; table: TableId; key: Key; expect?: Expect }
  | { op: 'check'; table: TableId; key: Key; expect: Expect };

export interface QueryInput {
  table: TableId;
  /** Partition to read: `pk`, or `gsi1pk` when `index` is set. */
  pk: string;
  index?: 'gsi1';
  skBeginsWith?: string;
  /** Inclusive sort-key range. */
  skBetween?: [string, string];
  limit: number;
  cursor?: string;
  descending?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  cursor?: string;
}

export interface Store {
  get(table: TableId, key: Key): Promise<Item | undefined>;
  /** Any number of keys; missing ones are left out. */
  getMany(table: TableId, keys: Key[]): Promise<Item[]>;
  /** One conditional write; throws ConditionFailed when its expectation does not hold. */
  write(w: Write): Promise<void>;
  /** All or nothing (at most 100 writes); throws ConditionFailed naming the write whose expectation failed. */
  transact(ws: Write[]): Promise<void>;
  /** Unconditional bulk puts, for imports of items checked beforehand. */
  putMany(table: TableId, items: Item[]): Promise<void>;
  query(q: QueryInput): Promise<Page<Item>>;
}

export class ConditionFailed extends Error {
  /** Index, in the transaction, of the write whose condition failed (0 for a single write). */
  constructor(readonly index: number) {
    super(`condition failed on write ${index}`);
  }
}

/** Raised for a cursor that is not one the same query could have issued. */
export class BadCursor extends Error {}

export const MAX_TRANSACTION = 100;

/**
 * Refuses, before anything is sent, a transaction DynamoDB would refuse with a ValidationException: more than
 * MAX_TRANSACTION writes, or two writes to one item. Both stores call it, so both throw the same plain Error.
 */
export function checkTransaction(ws: Write[]): void {
  if (ws.length > MAX_TRANSACTION) throw new Error(`a transaction holds at most ${MAX_TRANSACTION} writes`);
  const seen = new Set<string>();
  for (const w of ws) {
    const { pk, sk } = w.op === 'put' ? w.item : w.key;
    const id = JSON.stringify([w.table, pk, sk]);
    if (seen.has(id)) throw new Error(`a transaction may write one item only once (${w.table} ${pk} ${sk})`);
    seen.add(id);
  }
}

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Decodes a cursor and accepts only what the query itself could have issued: exactly the key attributes of the
 * table (pk, sk) or of the index (pk, sk, gsi1pk, gsi1sk), all strings, in the partition being queried and with
 * a sort key inside the query's range. Anything else would reach DynamoDB as an ExclusiveStartKey it refuses, or
 * start a page outside the caller's scope.
 */
export function decodeCursor(cursor: string, q: QueryInput): Key & Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursor();
  }
  const [partition, sort] = q.index ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
  const shape = q.index ? ['gsi1pk', 'gsi1sk', 'pk', 'sk'] : ['pk', 'sk'];
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw new BadCursor();
  const k = key as Record<string, unknown>;
  const names = Object.keys(k).sort();
  if (names.length !== shape.length || names.some((n, i) => n !== shape[i] || typeof k[n] !== 'string')) throw new BadCursor();
  const at = k as Key & Record<string, string>;
  const sk = at[sort]!;
  if (
    at[partition] !== q.pk ||
    (q.skBeginsWith !== undefined && !sk.startsWith(q.skBeginsWith)) ||
    (q.skBetween !== undefined && (sk < q.skBetween[0] || sk > q.skBetween[1]))
  ) {
    throw new BadCursor();
  }
  return at;
}
