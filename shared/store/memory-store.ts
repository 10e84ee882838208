import type { TableId } from '../resources';
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

const id = (k: Key) => `${k.pk}\u0000${k.sk}`;

/**
 * The Store in memory, with the same conditions, ordering and cursors as DynamoDB. It serves domain unit tests
 * and the pipeline benchmark, where the database itself must not be measured.
 */
export class MemoryStore implements Store {
  private readonly tables = new Map<TableId, Map<string, Item>>();
  /** The items of each partition, of the table and of the index, so that a query reads its partition only. */
  private readonly partitions = new Map<string, Map<string, Item>>();

  private table(t: TableId): Map<string, Item> {
    let m = this.tables.get(t);
    if (!m) this.tables.set(t, (m = new Map()));
    return m;
  }

  private partition(t: TableId, name: 'pk' | 'gsi1pk', value: unknown): Map<string, Item> {
    const key = JSON.stringify([t, name, value]);
    let m = this.partitions.get(key);
    if (!m) this.partitions.set(key, (m = new Map()));
    return m;
  }

  private put(t: TableId, item: Item) {
    this.remove(t, item);
    const copy = structuredClone(item);
    this.table(t).set(id(copy), copy);
    this.partition(t, 'pk', copy.pk).set(id(copy), copy);
    if (copy.gsi1pk !== undefined) this.partition(t, 'gsi1pk', copy.gsi1pk).set(id(copy), copy);
  }

  private remove(t: TableId, key: Key) {
    const old = this.table(t).get(id(key));
    if (!old) return;
    this.table(t).delete(id(old));
    this.partition(t, 'pk', old.pk).delete(id(old));
    if (old.gsi1pk !== undefined) this.partition(t, 'gsi1pk', old.gsi1pk).delete(id(old));
  }

  private holds(t: TableId, key: Key, expect: Expect | undefined): boolean {
    if (!expect) return true;
    const current = this.table(t).get(id(key));
    if ('absent' in expect) return current === undefined;
    if ('exists' in expect) return current !== undefined;
    return current?.v === expect.version;
  }

  async get(table: TableId, key: Key) {
    const item = this.table(table).get(id(key));
    return item && structuredClone(item);
  }

  async getMany(table: TableId, keys: Key[]) {
    return keys.flatMap((k) => {
      const item = this.table(table).get(id(k));
      return item ? [structuredClone(item)] : [];
    });
  }

  async write(w: Write) {
    await this.transact([w]);
  }

  async transact(ws: Write[]) {
    checkTransaction(ws);
    ws.forEach((w, i) => {
      const key = w.op === 'put' ? w.item : w.key;
      if (!this.holds(w.table, key, w.expect)) throw new ConditionFailed(i);
    });
    for (const w of ws) {
      if (w.op === 'put') this.put(w.table, w.item);
      else if (w.op === 'delete') this.remove(w.table, w.key);
    }
  }

  async putMany(table: TableId, items: Item[]) {
    for (const item of items) this.put(table, item);
  }

  async query(q: QueryInput): Promise<Page<Item>> {
    const [pkName, skName] = q.index ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
    const sk = (i: Item) => String(i[skName]);
    // DynamoDB orders sort keys by UTF-8 bytes; for the keys used here that is code-unit order, then the table key.
    const order = (a: Item, b: Item) => {
      const [x, y] = [sk(a), sk(b)];
      if (x !== y) return x < y ? -1 : 1;
      const [i, j] = [id(a), id(b)];
      return i === j ? 0 : i < j ? -1 : 1;
    };
    let rows = [...this.partition(q.table, q.index ? 'gsi1pk' : 'pk', q.pk).values()].filter((i) => i[skName] !== undefined);
    if (q.skBeginsWith !== undefined) rows = rows.filter((i) => sk(i).startsWith(q.skBeginsWith!));
    if (q.skBetween) rows = rows.filter((i) => sk(i) >= q.skBetween![0] && sk(i) <= q.skBetween![1]);
    const direction = q.descending ? -1 : 1;
    rows.sort((a, b) => direction * order(a, b));
    if (q.cursor) {
      // As DynamoDB does, the page starts right after the cursor's position, whether or not that item still exists.
      const after = decodeCursor(q.cursor, q);
      rows = rows.filter((i) => direction * order(i, after) > 0);
    }
    const page = rows.slice(0, q.limit).map((i) => structuredClone(i));
    const last = page.at(-1);
    const more = rows.length > q.limit && last;
    const cursor = more
      ? encodeCursor(q.index ? { pk: last.pk, sk: last.sk, gsi1pk: String(last.gsi1pk), gsi1sk: sk(last) } : { pk: last.pk, sk: last.sk })
      : undefined;
    return { items: page, cursor };
  }
}
