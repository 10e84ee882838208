import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_EVERY,
  auditTable,
  canonicalJson,
  commitAudited,
  entryHash,
  readAudit,
  verifyChain,
  type AuditEntry,
} from '../../shared/audit';
import type { Deps } from '../../shared/deps';
import { hmacKey, type MacKey } from '../../shared/keys';
import type { Principal } from '../../shared/roles';
import type { Item } from '../../shared/store/store';
import { memoryDeps } from '../support/memory-deps';

const actor: Principal = { sub: 'clerk', role: 'unit-admin', unit: '330102000000' };
const unit = '330102000000';
const table = auditTable(unit);
const pk = '330102#audit';
const sk = (seq: number) => `e#${String(seq).padStart(12, '0')}`;

/** A clock that moves on by `stepMs` at every reading. */
const ticking = (stepMs: number) => {
  let t = Date.parse('2026-03-02T01:00:00Z');
  return () => new Date((t += stepMs));
};

const append = (deps: Deps, n: number, from = 1) =>
  (async () => {
    for (let i = from; i < from + n; i++) {
      await commitAudited(deps, deps.now(), unit, { actor, action: 'test.change', subject: `s${i}`, before: { n: i - 1 }, after: { n: i } }, []);
    }
  })();

const entry = async (deps: Deps, seq: number) => (await deps.store.get(table, { pk, sk: sk(seq) }))!;
const put = (deps: Deps, item: Item) => deps.store.write({ op: 'put', table, item });
const del = (deps: Deps, key: { pk: string; sk: string }) => deps.store.write({ op: 'delete', table, key });

/** What someone who can write the table but holds no audit key can do best: edit, recompute every hash after, sign with a key of their own. */
async function rewriteFrom(deps: Deps, seq: number, edit: (e: Item) => Item) {
  const forger = hmacKey(randomBytes(32));
  const head = (await deps.store.get(table, { pk, sk: 'head' }))!;
  let prevHash = seq === 1 ? '0'.repeat(64) : ((await entry(deps, seq - 1)).hash as string);
  for (let s = seq; s <= (head.seq as number); s++) {
    const item = await entry(deps, s);
    const { pk: _pk, sk: _sk, hash: _hash, mac: _mac, ...body } = s === seq ? edit(item) : item;
    const hash = entryHash({ ...(body as Omit<AuditEntry, 'hash' | 'mac'>), prevHash });
    await put(deps, { pk, sk: sk(s), ...body, prevHash, hash, mac: await forger.mac(`govtiers/audit-entry/${hash}`) });
    prevHash = hash;
  }
  await put(deps, { ...head, hash: prevHash });
}

/** Cuts the chain after `seq`, head rewritten to match: what MACs and links alone cannot see. */
async function truncateAfter(deps: Deps, seq: number) {
  const head = (await deps.store.get(table, { pk, sk: 'head' }))!;
  for (let s = seq + 1; s <= (head.seq as number); s++) await del(deps, { pk, sk: sk(s) });
  const last = await entry(deps, seq);
  await put(deps, { ...head, seq, v: seq, hash: last.hash });
}

/** Counts the MAC checks a verification makes (each is a KMS call in AWS). */
const counting = (key: MacKey) => {
  const counter = { verify: 0 };
  return { counter, key: { mac: key.mac, verify: (d: string, m: string) => (counter.verify++, key.verify(d, m)) } as MacKey };
};

