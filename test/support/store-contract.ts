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

    it('refuses every cursor the query could not have issued', async () => {
      const store = await make();
      const pk = `${ns}-cur`;
      const g = `${ns}-cur-children`;
      await store.putMany('registry', ['a#1', 'a#2', 'a#3', 'b#1'].map((sk) => ({ pk, sk, gsi1pk: g, gsi1sk: sk, v: 1 })));
      const base = { table: 'registry', pk, limit: 1 } as const;
      const index = { table: 'registry', index: 'gsi1', pk: g, limit: 1 } as const;
      // The cursors the store issues are accepted: the shape to depart from.
      const baseCursor = (await store.query({ ...base, skBeginsWith: 'a#' })).cursor!;
      const indexCursor = (await store.query({ ...index, skBetween: ['a#1', 'a#3'] })).cursor!;
      expect((await store.query({ ...base, skBeginsWith: 'a#', cursor: baseCursor })).items.map((i) => i.sk)).toEqual(['a#2']);
      expect((await store.query({ ...index, skBetween: ['a#1', 'a#3'], cursor: indexCursor })).items.map((i) => i.sk)).toEqual(['a#2']);
      const decode = (c: string) => JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>;
      const craft = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
      const b = decode(baseCursor);
      const i = decode(indexCursor);
      const refused: [string, Parameters<Store['query']>[0]][] = [
        ['not base64 JSON', { ...base, cursor: '%%%' }],
        ['an array', { ...base, cursor: craft([pk, 'a#1']) }],
        ['an extra attribute', { ...base, cursor: craft({ ...b, v: '1' }) }],
        ['the index key on a table query', { ...base, cursor: craft(i) }],
        ['no sort key', { ...base, cursor: craft({ pk }) }],
        ['a number for the sort key', { ...base, cursor: craft({ pk, sk: 1 }) }],
        ['another partition', { ...base, cursor: craft({ ...b, pk: `${ns}-other` }) }],
        ['a sort key outside the prefix', { ...base, skBeginsWith: 'a#', cursor: craft({ ...b, sk: 'b#1' }) }],
        ['a sort key outside the range', { ...index, skBetween: ['a#1', 'a#3'], cursor: craft({ ...i, gsi1sk: 'b#1' }) }],
        ['a sort key below the range', { ...index, skBetween: ['a#2', 'a#3'], cursor: craft({ ...i, gsi1sk: 'a#0' }) }],
        ['a table key on an index query', { ...index, cursor: craft(b) }],
        ['an index key without the table key', { ...index, cursor: craft({ gsi1pk: g, gsi1sk: 'a#1' }) }],
        ['an extra attribute on an index query', { ...index, cursor: craft({ ...i, code: 'x' }) }],
      ];
      for (const [what, q] of refused) await expect(store.query(q), what).rejects.toBeInstanceOf(BadCursor);
    });

    it('starts a page right after the cursor even when that item is gone', async () => {
      const store = await make();
      const pk = `${ns}-gone`;
      await store.putMany('registry', ['1', '2', '3', '4'].map((sk) => ({ pk, sk, v: 1 })));
      const first = await store.query({ table: 'registry', pk, limit: 2 });
      await store.write({ op: 'delete', table: 'registry', key: { pk, sk: '2' } });
      expect((await store.query({ table: 'registry', pk, limit: 2, cursor: first.cursor })).items.map((i) => i.sk)).toEqual(['3', '4']);
      const down = await store.query({ table: 'registry', pk, limit: 1, descending: true });
      await store.write({ op: 'delete', table: 'registry', key: { pk, sk: '4' } });
      expect((await store.query({ table: 'registry', pk, limit: 5, descending: true, cursor: down.cursor })).items.map((i) => i.sk)).toEqual(['3', '1']);
    });

    it('refuses a transaction that writes one item twice, as DynamoDB does, and writes nothing', async () => {
      const store = await make();
      const twice = [
        [{ op: 'put', table: 'registry', item: { ...k('dup', 'fresh'), v: 1 } }, { op: 'put', table: 'registry', item: { ...k('dup', 'x'), v: 1 } }, { op: 'put', table: 'registry', item: { ...k('dup', 'x'), v: 2 } }],
        [{ op: 'put', table: 'registry', item: { ...k('dup', 'fresh'), v: 1 } }, { op: 'check', table: 'registry', key: k('dup', 'x'), expect: { absent: true } }, { op: 'delete', table: 'registry', key: k('dup', 'x') }],
      ] as const;
      for (const ws of twice) {
        const refusal = store.transact([...ws]);
        await expect(refusal).rejects.toThrow('one item only once');
        await expect(refusal).rejects.not.toBeInstanceOf(ConditionFailed);
        expect(await store.get('registry', k('dup', 'fresh'))).toBeUndefined();
      }
      // The same key in another table is another item.
      await store.transact([{ op: 'put', table: 'registry', item: { ...k('dup', 'x'), v: 1 } }, { op: 'put', table: 'province', item: { ...k('dup', 'x'), v: 1 } }]);
      expect(await store.get('province', k('dup', 'x'))).toBeDefined();
    });
  });
}
