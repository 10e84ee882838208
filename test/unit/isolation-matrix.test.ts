import { beforeAll, describe, expect, it } from 'vitest';
import { changeUnitOp, createUnitOp, getJobOp, getUnitOp, listChildrenOp, resumeJobOp, startImportOp } from '../../functions/units/api';
import { readAuditOp, verifyAuditOp } from '../../functions/audit/api';
import {
  changeDepartmentOp,
  changeStaffOp,
  createDepartmentOp,
  createStaffOp,
  listDepartmentsOp,
  listDisputesOp,
  listStaffOp,
  myBusinessOp,
  myCitizenOp,
  registerBusinessOp,
  registerCitizenOp,
  resolveDisputeOp,
} from '../../functions/people/api';
import { getSettingsOp, putSettingsOp, workingDaysOp } from '../../functions/settings/api';
import type { Operation } from '../../shared/http/operation';
import type { Level } from '../../shared/levels';
import type { Principal, Role } from '../../shared/roles';
import { MemoryStore } from '../../shared/store/memory-store';
import { levelOf, prefixOf } from '../../shared/codes';
import { startImport } from '../../tenants/imports';
import { createDepartment } from '../../tenants/people';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from '../support/accounts';
import { inProcessApi, type Answer, type Call } from '../support/in-process-api';
import { memoryDeps } from '../support/memory-deps';
import { testTokens } from '../support/tokens';

/**
 * Who may reach which unit through which route. Every role, at every level it can hold, is tried against its own
 * unit, its parent, a child, a sibling and a unit in another province; the expected outcome is written out here,
 * not derived from the rules under test. Allowed calls must succeed; all others get 403 `forbidden` and leave the
 * store (and the queues) exactly as they were.
 */

type Relation = 'own' | 'ancestor' | 'descendant' | 'sibling' | 'other-province';
const RELATIONS: Relation[] = ['own', 'ancestor', 'descendant', 'sibling', 'other-province'];
const LEVELS: Level[] = ['province', 'city', 'county', 'township', 'village'];

const UNITS: [string, string][] = [
  ['330000000000', '浙江省'], ['330100000000', '杭州市'], ['330102000000', '上城区'], ['330102001000', '清波街道'],
  ['330102001001', '清波门社区'], ['340000000000', '安徽省'], ['330200000000', '宁波市'], ['330105000000', '拱墅区'],
  ['330102002000', '湖滨街道'], ['330102001002', '劳动路社区'], ['110000000000', '北京市'], ['110100000000', '市辖区'],
  ['110101000000', '东城区'],
];
const OTHER_PROVINCE = '110101000000';

/** Where each caller sits, and the unit of each relation from there. */
const TARGETS: Record<Level, { own: string } & Partial<Record<Relation, string>>> = {
  province: { own: '330000000000', descendant: '330100000000', sibling: '340000000000', 'other-province': OTHER_PROVINCE },
  city: { own: '330100000000', ancestor: '330000000000', descendant: '330102000000', sibling: '330200000000', 'other-province': OTHER_PROVINCE },
  county: { own: '330102000000', ancestor: '330100000000', descendant: '330102001000', sibling: '330105000000', 'other-province': OTHER_PROVINCE },
  township: { own: '330102001000', ancestor: '330102000000', descendant: '330102001001', sibling: '330102002000', 'other-province': OTHER_PROVINCE },
  village: { own: '330102001001', ancestor: '330102001000', sibling: '330102001002', 'other-province': OTHER_PROVINCE },
};

const ROLES: Role[] = ['province-admin', 'unit-admin', 'staff', 'auditor', 'citizen', 'business'];
/** A province admin exists only at a province; every other role at every level. */
const levelsOf = (role: Role): Level[] => (role === 'province-admin' ? ['province'] : LEVELS);
const callerOf = (role: Role, level: Level): Principal => ({ sub: `u-${role}-${level}`, role, unit: TARGETS[level].own });

const ALL = RELATIONS;
const SUBTREE: Relation[] = ['own', 'descendant'];

// Check characters computed by GB 11643 / GB 32100.
const ID_WALK_IN = '330106199003071236';
const ID_SEEDED = '330102198501014568';
const CODE_WALK_IN = '91330100MA27XYW117';
const CODE_SEEDED = '91330106MA2B00000U';

/** A new code one level below `code`, for routes that create. */
function childOf(code: string): string {
  const next: Record<Level, number> = { province: 4, city: 6, county: 9, township: 12, village: 12 };
  const p = prefixOf(code);
  return p.padEnd(next[levelOf(code)], '9').padEnd(12, '0');
}

