import { beforeEach, describe, expect, it } from 'vitest';
import { auditTable, canonicalJson, commitAudited, readAudit, verifyChain } from '../../shared/audit';
import type { Principal } from '../../shared/roles';
import { memoryDeps } from '../support/memory-deps';

const actor: Principal = { sub: 'clerk', role: 'unit-admin', unit: '330102000000' };
const unit = '330102000000';

describe('audit chain', () => {
  let deps: ReturnType<typeof memoryDeps>['deps'];
  beforeEach(async () => {
    deps = memoryDeps().deps;
    for (let i = 1; i <= 5; i++) {
      await commitAudited(deps.store, deps.now(), unit, { actor, action: 'test.change', subject: `s${i}`, before: { n: i - 1 }, after: { n: i } }, []);
    }
  });

  it('hashes canonical JSON independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('verifies an intact chain', async () => {
    expect(await verifyChain(deps.store, unit)).toEqual({ ok: true, entries: 5 });
    const page = await readAudit(deps.store, unit, 2);
    expect(page.items.map((e) => e.seq)).toEqual([1, 2]);
    expect(page.head.seq).toBe(5);
  });

  it('names the first edited entry', async () => {
    const e3 = await deps.store.get(auditTable(unit), { pk: '330102#audit', sk: 'e#000000000003' });
    await deps.store.write({ op: 'put', table: auditTable(unit), item: { ...e3!, after: { n: 300 } } });
    expect(await verifyChain(deps.store, unit)).toEqual({ ok: false, entries: 2, firstBroken: { seq: 3, problem: 'altered' } });
  });

  it('names the first deleted entry, in the middle or at the end', async () => {
    await deps.store.write({ op: 'delete', table: auditTable(unit), key: { pk: '330102#audit', sk: 'e#000000000005' } });
    expect(await verifyChain(deps.store, unit)).toEqual({ ok: false, entries: 4, firstBroken: { seq: 5, problem: 'missing' } });
    await deps.store.write({ op: 'delete', table: auditTable(unit), key: { pk: '330102#audit', sk: 'e#000000000002' } });
    expect(await verifyChain(deps.store, unit)).toEqual({ ok: false, entries: 1, firstBroken: { seq: 2, problem: 'missing' } });
  });

  it('keeps one chain under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => commitAudited(deps.store, deps.now(), unit, { actor, action: 'test.burst', subject: `b${i}` }, [])),
    );
    expect(await verifyChain(deps.store, unit)).toEqual({ ok: true, entries: 15 });
  });
});
