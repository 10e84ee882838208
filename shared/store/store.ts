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

/** Raised for a cursor that does not belong to the query it is used with. */
export class BadCursor extends Error {}

export const MAX_TRANSACTION = 100;

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor and checks it points into the partition being queried, so it cannot widen a scope. */
export function decodeCursor(cursor: string, q: QueryInput): Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursor();
  }
  const partition = q.index ? 'gsi1pk' : 'pk';
  if (
    typeof key !== 'object' ||
    key === null ||
    Object.values(key).some((v) => typeof v !== 'string') ||
    (key as Record<string, string>)[partition] !== q.pk
  ) {
    throw new BadCursor();
  }
  return key as Record<string, string>;
}