interface Fixtures {
  jobs: Map<string, string>;
  depts: Map<string, string>;
}

interface Row {
  name: string;
  op: Operation;
  ok: number;
  call: (target: string, f: Fixtures) => Call;
  allowed: Record<Role, Relation[]>;
}

const nobody = { 'province-admin': [], 'unit-admin': [], staff: [], auditor: [], citizen: [], business: [] };
const ROWS: Row[] = [
  {
    name: 'read a unit', op: getUnitOp, ok: 200, call: (code) => ({ params: { code } }),
    allowed: { 'province-admin': SUBTREE, 'unit-admin': SUBTREE, staff: ['own'], auditor: SUBTREE, citizen: ALL, business: ALL },
  },
  {
    name: 'list children', op: listChildrenOp, ok: 200, call: (code) => ({ params: { code } }),
    allowed: { 'province-admin': SUBTREE, 'unit-admin': SUBTREE, staff: ['own'], auditor: SUBTREE, citizen: ALL, business: ALL },
  },
  {
    name: 'rename a unit', op: changeUnitOp, ok: 200, call: (code) => ({ params: { code }, body: { name: '新名称' } }),
    allowed: { ...nobody, 'province-admin': SUBTREE },
  },
  {
    name: 'create a unit', op: createUnitOp, ok: 201, call: (code) => ({ body: { code: childOf(code), name: '新单位' } }),
    allowed: { ...nobody, 'province-admin': SUBTREE },
  },
  {
    name: 'start an import', op: startImportOp, ok: 202,
    call: (code) => ({ params: { code }, body: { code: childOf(code), name: '新单位', level: levelOf(childOf(code)) } }),
    allowed: { ...nobody, 'province-admin': SUBTREE },
  },
  {
    name: 'read a job', op: getJobOp, ok: 200, call: (code, f) => ({ params: { jobId: f.jobs.get(code)! } }),
    allowed: { ...nobody, 'province-admin': SUBTREE },
  },
  {
    name: 'resume a job', op: resumeJobOp, ok: 202, call: (code, f) => ({ params: { jobId: f.jobs.get(code)! } }),
    allowed: { ...nobody, 'province-admin': SUBTREE },
  },
  {
    name: 'read the audit log', op: readAuditOp, ok: 200, call: (code) => ({ params: { code } }),
    allowed: { ...nobody, auditor: SUBTREE },
  },
  {
    name: 'verify the audit log', op: verifyAuditOp, ok: 200, call: (code) => ({ params: { code } }),
    allowed: { ...nobody, auditor: SUBTREE },
  },
  {
    name: 'list departments', op: listDepartmentsOp, ok: 200, call: (code) => ({ params: { code } }),
    allowed: { 'province-admin': SUBTREE, 'unit-admin': SUBTREE, staff: ['own'], auditor: SUBTREE, citizen: ALL, business: ALL },
  },
  {
    name: 'create a department', op: createDepartmentOp, ok: 201, call: (code) => ({ params: { code }, body: { name: '办公室' } }),
    allowed: { ...nobody, 'province-admin': SUBTREE, 'unit-admin': ['own'] },
  },
  {
    name: 'rename a department', op: changeDepartmentOp, ok: 200,
    call: (code, f) => ({ params: { code, deptId: f.depts.get(code)! }, body: { v: 1, name: '综合科' } }),
    allowed: { ...nobody, 'province-admin': SUBTREE, 'unit-admin': ['own'] },
  },
  {
    name: 'list staff', op: listStaffOp, ok: 200, call: (code) => ({ params: { code } }),
    allowed: { ...nobody, 'province-admin': SUBTREE, 'unit-admin': SUBTREE, staff: ['own'], auditor: SUBTREE },
  },
  {
    name: 'add an auditor', op: createStaffOp, ok: 201,
    call: (code) => ({ params: { code }, body: { sub: `new-auditor-${code}`, name: '审计员', role: 'auditor' } }),
    // Auditors are appointed from above: never by the unit admin they audit, nor by a peer auditor.
    allowed: { ...nobody, 'province-admin': SUBTREE, auditor: ['descendant'] },
  },
  {
    name: 'change a staff record', op: changeStaffOp, ok: 200,
    call: (code) => ({ params: { code, sub: `clerk-${code}` }, body: { v: 1, name: '新名字' } }),
    allowed: { ...nobody, 'province-admin': SUBTREE, 'unit-admin': ['own'] },
  },
  {
    name: 'register a citizen on their behalf', op: registerCitizenOp, ok: 201,
    call: (unit) => ({ body: { idNumber: ID_WALK_IN, name: '来访群众', unit, sub: 'walk-in', checkedDocument: { type: 'resident-id-card' } } }),
    allowed: { ...nobody, 'province-admin': SUBTREE, 'unit-admin': ['own'], staff: ['own'] },
  },
  {
    name: 'register a business on its behalf', op: registerBusinessOp, ok: 201,
    call: (unit) => ({ body: { creditCode: CODE_WALK_IN, name: '来访企业', unit, sub: 'walk-in-co', checkedDocument: { type: 'business-licence' } } }),
    allowed: { ...nobody, 'province-admin': SUBTREE, 'unit-admin': ['own'], staff: ['own'] },
  },
  {
    name: 'list identity disputes', op: listDisputesOp, ok: 200, call: (code) => ({ params: { code } }),
    allowed: { ...nobody, 'province-admin': SUBTREE, 'unit-admin': SUBTREE, staff: ['own'], auditor: SUBTREE },
  },
  {
    // No dispute exists: whoever may resolve one at the unit gets as far as the 404, everyone else a 403 that says
    // nothing about whether it exists.
    name: 'resolve an identity dispute', op: resolveDisputeOp, ok: 404,
    call: (code) => ({ params: { code, disputeId: '01JZ0000000000000000000000' }, body: { v: 1, owner: null, reason: '核对后均无法确认归属' } }),
    allowed: { ...nobody, 'province-admin': SUBTREE, 'unit-admin': ['own'], staff: ['own'] },
  },
  {
    name: 'read settings', op: getSettingsOp, ok: 200, call: (code) => ({ params: { code } }),
    allowed: { 'province-admin': SUBTREE, 'unit-admin': SUBTREE, staff: ['own'], auditor: SUBTREE, citizen: ALL, business: ALL },
  },
  {
    name: 'change settings', op: putSettingsOp, ok: 200,
    call: (code) => ({ params: { code }, body: { v: 0, contact: { phone: '0571-12345' } } }),
    allowed: { ...nobody, 'province-admin': SUBTREE, 'unit-admin': SUBTREE },
  },
  {
    name: 'compute a deadline', op: workingDaysOp, ok: 200, call: (code) => ({ params: { code }, query: { from: '2026-03-02', days: '5' } }),
    allowed: { 'province-admin': SUBTREE, 'unit-admin': SUBTREE, staff: ['own'], auditor: SUBTREE, citizen: ALL, business: ALL },
  },
];