describe('audit chain', () => {
  let deps: Deps;
  let archived: Map<string, string>;
  beforeEach(async () => {
    ({ deps, archived } = memoryDeps());
    await append(deps, 5);
  });

  it('hashes canonical JSON independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('verifies an intact chain whose entries carry MACs, checkpointed from its first entry', async () => {
    expect(await verifyChain(deps, unit)).toEqual({ ok: true, entries: 5 });
    const page = await readAudit(deps.store, unit, 2);
    expect(page.items.map((e) => e.seq)).toEqual([1, 2]);
    expect(page.items[0]!.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(await deps.keys.audit.verify(`govtiers/audit-entry/${page.items[0]!.hash}`, page.items[0]!.mac)).toBe(true);
    expect(page.head.seq).toBe(5);
    expect([...archived.keys()]).toEqual([`audit/${unit}/000000000001-${page.items[0]!.hash}.json`]);
  });

  it('names the first edited entry', async () => {
    await put(deps, { ...(await entry(deps, 3)), after: { n: 300 } });
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 2, firstBroken: { seq: 3, problem: 'altered' } });
  });

  it('names the first edited entry when every hash after it was recomputed and the head moved along', async () => {
    await rewriteFrom(deps, 3, (e) => ({ ...e, after: { n: 300 } }));
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 2, firstBroken: { seq: 3, problem: 'altered' } });
  });

  it('names the first edited entry when only its own hash was recomputed', async () => {
    const e2 = await entry(deps, 2);
    const { pk: _pk, sk: _sk, hash: _h, mac, ...body } = { ...e2, subject: 'forged' } as Item;
    await put(deps, { pk, sk: sk(2), ...body, hash: entryHash(body as Omit<AuditEntry, 'hash' | 'mac'>), mac });
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 1, firstBroken: { seq: 2, problem: 'altered' } });
  });

  it('names the first of two swapped entries as reordered', async () => {
    const [e2, e4] = [await entry(deps, 2), await entry(deps, 4)];
    await put(deps, { ...e4, sk: sk(2) });
    await put(deps, { ...e2, sk: sk(4) });
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 1, firstBroken: { seq: 2, problem: 'reordered' } });
  });

  it('names the first deleted entry, in the middle or at the end', async () => {
    await del(deps, { pk, sk: sk(5) });
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 4, firstBroken: { seq: 5, problem: 'missing' } });
    await del(deps, { pk, sk: sk(2) });
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 1, firstBroken: { seq: 2, problem: 'missing' } });
  });

  it('reports a head that does not match the entries: another hash, or pointing back', async () => {
    const head = (await deps.store.get(table, { pk, sk: 'head' }))!;
    await put(deps, { ...head, hash: 'f'.repeat(64) });
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 5, firstBroken: { seq: 5, problem: 'head' } });
    await put(deps, { ...head, seq: 3, v: 3, hash: (await entry(deps, 3)).hash });
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 3, firstBroken: { seq: 3, problem: 'head' } });
    await del(deps, { pk, sk: 'head' });
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 0, firstBroken: { seq: 0, problem: 'head' } });
  });

  it('reports a chain deleted whole, and one deleted and grown again', async () => {
    for (let s = 1; s <= 5; s++) await del(deps, { pk, sk: sk(s) });
    for (const k of ['head', 'checkpoint']) await del(deps, { pk, sk: k });
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 0, firstBroken: { seq: 1, problem: 'truncated' } });
    await append(deps, 3, 10);
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 0, firstBroken: { seq: 1, problem: 'altered' } });
  });

  it('ignores a checkpoint that the audit key did not sign', async () => {
    const forged = { unit, seq: 9, hash: 'a'.repeat(64), at: '2026-03-02T02:00:00Z', mac: 'b'.repeat(64) };
    await deps.archive.put(`audit/${unit}/000000000009-${forged.hash}.json`, JSON.stringify(forged));
    expect(await verifyChain(deps, unit)).toEqual({ ok: true, entries: 5 });
  });
});

describe('audit checkpoints', () => {
  it('are written every hour of activity, and a chain cut below the last one is reported as truncated', async () => {
    const { deps, archived } = memoryDeps(ticking(61 * 60 * 1000));
    await append(deps, 6);
    expect(archived.size).toBe(6);
    await truncateAfter(deps, 4);
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 4, firstBroken: { seq: 5, problem: 'truncated' } });
  });

  it(`are written every ${CHECKPOINT_EVERY} entries`, async () => {
    const { deps, archived } = memoryDeps(ticking(1000));
    await append(deps, 2 * CHECKPOINT_EVERY + 1);
    expect([...archived.keys()].map((k) => Number(k.split('/')[2]!.slice(0, 12)))).toEqual([1, CHECKPOINT_EVERY + 1, 2 * CHECKPOINT_EVERY + 1]);
  });

  it('a failed checkpoint write keeps the audited change, and the next append writes it', async () => {
    const { deps, archived } = memoryDeps(ticking(1000));
    const failing: Deps = { ...deps, archive: { ...deps.archive, put: async () => Promise.reject(new Error('S3 unavailable')) } };
    const change = { op: 'put' as const, table: 'registry' as const, item: { pk: '330102#thing', sk: 'x', v: 1 } };
    await commitAudited(failing, deps.now(), unit, { actor, action: 'thing.create', subject: 'x' }, [change]);
    expect(await deps.store.get('registry', { pk: '330102#thing', sk: 'x' })).toBeDefined();
    expect(archived.size).toBe(0);
    await append(deps, 1, 2);
    expect([...archived.keys()]).toEqual([expect.stringMatching(new RegExp(`^audit/${unit}/000000000002-`))]);
    expect(await verifyChain(deps, unit)).toEqual({ ok: true, entries: 2 });
  });

  it('a mark edited to hold checkpoints back is not believed', async () => {
    const { deps, archived } = memoryDeps(ticking(1000));
    await append(deps, 1);
    await put(deps, { pk, sk: 'checkpoint', seq: 10_000, at: '2099-01-01T00:00:00Z' });
    await append(deps, 1, 2);
    expect(archived.size).toBe(2);
  });
});

