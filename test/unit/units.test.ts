import { beforeEach, describe, expect, it } from 'vitest';
import { readAudit, verifyChain } from '../../shared/audit';
import { ApiError } from '../../shared/errors';
import type { Principal } from '../../shared/roles';
import { changeUnit, createUnit, getUnit, listChildren } from '../../tenants/units';
import { memoryDeps } from '../support/memory-deps';

const admin: Principal = { sub: 'admin-33', role: 'province-admin', unit: '330000000000' };

describe('units', () => {
  let deps: ReturnType<typeof memoryDeps>['deps'];
  beforeEach(async () => {
    deps = memoryDeps().deps;
    await createUnit(deps, admin, '330000000000', '浙江省');
  });

  it('creates a unit under its nearest existing ancestor, skipping missing levels', async () => {
    const township = await createUnit(deps, admin, '330102001000', '清波街道');
    expect(township.parent).toBe('330000000000');
    await createUnit(deps, admin, '330100000000', '杭州市');
    const village = await createUnit(deps, admin, '330102001051', '清波门社区');
    expect(village).toMatchObject({ parent: '330102001000', level: 'village', edition: 2023, status: 'active' });
  });

  it('refuses a duplicate and a unit with no ancestor', async () => {
    await expect(createUnit(deps, admin, '330000000000', '浙江省')).rejects.toMatchObject({ code: 'already_exists' });
    await expect(createUnit(deps, { ...admin, unit: '110000000000' }, '110100000000', '市辖区')).rejects.toMatchObject({ code: 'unprocessable' });
  });

  it('lists children a page at a time', async () => {
    for (let i = 1; i <= 11; i++) await createUnit(deps, admin, `33${String(i).padStart(2, '0')}00000000`, `市${i}`);
    const first = await listChildren(deps.store, '330000000000', 5);
    expect(first.items.map((u) => u.code)).toEqual(['330100000000', '330200000000', '330300000000', '330400000000', '330500000000']);
    const second = await listChildren(deps.store, '330000000000', 5, first.cursor);
    const third = await listChildren(deps.store, '330000000000', 5, second.cursor);
    expect(second.items).toHaveLength(5);
    expect(third.items.map((u) => u.code)).toEqual(['331100000000']);
    expect(third.cursor).toBeUndefined();
  });

  it('of two concurrent renames one wins and the other gets 409, each audited once', async () => {
    const results = await Promise.allSettled([
      changeUnit(deps, admin, '330000000000', { name: '浙江省A', v: 1 }),
      changeUnit(deps, admin, '330000000000', { name: '浙江省B', v: 1 }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(((lost[0] as PromiseRejectedResult).reason as ApiError).status).toBe(409);
    const unit = await getUnit(deps.store, '330000000000');
    expect(unit.v).toBe(2);
    const audit = await readAudit(deps.store, '330000000000', 50);
    expect(audit.items.map((e) => e.action)).toEqual(['unit.create', 'unit.update']);
    expect(audit.items[1]!.after).toMatchObject({ name: unit.name });
    expect(await verifyChain(deps, '330000000000')).toEqual({ ok: true, entries: 2 });
  });

  it('suspends and reactivates, never deletes', async () => {
    await createUnit(deps, admin, '330100000000', '杭州市');
    const s = await changeUnit(deps, admin, '330100000000', { status: 'suspended' });
    expect(s.status).toBe('suspended');
    const r = await changeUnit(deps, admin, '330100000000', { status: 'active', v: s.v });
    expect(r).toMatchObject({ status: 'active', v: 3 });
    const actions = (await readAudit(deps.store, '330100000000', 10)).items.map((e) => e.action);
    expect(actions).toEqual(['unit.create', 'unit.suspend', 'unit.reactivate']);
  });

  it('refuses to let anyone suspend their own unit or one above it, which nobody could then lift', async () => {
    await createUnit(deps, admin, '330100000000', '杭州市');
    await expect(changeUnit(deps, admin, '330000000000', { status: 'suspended' })).rejects.toMatchObject({ code: 'forbidden' });
    const cityCaller: Principal = { sub: 'x', role: 'province-admin', unit: '330102000000' };
    await expect(changeUnit(deps, cityCaller, '330100000000', { status: 'suspended' })).rejects.toMatchObject({ code: 'forbidden' });
    expect((await getUnit(deps.store, '330000000000')).status).toBe('active');
    expect((await getUnit(deps.store, '330100000000')).status).toBe('active');
    // Renaming one's own unit stays possible.
    expect((await changeUnit(deps, admin, '330000000000', { name: '浙江' })).name).toBe('浙江');
  });
});