/**
 * `/me` routes have no target unit: each caller reads only its own account. The citizen and the business of the
 * county registered themselves; everyone else has no such account, whatever their role.
 */
const ME_ROWS: { name: string; op: Operation; found: string }[] = [
  { name: 'read its citizen account', op: myCitizenOp, found: 'u-citizen-county' },
  { name: 'read its business account', op: myBusinessOp, found: 'u-business-county' },
];

const CALLERS = ROLES.flatMap((role) => levelsOf(role).map((level) => callerOf(role, level)));

/** Everything in the store, for before/after comparisons. */
const snapshot = (s: MemoryStore) => JSON.stringify([...s['tables']].map(([t, m]) => [t, [...m.entries()]]));

describe('isolation matrix: role × level × relation × unit route', async () => {
  const tokens = await testTokens();
  const { deps, sent } = memoryDeps();
  const base = deps.store as MemoryStore;
  const api = await inProcessApi(deps, tokens.verifier);
  const tokenOf = new Map<string, string>();
  const fixtures: Fixtures = { jobs: new Map(), depts: new Map() };

  /** Each test works on its own copy of the prepared store, swapped in under the API's deps. */
  const fresh = () => {
    const copy = new MemoryStore();
    for (const [t, m] of base['tables']) copy['tables'].set(t, structuredClone(m));
    deps.store = copy;
    sent.length = 0;
    return copy;
  };

  beforeAll(async () => {
    const at = deps.now().toISOString();
    await base.putMany('registry', UNITS.map(([code, name]) => unitItem(newUnit(code, name, undefined, at))));
    const system: Principal = { sub: 'setup', role: 'province-admin', unit: '330000000000' };
    for (const [code] of UNITS) {
      fixtures.jobs.set(code, (await startImport(deps, system, code, { code: childOf(code), name: 'x', level: levelOf(childOf(code)) })).jobId);
      fixtures.depts.set(code, (await createDepartment(deps, system, code, { name: '办公室' })).id);
    }
    await seedAccounts(base, [...CALLERS, ...UNITS.map(([code]) => ({ sub: `clerk-${code}`, role: 'staff' as const, unit: code, dept: fixtures.depts.get(code) }))]);
    for (const p of CALLERS) tokenOf.set(p.sub, await tokens.sign(p));
    const county = TARGETS.county.own;
    const own = [
      await api(registerCitizenOp, { body: { idNumber: ID_SEEDED, name: '区居民', unit: county }, token: tokenOf.get('u-citizen-county') }),
      await api(registerBusinessOp, { body: { creditCode: CODE_SEEDED, name: '区企业', unit: county }, token: tokenOf.get('u-business-county') }),
    ];
    expect(own.map((r) => r.status)).toEqual([201, 201]);
  });

  const expectRefused = (res: Answer, before: string, store: MemoryStore, what: string) => {
    expect([res.status, res.body?.error?.code], what).toEqual([403, 'forbidden']);
    expect(snapshot(store) === before && sent.length === 0, `${what}: nothing written, nothing sent`).toBe(true);
  };

  for (const row of ROWS) {
    for (const caller of CALLERS) {
      const level = levelOf(caller.unit);
      it(`${caller.role} of a ${level}: ${row.name}`, async () => {
        for (const relation of RELATIONS) {
          const target = TARGETS[level][relation];
          if (!target) continue;
          const allowed = row.allowed[caller.role].includes(relation);
          const store = fresh();
          const before = snapshot(store);
          const res = await api(row.op, { ...row.call(target, fixtures), token: tokenOf.get(caller.sub) });
          const what = `${relation} unit ${target}: ${JSON.stringify(res.body)}`;
          if (allowed) expect(res.status, what).toBe(row.ok);
          else expectRefused(res, before, store, what);
        }
      });
    }
  }

  for (const row of ME_ROWS) {
    it(`every caller at every level may only ${row.name}`, async () => {
      for (const caller of CALLERS) {
        const store = fresh();
        const before = snapshot(store);
        const res = await api(row.op, { token: tokenOf.get(caller.sub) });
        if (caller.sub === row.found) {
          expect(res.status, caller.sub).toBe(200);
          expect(res.body.sub).toBe(caller.sub);
        } else {
          expect([res.status, res.body.error.code], caller.sub).toEqual([404, 'not_found']);
        }
        expect(snapshot(store), caller.sub).toBe(before);
      }
    });
  }

  it('does not reveal whether a unit outside the scope exists', async () => {
    fresh();
    const staff = tokenOf.get('u-staff-county');
    const existing = await api(getUnitOp, { params: { code: '330105000000' }, token: staff });
    const missing = await api(getUnitOp, { params: { code: '330106000000' }, token: staff });
    expect([existing.status, missing.status]).toEqual([403, 403]);
    const inScope = await api(getUnitOp, { params: { code: '330102009000' }, token: tokenOf.get('u-unit-admin-county') });
    expect(inScope.status).toBe(404);
  });
});