describe('long audit chains', () => {
  const n = 2 * 500 + 150;
  let deps: Deps;
  beforeEach(async () => {
    deps = memoryDeps(ticking(1000)).deps;
    await append(deps, n);
  }, 60_000);

  it('verify across pages, checking a handful of MACs rather than one per entry', async () => {
    const { key, counter } = counting(deps.keys.audit);
    const withCount = { ...deps, keys: { ...deps.keys, audit: key } };
    expect(await verifyChain(withCount, unit)).toEqual({ ok: true, entries: n });
    expect(await verifyChain(withCount, unit, 7)).toEqual({ ok: true, entries: n });
    expect(counter.verify).toBe(2);

    await rewriteFrom(deps, 777, (e) => ({ ...e, subject: 'forged' }));
    counter.verify = 0;
    expect(await verifyChain(withCount, unit)).toEqual({ ok: false, entries: 776, firstBroken: { seq: 777, problem: 'altered' } });
    expect(counter.verify).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(n)));
  });

  it('cut below the last checkpoint is truncated; above it, only MACs and links stand guard', async () => {
    await truncateAfter(deps, n - 10);
    expect(await verifyChain(deps, unit)).toEqual({ ok: true, entries: n - 10 });
    await truncateAfter(deps, 3 * CHECKPOINT_EVERY + 50);
    expect(await verifyChain(deps, unit)).toEqual({
      ok: false,
      entries: 3 * CHECKPOINT_EVERY + 50,
      firstBroken: { seq: 3 * CHECKPOINT_EVERY + 51, problem: 'truncated' },
    });
  });
});

/** Every call waits a moment first, as a network round trip would: concurrent work then interleaves as it does in AWS. */
const withLatency = <T extends object>(target: T): T =>
  new Proxy(target, {
    get(t, name) {
      const value = Reflect.get(t, name);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await new Promise((r) => setTimeout(r, Math.random() * 2));
        return value.apply(t, args);
      };
    },
  });

describe('audit verification during appends', () => {
  it('never raises a false alarm while entries and checkpoints are being written', async () => {
    // Every append writes a checkpoint (the clock moves an hour each time), the hardest case for a consistent view.
    const { deps: plain } = memoryDeps(ticking(61 * 60 * 1000));
    const deps: Deps = { ...plain, store: withLatency(plain.store), archive: withLatency(plain.archive) };
    await append(deps, 20);
    const writers = Promise.all(
      Array.from({ length: 4 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 15; i++) await commitAudited(deps, deps.now(), unit, { actor, action: 'test.burst', subject: `w${w}-${i}` }, []);
        })(),
      ),
    );
    const reports = [];
    let done = false;
    void writers.finally(() => (done = true));
    while (!done) reports.push(await verifyChain(deps, unit, 3));
    await writers;
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.filter((r) => !r.ok)).toEqual([]);
    expect(await verifyChain(deps, unit)).toEqual({ ok: true, entries: 80 });
  });

  it('raises no alarm when an append, with its checkpoint, lands between any two of its reads', async () => {
    const { deps } = memoryDeps(ticking(61 * 60 * 1000));
    await append(deps, 12);
    let n = 100;
    const appendFirst = <T extends object>(target: T): T =>
      new Proxy(target, {
        get: (t, name) => {
          const value = Reflect.get(t, name);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            await append(deps, 1, n++);
            return value.apply(t, args);
          };
        },
      });
    const racing: Deps = { ...deps, store: appendFirst(deps.store), archive: appendFirst(deps.archive) };
    // Up to the head it read, after the appends that came before its first two reads.
    expect(await verifyChain(racing, unit, 5)).toEqual({ ok: true, entries: 14 });
    expect(n).toBeGreaterThan(105);
    expect(await verifyChain(deps, unit)).toEqual({ ok: true, entries: 12 + (n - 100) });
  });
});
