import type { TableId } from '../resources';
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

const id = (k: Key) => `${k.pk}\u0000${k.sk}`;

/**
 * The Store in memory, with the same conditions, ordering and cursors as DynamoDB. It serves domain unit tests
 * and the pipeline benchmark, where the database itself must not be measured.
 */
export class MemoryStore implements Store {
  private readonly tables = new Map<TableId, Map<string, Item>>();

  private table(t: TableId): Map<string, Item> {
    let m = this.tables.get(t);
    if (!m) this.tables.set(t, (m = new Map()));
    return m;
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
    if (ws.length > MAX_TRANSACTION) throw new Error(`a transaction holds at most ${MAX_TRANSACTION} writes`);
    ws.forEach((w, i) => {
      const key = w.op === 'put' ? w.item : w.key;
      if (!this.holds(w.table, key, w.expect)) throw new ConditionFailed(i);
    });
    for (const w of ws) {
      if (w.op === 'put') this.table(w.table).set(id(w.item), structuredClone(w.item));
      else if (w.op === 'delete') this.table(w.table).delete(id(w.key));
    }
  }

  async putMany(table: TableId, items: Item[]) {
    for (const item of items) this.table(table).set(id(item), structuredClone(item));
  }

  async query(q: QueryInput): Promise<Page<Item>> {
    const [pkName, skName] = q.index ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
    const sk = (i: Item) => String(i[skName]);
    let rows = [...this.table(q.table).values()].filter((i) => i[pkName] === q.pk && i[skName] !== undefined);
    if (q.skBeginsWith !== undefined) rows = rows.filter((i) => sk(i).startsWith(q.skBeginsWith!));
    if (q.skBetween) rows = rows.filter((i) => sk(i) >= q.skBetween![0] && sk(i) <= q.skBetween![1]);
    // DynamoDB orders sort keys by UTF-8 bytes; for the keys used here that is code-unit order, then the table key.
    rows.sort((a, b) => (sk(a) < sk(b) ? -1 : sk(a) > sk(b) ? 1 : id(a) < id(b) ? -1 : 1));
    if (q.descending) rows.reverse();
    if (q.cursor) {
      const after = decodeCursor(q.cursor, q);
      const at = rows.findIndex((i) => i.pk === after.pk && i.sk === after.sk);
      rows = rows.slice(at + 1);
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