describe('account records and unit status decide, not the token alone', async () => {
  const tokens = await testTokens();
  const PROVINCE = '330000000000';
  const CITY = '330100000000';
  const COUNTY = '330102000000';
  const TOWNSHIP = '330102001000';
  const VILLAGE = '330102001001';
  const admin: Principal = { sub: 'pa', role: 'province-admin', unit: PROVINCE };

  const setup = async () => {
    const { deps } = memoryDeps();
    const at = deps.now().toISOString();
    await deps.store.putMany('registry', UNITS.map(([code, name]) => unitItem(newUnit(code, name, undefined, at))));
    await seedAccounts(deps.store, [admin]);
    return { store: deps.store as MemoryStore, api: await inProcessApi(deps, tokens.verifier), adminToken: await tokens.sign(admin) };
  };
  const en = { 'accept-language': 'en' };

  it('refuses every role that acts for a unit when its account has no record, whatever the token says', async () => {
    const { api } = await setup();
    for (const role of ['province-admin', 'unit-admin', 'staff', 'auditor'] as const) {
      const unit = role === 'province-admin' ? PROVINCE : COUNTY;
      const res = await api(getUnitOp, { params: { code: unit }, token: await tokens.sign({ sub: `ghost-${role}`, role, unit }), headers: en });
      expect([res.status, res.body.error.code], role).toEqual([403, 'forbidden']);
      expect(res.body.error.message, role).toContain('not set up');
    }
    // Citizens and businesses exist at the identity provider before any platform record.
    for (const role of ['citizen', 'business'] as const) {
      expect((await api(getUnitOp, { params: { code: COUNTY }, token: await tokens.sign({ sub: `new-${role}`, role, unit: COUNTY }) })).status).toBe(200);
    }
  });

  it('refuses a token whose role or unit is not the record’s', async () => {
    const { store, api } = await setup();
    await seedAccounts(store, [{ sub: 'clerk', role: 'staff', unit: COUNTY }]);
    const claims: Principal[] = [
      { sub: 'clerk', role: 'unit-admin', unit: COUNTY },
      { sub: 'clerk', role: 'auditor', unit: COUNTY },
      { sub: 'clerk', role: 'staff', unit: CITY },
      { sub: 'clerk', role: 'province-admin', unit: PROVINCE },
    ];
    for (const p of claims) {
      const res = await api(getUnitOp, { params: { code: p.unit }, token: await tokens.sign(p) });
      expect([res.status, res.body.error.code], JSON.stringify(p)).toEqual([403, 'forbidden']);
    }
    expect((await api(getUnitOp, { params: { code: COUNTY }, token: await tokens.sign({ sub: 'clerk', role: 'staff', unit: COUNTY }) })).status).toBe(200);
  });

  it('a disabled account, or one whose role changed, is locked out while its token is still valid', async () => {
    const { api, adminToken: admin } = await setup();
    const clerk = await tokens.sign({ sub: 'clerk-1', role: 'auditor', unit: COUNTY });
    const created = await api(createStaffOp, { params: { code: COUNTY }, body: { sub: 'clerk-1', name: '李审计', role: 'auditor' }, token: admin });
    expect(created.status).toBe(201);
    expect((await api(getUnitOp, { params: { code: COUNTY }, token: clerk })).status).toBe(200);
    const disabled = await api(changeStaffOp, { params: { code: COUNTY, sub: 'clerk-1' }, body: { v: created.body.v, status: 'disabled' }, token: admin });
    expect(disabled.status).toBe(200);
    const refused = await api(getUnitOp, { params: { code: COUNTY }, token: clerk, headers: en });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('disabled');
    const promoted = await api(changeStaffOp, { params: { code: COUNTY, sub: 'clerk-1' }, body: { v: disabled.body.v, status: 'active', role: 'unit-admin' }, token: admin });
    expect(promoted.body).toMatchObject({ status: 'active', role: 'unit-admin' });
    expect((await api(getUnitOp, { params: { code: COUNTY }, token: clerk })).status).toBe(403);
  });

  it('a suspended unit locks out its own people and everyone in the units below it', async () => {
    const { store, api, adminToken } = await setup();
    const below: Principal[] = [CITY, COUNTY, TOWNSHIP, VILLAGE].flatMap((unit) =>
      (['unit-admin', 'staff', 'auditor'] as const).map((role) => ({ sub: `${role}-${unit}`, role, unit })),
    );
    const beside: Principal = { sub: 'ningbo-admin', role: 'unit-admin', unit: '330200000000' };
    await seedAccounts(store, [...below, beside]);
    for (const p of below) expect((await api(getUnitOp, { params: { code: p.unit }, token: await tokens.sign(p) })).status, p.sub).toBe(200);
    expect((await api(changeUnitOp, { params: { code: CITY }, body: { status: 'suspended' }, token: adminToken })).status).toBe(200);
    for (const p of below) {
      const res = await api(getUnitOp, { params: { code: p.unit }, token: await tokens.sign(p), headers: en });
      expect([res.status, res.body.error.code], p.sub).toEqual([403, 'forbidden']);
      expect(res.body.error.message, p.sub).toMatch(p.unit === CITY ? /suspended/ : /above yours is suspended/);
    }
    // The unit above, which can lift the suspension, and the units beside it carry on.
    expect((await api(getUnitOp, { params: { code: CITY }, token: adminToken })).status).toBe(200);
    expect((await api(getUnitOp, { params: { code: '330200000000' }, token: await tokens.sign(beside) })).status).toBe(200);
    const lifted = await api(changeUnitOp, { params: { code: CITY }, body: { status: 'active' }, token: adminToken });
    expect(lifted.body.status).toBe('active');
    expect((await api(getUnitOp, { params: { code: VILLAGE }, token: await tokens.sign(below.at(-1)!) })).status).toBe(200);
  });

  it('nobody suspends their own unit or one above it, which nobody could then lift', async () => {
    const { store, api, adminToken } = await setup();
    const before = snapshot(store);
    const own = await api(changeUnitOp, { params: { code: PROVINCE }, body: { status: 'suspended' }, token: adminToken, headers: en });
    expect([own.status, own.body.error.code]).toEqual([403, 'forbidden']);
    expect(own.body.error.message).toContain('cannot suspend your own unit');
    expect(snapshot(store)).toBe(before);
    expect((await api(getUnitOp, { params: { code: PROVINCE }, token: adminToken })).body.status).toBe('active');
  });
});
