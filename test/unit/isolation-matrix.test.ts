import { beforeAll, describe, expect, it } from 'vitest';
import { changeUnitOp, createUnitOp, getJobOp, getUnitOp, listChildrenOp, startImportOp } from '../../functions/units/api';
import { readAuditOp, verifyAuditOp } from '../../functions/audit/api';
import { changeStaffOp, createDepartmentOp, createStaffOp, listDepartmentsOp, listStaffOp } from '../../functions/people/api';
import { getSettingsOp, putSettingsOp, workingDaysOp } from '../../functions/settings/api';
import type { Operation } from '../../shared/http/operation';
import type { Level } from '../../shared/levels';
import type { Principal, Role } from '../../shared/roles';
import { levelOf, prefixOf } from '../../shared/codes';
import { startImport } from '../../tenants/imports';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { inProcessApi, type Call } from '../support/in-process-api';
import { memoryDeps } from '../support/memory-deps';
import { testTokens } from '../support/tokens';

/**
 * Who may reach which unit through which route. Every role is tried against its own unit, an ancestor, a
 * descendant, a sibling and a unit in another province; the expected outcome is written out here, not derived
 * from the rules under test. Allowed calls must succeed; all others get 403.
 */

type Relation = 'own' | 'ancestor' | 'descendant' | 'sibling' | 'other-province';
const RELATIONS: Relation[] = ['own', 'ancestor', 'descendant', 'sibling', 'other-province'];

const UNITS: [string, string][] = [
  ['330000000000', '浙江省'], ['330100000000', '杭州市'], ['330102000000', '上城区'], ['330102001000', '清波街道'],
  ['330105000000', '拱墅区'], ['340000000000', '安徽省'], ['110000000000', '北京市'], ['110100000000', '市辖区'],
  ['110101000000', '东城区'],
];

/** The province admin sits at the province (no ancestor; its sibling is another province); everyone else at a county. */
const TARGETS: Record<'province' | 'county', Partial<Record<Relation, string>>> = {
  province: { own: '330000000000', descendant: '330102000000', sibling: '340000000000', 'other-province': '110101000000' },
  county: { own: '330102000000', ancestor: '330100000000', descendant: '330102001000', sibling: '330105000000', 'other-province': '110101000000' },
};

const ROLES: Role[] = ['province-admin', 'unit-admin', 'staff', 'auditor', 'citizen', 'business'];
const ALL = RELATIONS;
const SUBTREE: Relation[] = ['own', 'descendant'];

/** A new code one level below `code`, for routes that create. */
function childOf(code: string): string {
  const next: Record<Level, number> = { province: 4, city: 6, county: 9, township: 12, village: 12 };
  const p = prefixOf(code);
  return p.padEnd(next[levelOf(code)], '9').padEnd(12, '0');
}

