import { beforeAll, describe, expect, it } from 'vitest';
import { actOnApplicationOp, adoptItemOp, defineBundleOp, defineItemOp, myApplicationsOp, submitBundleOp, submitOp } from '../../functions/services/api';
import { levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { residentIdCheckChar } from '../../shared/identity-codes';
import type { Principal } from '../../shared/roles';
import type { Store } from '../../shared/store/store';
import { deptKey } from '../../tenants/people';
import { unitItem } from '../../tenants/unit';
import { newUnit } from '../../tenants/units';
import { seedAccounts } from '../support/accounts';
import { inProcessApi } from '../support/in-process-api';
import { realDeps } from '../support/real-deps';
import { itemInput } from '../support/services-world';
import { useSharedEmulators } from '../support/shared-emulators';
import { testTokens } from '../support/tokens';

useSharedEmulators();

// 四川省 and units under it: no other test file uses province 51.
const PROVINCE = '510000000000';
const CITY = '510100000000';
const COUNTY = '510104000000';
const dept = (unit: string, which = 'A') => `01HZZZZZZZ${which}${unit}000`.slice(0, 26);
const ID = '51010419900307002';
const applicant = { name: '李华', idNumber: ID + residentIdCheckChar(ID), phone: '13800138000' };
const form = { applicantName: '李华', babyName: '李一', birthDate: '2026-02-20', hospital: '市一医院' };

const admin: Principal = { sub: 'sc-admin', role: 'province-admin', unit: PROVINCE };
const countyAdmin: Principal = { sub: 'sc-county-admin', role: 'unit-admin', unit: COUNTY };
const clerk: Principal = { sub: 'sc-clerk', role: 'staff', unit: COUNTY, dept: dept(COUNTY) };
const clerkB: Principal = { sub: 'sc-clerk-b', role: 'staff', unit: COUNTY, dept: dept(COUNTY, 'B') };

async function world(deps: Deps) {
  const t = await testTokens();
  const api = await inProcessApi(deps, t.verifier);
  return { api, token: (p: Principal) => t.sign(p) };
}

describe('services on DynamoDB', () => {
  beforeAll(async () => {
    const { store, now } = await realDeps();
    const at = now().toISOString();
    await store.putMany('registry', [
      unitItem(newUnit(PROVINCE, '四川省', undefined, at)),
      unitItem(newUnit(CITY, '成都市', PROVINCE, at)),
      unitItem(newUnit(COUNTY, '锦江区', CITY, at)),
    ]);
    for (const [unit, which] of [[PROVINCE, 'A'], [COUNTY, 'A'], [COUNTY, 'B']] as const) {
      await store.write({
        op: 'put',
        table: levelOf(unit),
        item: { ...deptKey(unit, dept(unit, which)), id: dept(unit, which), unit, name: `部门${which}`, status: 'active', createdAt: at, updatedAt: at, v: 1 },
      });
    }
    await seedAccounts(store, [admin, countyAdmin, clerk, clerkB]);
    const { api, token } = await world(await realDeps());
    for (const [code, d] of [['510000-SC-001', dept(PROVINCE)], ['510000-SC-002', dept(PROVINCE)]] as const) {
      const r = await api(defineItemOp, { params: { code: PROVINCE }, body: itemInput(code, { deptId: d }), token: await token(admin) });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    for (const [code, which] of [['510000-SC-001', 'A'], ['510000-SC-002', 'B']] as const) {
      const a = await api(adoptItemOp, {
        params: { code: COUNTY, definer: PROVINCE, item: code },
        body: { v: 0, deptId: dept(COUNTY, which), address: '锦江区政务服务中心', hours: '工作日' },
        token: await token(countyAdmin),
      });
      expect(a.status, JSON.stringify(a.body)).toBe(200);
    }
    const b = await api(defineBundleOp, {
      params: { code: COUNTY },
      body: { id: 'birth', name: '出生一件事', description: '两项', items: [{ definer: PROVINCE, item: '510000-SC-001' }, { definer: PROVINCE, item: '510000-SC-002' }] },
      token: await token(countyAdmin),
    });
    expect(b.status, JSON.stringify(b.body)).toBe(201);
  });

  it('two staff steps read at the same moment: DynamoDB takes one, the other gets 409', async () => {
    const deps = await realDeps();
    const { api, token } = await world(deps);
    const s = await api(submitOp, { params: { code: COUNTY }, body: { definer: PROVINCE, item: '510000-SC-001', form, applicant }, token: await token({ sub: 'sc-citizen-1', role: 'citizen', unit: COUNTY }) });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    const read = deps.store.get.bind(deps.store);
    const held: (() => void)[] = [];
    deps.store.get = async (table, key) => {
      const item = await read(table, key);
      if (key.sk === `application/${s.body.id}`) await new Promise<void>((go) => (held.push(go) === 2 ? held.forEach((f) => f()) : undefined));
      return item;
    };
    const step = async (action: string) =>
      api(actOnApplicationOp, { params: { code: COUNTY, id: s.body.id }, body: { action, reason: '同时办理' }, token: await token(clerk) });
    const [a, b] = await Promise.all([step('accept'), step('reject')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });

  it('a bundle submission DynamoDB refuses in part leaves none of its cases', async () => {
    const deps = await realDeps();
    const { api, token } = await world(deps);
    const citizen = await token({ sub: 'sc-citizen-2', role: 'citizen', unit: COUNTY });
    const count = async (store: Store) =>
      (await store.query({ table: 'county', pk: `${prefixOf(COUNTY)}#svc-bundle-sub`, limit: 100 })).items.length;
    const before = await count(deps.store);
    // The transaction gains a check that can never hold: DynamoDB cancels all of it.
    const transact = deps.store.transact.bind(deps.store);
    deps.store.transact = (ws) => transact([...ws, { op: 'check', table: 'registry', key: { pk: 'nothing', sk: 'here' }, expect: { exists: true } }]);
    const r = await api(submitBundleOp, { params: { code: COUNTY, bundle: 'birth' }, body: { form, applicant }, token: citizen });
    deps.store.transact = transact;
    expect(r.status).toBe(409);
    expect(await count(deps.store)).toBe(before);
    const mine = await api(myApplicationsOp, { token: citizen });
    expect(mine.body.items).toEqual([]);

    const ok = await api(submitBundleOp, { params: { code: COUNTY, bundle: 'birth' }, body: { form, applicant }, token: citizen });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.cases.map((c: { dept: string }) => c.dept)).toEqual([dept(COUNTY), dept(COUNTY, 'B')]);
    expect(await count(deps.store)).toBe(before + 1);
  });

  it('pages my cases newest first through DynamoDB cursors', async () => {
    const deps = await realDeps();
    const { api, token } = await world(deps);
    const citizen = await token({ sub: 'sc-citizen-3', role: 'citizen', unit: COUNTY });
    const refs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await api(submitOp, { params: { code: COUNTY }, body: { definer: PROVINCE, item: '510000-SC-001', form, applicant }, token: citizen });
      refs.push(s.body.ref);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api(myApplicationsOp, { query: { limit: '2', ...(cursor ? { cursor } : {}) }, token: citizen });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: { ref: string }) => i.ref));
      cursor = page.body.cursor;
    } while (cursor);
    expect(seen).toEqual([...refs].reverse());
  });
});
