import { describe, expect, it } from 'vitest';
import { BadCursor, ConditionFailed, type Item, type Store } from '../../shared/store/store';

/**
 * What every Store must do, run against the in-memory store in unit tests and against DynamoDB (the emulator)
 * in integration tests, so that domain tests on the former say something about the latter. Each run uses its
 * own key space (`ns`), so runs can share tables.
 */
export function storeContract(name: string, make: () => Promise<Store>, ns = `t${Date.now().toString(36)}`) {
  describe(`Store contract: ${name}`, () => {
    const k = (pk: string, sk: string) => ({ pk: `${ns}-${pk}`, sk });

    it('puts, gets, and leaves out missing keys in getMany', async () => {
      const store = await make();
      await store.write({ op: 'put', table: 'registry', item: { ...k('a', '1'), v: 1, name: '甲', nested: { list: [1, 'x'], empty: null } } });
      expect(await store.get('registry', k('a', '1'))).toEqual({ ...k('a', '1'), v: 1, name: '甲', nested: { list: [1, 'x'], empty: null } });
      expect(await store.get('registry', k('a', 'missing'))).toBeUndefined();
      const keys = Array.from({ length: 130 }, (_, i) => k('many', String(i).padStart(3, '0')));
      await store.putMany('registry', keys.slice(0, 120).map((key) => ({ ...key, v: 1 })));
      const got = await store.getMany('registry', keys);
      expect(got).toHaveLength(120);
    });

    it('honours absent, exists and version expectations', async () => {
      const store = await make();
      const item: Item = { ...k('c', '1'), v: 1 };
      await store.write({ op: 'put', table: 'registry', item, expect: { absent: true } });
      await expect(store.write({ op: 'put', table: 'registry', item, expect: { absent: true } })).rejects.toBeInstanceOf(ConditionFailed);
      await store.write({ op: 'put', table: 'registry', item: { ...item, v: 2 }, expect: { version: 1 } });
      await expect(store.write({ op: 'put', table: 'registry', item: { ...item, v: 3 }, expect: { version: 1 } })).rejects.toBeInstanceOf(ConditionFailed);
      await expect(store.write({ op: 'delete', table: 'registry', key: k('c', 'nope'), expect: { exists: true } })).rejects.toBeInstanceOf(ConditionFailed);
      expect((await store.get('registry', k('c', '1')))?.v).toBe(2);
    });

    it('applies a transaction whole or not at all, naming the failed write', async () => {
      const store = await make();
      await store.write({ op: 'put', table: 'registry', item: { ...k('t', 'exists'), v: 1 } });
      const failing = store.transact([
        { op: 'put', table: 'registry', item: { ...k('t', 'new'), v: 1 }, expect: { absent: true } },
        { op: 'put', table: 'province', item: { ...k('t', 'other-table'), v: 1 } },
        { op: 'check', table: 'registry', key: k('t', 'exists'), expect: { version: 7 } },
      ]);
      await expect(failing).rejects.toMatchObject({ index: 2 });
      expect(await store.get('registry', k('t', 'new'))).toBeUndefined();
      expect(await store.get('province', k('t', 'other-table'))).toBeUndefined();
      await store.transact([
        { op: 'put', table: 'registry', item: { ...k('t', 'new'), v: 1 }, expect: { absent: true } },
        { op: 'delete', table: 'registry', key: k('t', 'exists'), expect: { version: 1 } },
      ]);
      expect(await store.get('registry', k('t', 'new'))).toBeDefined();
      expect(await store.get('registry', k('t', 'exists'))).toBeUndefined();
    });

    it('queries in sort-key order, by prefix and range, both directions, a page at a time', async () => {
      const store = await make();
      const pk = `${ns}-q`;
      await store.putMany('registry', ['a#3', 'a#1', 'b#1', 'a#2', 'a#10'].map((sk) => ({ pk, sk, v: 1 })));
      const asc = await store.query({ table: 'registry', pk, skBeginsWith: 'a#', limit: 10 });
      expect(asc.items.map((i) => i.sk)).toEqual(['a#1', 'a#10', 'a#2', 'a#3']);
      const desc = await store.query({ table: 'registry', pk, limit: 2, descending: true });
      expect(desc.items.map((i) => i.sk)).toEqual(['b#1', 'a#3']);
      const range = await store.query({ table: 'registry', pk, skBetween: ['a#10', 'a#3'], limit: 10 });
      expect(range.items.map((i) => i.sk)).toEqual(['a#10', 'a#2', 'a#3']);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.query({ table: 'registry', pk, limit: 2, cursor });
        seen.push(...page.items.map((i) => i.sk));
        cursor = page.cursor;
      } while (cursor);
      expect(seen).toEqual(['a#1', 'a#10', 'a#2', 'a#3', 'b#1']);
    });

    it('queries the gsi1 index and refuses a cursor from another partition', async () => {
      const store = await make();
      const g = `${ns}-children`;
      await store.putMany('registry', [3, 1, 2].map((n) => ({ ...k('child', String(n)), gsi1pk: g, gsi1sk: `c${n}`, v: 1 })));
      const first = await store.query({ table: 'registry', index: 'gsi1', pk: g, limit: 2 });
      expect(first.items.map((i) => i.gsi1sk)).toEqual(['c1', 'c2']);
      const second = await store.query({ table: 'registry', index: 'gsi1', pk: g, limit: 2, cursor: first.cursor });
      expect(second.items.map((i) => i.gsi1sk)).toEqual(['c3']);
      await expect(store.query({ table: 'registry', index: 'gsi1', pk: `${ns}-elsewhere`, limit: 2, cursor: first.cursor })).rejects.toBeInstanceOf(BadCursor);
    });
  });
}