interface Row {
  name: string;
  op: Operation;
  ok: number;
  call: (target: string, jobs: Map<string, string>) => Call;
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
    name: 'read a job', op: getJobOp, ok: 200, call: (code, jobs) => ({ params: { jobId: jobs.get(code)! } }),
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
    name: 'list staff', op: listStaffOp, ok: 200, call: (code) => ({ params: { code } }),
    allowed: { ...nobody, 'province-admin': SUBTREE, 'unit-admin': SUBTREE, staff: ['own'], auditor: SUBTREE },
  },
  {
    name: 'add an auditor', op: createStaffOp, ok: 201,
    call: (code) => ({ params: { code }, body: { sub: `new-auditor-${code}`, name: '审计员', role: 'auditor' } }),
    allowed: { ...nobody, 'province-admin': SUBTREE, 'unit-admin': ['own'] },
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

const setup = async () => {
  const { deps } = memoryDeps();
  const at = deps.now().toISOString();
  await deps.store.putMany('registry', UNITS.map(([code, name]) => unitItem(newUnit(code, name, undefined, at))));
  const jobs = new Map<string, string>();
  const system: Principal = { sub: 'setup', role: 'province-admin', unit: '330000000000' };
  for (const [code] of UNITS) jobs.set(code, (await startImport(deps, system, code, { code: childOf(code), name: 'x', level: levelOf(childOf(code)) })).jobId);
  return { deps, jobs };
};

describe('isolation matrix: role × relation × unit route', async () => {
  const tokens = await testTokens();
  const tokenOf = new Map<Role, string>();
  beforeAll(async () => {
    for (const role of ROLES) {
      tokenOf.set(role, await tokens.sign({ sub: `u-${role}`, role, unit: role === 'province-admin' ? '330000000000' : '330102000000' }));
    }
  });

  for (const row of ROWS) {
    for (const role of ROLES) {
      const targets = TARGETS[role === 'province-admin' ? 'province' : 'county'];
      for (const relation of RELATIONS) {
        const target = targets[relation];
        if (!target) continue;
        const allowed = row.allowed[role].includes(relation);
        it(`${role} ${allowed ? 'may' : 'may not'} ${row.name} of its ${relation} unit`, async () => {
          const { deps, jobs } = await setup();
          const api = await inProcessApi(deps, tokens.verifier);
          const res = await api(row.op, { ...row.call(target, jobs), token: tokenOf.get(role) });
          expect(res.status, JSON.stringify(res.body)).toBe(allowed ? row.ok : 403);
        });
      }
    }
  }

  it('does not reveal whether a unit outside the scope exists', async () => {
    const { deps } = await setup();
    const api = await inProcessApi(deps, tokens.verifier);
    const staff = tokenOf.get('staff');
    const existing = await api(getUnitOp, { params: { code: '330105000000' }, token: staff });
    const missing = await api(getUnitOp, { params: { code: '330106000000' }, token: staff });
    expect([existing.status, missing.status]).toEqual([403, 403]);
    const inScope = await api(getUnitOp, { params: { code: '330102002000' }, token: tokenOf.get('unit-admin') });
    expect(inScope.status).toBe(404);
  });

  it('a disabled account, or one whose role changed, is locked out while its token is still valid', async () => {
    const { deps } = await setup();
    const api = await inProcessApi(deps, tokens.verifier);
    const admin = await tokens.sign({ sub: 'pa', role: 'province-admin', unit: '330000000000' });
    const clerk = await tokens.sign({ sub: 'clerk-1', role: 'auditor', unit: '330102000000' });
    const created = await api(createStaffOp, { params: { code: '330102000000' }, body: { sub: 'clerk-1', name: '李审计', role: 'auditor' }, token: admin });
    expect(created.status).toBe(201);
    expect((await api(getUnitOp, { params: { code: '330102000000' }, token: clerk })).status).toBe(200);
    const disabled = await api(changeStaffOp, { params: { code: '330102000000', sub: 'clerk-1' }, body: { v: created.body.v, status: 'disabled' }, token: admin });
    expect(disabled.status).toBe(200);
    const refused = await api(getUnitOp, { params: { code: '330102000000' }, token: clerk, headers: { 'accept-language': 'en' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('disabled');
    const promoted = await api(changeStaffOp, { params: { code: '330102000000', sub: 'clerk-1' }, body: { v: disabled.body.v, status: 'active', role: 'unit-admin' }, token: admin });
    expect(promoted.body).toMatchObject({ status: 'active', role: 'unit-admin' });
    expect((await api(getUnitOp, { params: { code: '330102000000' }, token: clerk })).status).toBe(403);
  });

  it('a suspended unit locks its own people out', async () => {
    const { deps } = await setup();
    const api = await inProcessApi(deps, tokens.verifier);
    const admin = await tokens.sign({ sub: 'pa', role: 'province-admin', unit: '330000000000' });
    expect((await api(changeUnitOp, { params: { code: '330102000000' }, body: { status: 'suspended' }, token: admin })).status).toBe(200);
    expect((await api(getUnitOp, { params: { code: '330102000000' }, token: tokenOf.get('staff') })).status).toBe(403);
  });
});
