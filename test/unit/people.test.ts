import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readAudit } from '../../shared/audit';
import { apiFunction } from '../../functions/api-function';
import type { Principal } from '../../shared/roles';
import { MemoryStore } from '../../shared/store/memory-store';
import { routes } from '../../functions/people/handler';
import { bootstrapProvince, setProvinceAdminStatus } from '../../tenants/people';
import { resolveScope } from '../../tenants/scope';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from '../support/accounts';
import { callRoute, type RouteCall } from '../support/events';
import { memoryDeps, storeSnapshot } from '../support/memory-deps';
import { testTokens } from '../support/tokens';

const PROVINCE = '330000000000';
const CITY = '330100000000';
const COUNTY = '330106000000';
const OTHER_CITY = '330200000000';

// Every test starts from the same units and accounts, so none depends on what another one changed.
let deps: ReturnType<typeof memoryDeps>['deps'];
let store: MemoryStore;
let handler: ReturnType<typeof apiFunction>;
const tokens: Record<string, string> = {};

const people = {
  provinceAdmin: { sub: 'pa', role: 'province-admin', unit: PROVINCE },
  cityAdmin: { sub: 'ca', role: 'unit-admin', unit: CITY },
  cityStaff: { sub: 'cs', role: 'staff', unit: CITY },
  countyStaff: { sub: 'ks', role: 'staff', unit: COUNTY },
  auditor: { sub: 'au', role: 'auditor', unit: PROVINCE },
  cityAuditor: { sub: 'cau', role: 'auditor', unit: CITY },
  countyAuditor: { sub: 'kau', role: 'auditor', unit: COUNTY },
  peerProvinceAdmin: { sub: 'pa2', role: 'province-admin', unit: PROVINCE },
  peerCityAdmin: { sub: 'ca2', role: 'unit-admin', unit: CITY },
  alice: { sub: 'alice', role: 'citizen', unit: PROVINCE },
  bob: { sub: 'bob', role: 'citizen', unit: CITY },
  carol: { sub: 'carol', role: 'citizen', unit: PROVINCE },
  acme: { sub: 'acme', role: 'business', unit: PROVINCE },
  beta: { sub: 'beta', role: 'business', unit: PROVINCE },
} satisfies Record<string, Principal>;


const call = (who: keyof typeof people, routeKey: string, opts?: RouteCall) => callRoute(handler, tokens[who]!, routeKey, opts);

const at = '2026-01-01T00:00:00.000Z';
const unit = (code: string, name: string, level: 'province' | 'city' | 'county', parent?: string) =>
  unitItem({ code, name, level, parent, edition: 2023, status: 'active', createdAt: at, updatedAt: at, v: 1 });

const fieldPaths = (r: { body: { error: { fields: { path: string }[] } } }) => r.body.error.fields.map((f) => f.path);

beforeAll(async () => {
  const t = await testTokens();
  handler = apiFunction(routes, { deps: async () => deps, verifier: () => t.verifier });
  for (const [k, p] of Object.entries(people)) tokens[k] = await t.sign(p);
});

beforeEach(async () => {
  deps = memoryDeps().deps;
  store = deps.store as MemoryStore;
  await store.putMany('registry', [
    unit(PROVINCE, '浙江省', 'province'),
    unit(CITY, '杭州市', 'city', PROVINCE),
    unit(COUNTY, '西湖区', 'county', CITY),
    unit(OTHER_CITY, '宁波市', 'city', PROVINCE),
  ]);
  await seedAccounts(store, Object.values(people));
});

/** A department of the city, created by its admin as a test needs it; its id. */
async function cityDepartment(name: string, nameEn?: string): Promise<string> {
  const r = await call('cityAdmin', 'POST /v1/units/{code}/departments', { params: { code: CITY }, body: { name, nameEn } });
  expect(r.status).toBe(201);
  return r.body.id;
}

describe('departments', () => {
  it('a unit admin creates a department with a ULID and anyone lists them a page at a time', async () => {
    const r = await call('cityAdmin', 'POST /v1/units/{code}/departments', { params: { code: CITY }, body: { name: '办公室', nameEn: 'General Office' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ unit: CITY, name: '办公室', nameEn: 'General Office', status: 'active', v: 1 });
    expect(r.body.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    for (const name of ['信访科', '政务公开科']) {
      expect((await call('cityAdmin', 'POST /v1/units/{code}/departments', { params: { code: CITY }, body: { name } })).status).toBe(201);
    }
    const first = await call('alice', 'GET /v1/units/{code}/departments', { params: { code: CITY }, query: { limit: '2' } });
    expect(first.status).toBe(200);
    expect(first.body.items.map((d: { name: string }) => d.name)).toEqual(['办公室', '信访科']);
    const second = await call('alice', 'GET /v1/units/{code}/departments', { params: { code: CITY }, query: { limit: '2', cursor: first.body.cursor } });
    expect(second.body.items.map((d: { name: string }) => d.name)).toEqual(['政务公开科']);
    expect(second.body.cursor).toBeUndefined();
  });

  it('renames and deactivates with the version read; a stale version is a 409', async () => {
    const deptId = await cityDepartment('办公室', 'General Office');
    const path = 'PATCH /v1/units/{code}/departments/{deptId}';
    const params = { code: CITY, deptId };
    const renamed = await call('cityAdmin', path, { params, body: { v: 1, name: '市政府办公室', nameEn: null } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '市政府办公室', v: 2 });
    expect(renamed.body.nameEn).toBeUndefined();
    const stale = await call('cityAdmin', path, { params, body: { v: 1, status: 'inactive' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('conflict');
    const off = await call('cityAdmin', path, { params, body: { v: 2, status: 'inactive' } });
    expect(off.body).toMatchObject({ status: 'inactive', v: 3 });
    const back = await call('cityAdmin', path, { params, body: { v: 3, status: 'active' } });
    expect(back.body).toMatchObject({ status: 'active', v: 4 });
    const actions = (await readAudit(store, CITY, 50)).items.filter((e) => e.subject === `dept/${deptId}`).map((e) => e.action);
    expect(actions).toEqual(['department.create', 'department.update', 'department.deactivate', 'department.reactivate']);
  });

  it('refuses out-of-scope changes (403), unknown ones (404), empty changes and bad cursors (400)', async () => {
    const create = 'POST /v1/units/{code}/departments';
    expect((await call('cityAdmin', create, { params: { code: COUNTY }, body: { name: '办公室' } })).status).toBe(403);
    expect((await call('cityStaff', create, { params: { code: CITY }, body: { name: '办公室' } })).status).toBe(403);
    expect((await call('provinceAdmin', create, { params: { code: '330199000000' }, body: { name: '办公室' } })).status).toBe(404);
    const patch = 'PATCH /v1/units/{code}/departments/{deptId}';
    const missing = await call('cityAdmin', patch, { params: { code: CITY, deptId: '01J00000000000000000000000' }, body: { v: 1, name: 'x' } });
    expect(missing.status).toBe(404);
    const empty = await call('cityAdmin', patch, { params: { code: CITY, deptId: await cityDepartment('办公室') }, body: { v: 1 } });
    expect(empty.status).toBe(400);
    const cursor = await call('alice', 'GET /v1/units/{code}/departments', { params: { code: CITY }, query: { cursor: 'bm9wZQ' } });
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.code).toBe('invalid_cursor');
    const badCode = await call('provinceAdmin', create, { params: { code: '000000000000' }, body: { name: 'x' } });
    expect(badCode.status).toBe(400);
    expect(fieldPaths(badCode)).toEqual(['params.code']);
  });
});

describe('staff', () => {
  let deptId: string;
  const create = 'POST /v1/units/{code}/staff';
  const patch = 'PATCH /v1/units/{code}/staff/{sub}';

  beforeEach(async () => {
    deptId = await cityDepartment('12345 热线科');
  });

  /** 张三, bound by the city admin as a clerk of the hotline department. */
  const zhang = () => ({ sub: 'zhang', name: '张三', role: 'staff', deptId, phone: '13812345678' });
  async function bindZhang() {
    const r = await call('cityAdmin', create, { params: { code: CITY }, body: zhang() });
    expect(r.status).toBe(201);
    return r;
  }

  it('binds an account to a unit, department and role, once', async () => {
    const body = zhang();
    const r = await bindZhang();
    expect(r.body).toMatchObject({ ...body, unit: CITY, status: 'active', v: 1 });
    expect((await call('cityAdmin', create, { params: { code: CITY }, body })).status).toBe(409);
    // One subject, one unit: the same person cannot also be bound elsewhere.
    const elsewhere = await call('provinceAdmin', create, { params: { code: COUNTY }, body: { sub: 'zhang', name: '张三', role: 'auditor' } });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.code).toBe('already_exists');
  });

  it('requires an existing, active department for role staff', async () => {
    const missing = await call('cityAdmin', create, { params: { code: CITY }, body: { sub: 'li', name: '李四', role: 'staff' } });
    expect(missing.status).toBe(400);
    expect(fieldPaths(missing)).toEqual(['body.deptId']);
    const unknown = await call('cityAdmin', create, { params: { code: CITY }, body: { sub: 'li', name: '李四', role: 'staff', deptId: '01J00000000000000000000000' } });
    expect(unknown.status).toBe(400);
    expect(fieldPaths(unknown)).toEqual(['body.deptId']);
  });

  it('lets only a province admin grant admin roles, and province-admin only at a province', async () => {
    const asUnitAdmin = await call('cityAdmin', create, { params: { code: CITY }, body: { sub: 'wang', name: '王五', role: 'unit-admin' } });
    expect(asUnitAdmin.status).toBe(403);
    const atCity = await call('provinceAdmin', create, { params: { code: CITY }, body: { sub: 'wang', name: '王五', role: 'province-admin' } });
    expect(atCity.status).toBe(400);
    expect(fieldPaths(atCity)).toEqual(['body.role']);
    const ok = await call('provinceAdmin', create, { params: { code: CITY }, body: { sub: 'wang', name: '王五', role: 'unit-admin' } });
    expect(ok.status).toBe(201);
    // …and a unit admin cannot demote or disable a peer admin.
    const demote = await call('cityAdmin', patch, { params: { code: CITY, sub: 'wang' }, body: { v: 1, status: 'disabled' } });
    expect(demote.status).toBe(403);
    expect((await call('cityAdmin', create, { params: { code: COUNTY }, body: { sub: 'zhao', name: '赵六', role: 'auditor' } })).status).toBe(403);
  });

  it('shows phones in full only to those who manage the unit people', async () => {
    await bindZhang();
    const list = 'GET /v1/units/{code}/staff';
    const full = await call('cityAdmin', list, { params: { code: CITY } });
    expect(full.status).toBe(200);
    expect(full.body.items.find((s: { sub: string }) => s.sub === 'zhang').phone).toBe('13812345678');
    for (const who of ['cityStaff', 'auditor'] as const) {
      const masked = await call(who, list, { params: { code: CITY } });
      expect(masked.status).toBe(200);
      const phone = masked.body.items.find((s: { sub: string }) => s.sub === 'zhang').phone as string;
      expect(phone).not.toBe('13812345678');
      expect(phone).toContain('*');
    }
    expect((await call('alice', list, { params: { code: CITY } })).status).toBe(403);
    expect((await call('countyStaff', list, { params: { code: CITY } })).status).toBe(403);
  });

  it('changes role and department, disables, and refuses a stale version', async () => {
    await bindZhang();
    const params = { code: CITY, sub: 'zhang' };
    // Only the province admin (or an auditor above) appoints and removes auditors.
    const toAuditor = await call('provinceAdmin', patch, { params, body: { v: 1, role: 'auditor', deptId: null } });
    expect(toAuditor.status).toBe(200);
    expect(toAuditor.body).toMatchObject({ role: 'auditor', v: 2 });
    expect(toAuditor.body.deptId).toBeUndefined();
    const noDept = await call('provinceAdmin', patch, { params, body: { v: 2, role: 'staff' } });
    expect(noDept.status).toBe(400);
    expect(fieldPaths(noDept)).toEqual(['body.deptId']);
    const back = await call('provinceAdmin', patch, { params, body: { v: 2, role: 'staff', deptId } });
    expect(back.body).toMatchObject({ role: 'staff', deptId, v: 3 });
    expect((await call('cityAdmin', patch, { params, body: { v: 2, status: 'disabled' } })).status).toBe(409);
    const off = await call('cityAdmin', patch, { params, body: { v: 3, status: 'disabled' } });
    expect(off.body).toMatchObject({ status: 'disabled', v: 4 });
    expect((await call('cityAdmin', patch, { params: { code: CITY, sub: 'nobody' }, body: { v: 1, status: 'disabled' } })).status).toBe(404);
    const audit = (await readAudit(store, CITY, 100)).items.filter((e) => e.subject === 'staff/zhang');
    expect(audit.map((e) => e.action)).toEqual(['staff.create', 'staff.update', 'staff.update', 'staff.disable']);
    // The audit log is read by auditors: no phone in clear there either.
    expect(JSON.stringify(audit)).not.toContain('13812345678');
  });
});

describe('separation of duties', () => {
  const create = 'POST /v1/units/{code}/staff';
  const patch = 'PATCH /v1/units/{code}/staff/{sub}';
  const list = 'GET /v1/units/{code}/staff';
  let deptId: string;

  beforeEach(async () => {
    deptId = await cityDepartment('督查科');
  });

  it('a unit admin neither appoints an auditor nor promotes anyone to one, and writes nothing', async () => {
    const before = storeSnapshot(store);
    const appoint = await call('cityAdmin', create, { params: { code: CITY }, body: { sub: 'sod-1', name: '审计员', role: 'auditor' }, lang: 'en' });
    expect(appoint.status).toBe(403);
    expect(appoint.body.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('auditor') });
    expect(storeSnapshot(store)).toBe(before);
    expect((await call('cityAdmin', create, { params: { code: CITY }, body: { sub: 'sod-2', name: '科员', role: 'staff', deptId } })).status).toBe(201);
    const afterClerk = storeSnapshot(store);
    const promote = await call('cityAdmin', patch, { params: { code: CITY, sub: 'sod-2' }, body: { v: 1, role: 'auditor', deptId: null } });
    expect(promote.status).toBe(403);
    expect(storeSnapshot(store)).toBe(afterClerk);
  });

  it('a unit admin can neither disable, demote nor edit the auditor of its own unit', async () => {
    const before = storeSnapshot(store);
    for (const body of [{ v: 1, status: 'disabled' }, { v: 1, role: 'staff', deptId }, { v: 1, name: '改名' }]) {
      const r = await call('cityAdmin', patch, { params: { code: CITY, sub: 'cau' }, body });
      expect(r.status, JSON.stringify(body)).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
    expect(storeSnapshot(store)).toBe(before);
    expect((await call('cityAuditor', list, { params: { code: CITY } })).status).toBe(200);
  });

  it('auditors are appointed and removed from above: by an auditor of an ancestor unit, never by a peer or themselves', async () => {
    const appoint = await call('auditor', create, { params: { code: COUNTY }, body: { sub: 'sod-3', name: '区审计员', role: 'auditor' } });
    expect(appoint.status).toBe(201);
    expect((await call('cityAuditor', patch, { params: { code: COUNTY, sub: 'sod-3' }, body: { v: 1, status: 'disabled' } })).status).toBe(200);
    const before = storeSnapshot(store);
    const refused = [
      await call('cityAuditor', create, { params: { code: CITY }, body: { sub: 'sod-4', name: '同级审计员', role: 'auditor' } }),
      await call('cityAuditor', create, { params: { code: COUNTY }, body: { sub: 'sod-4', name: '管理员', role: 'unit-admin' } }),
      await call('cityAuditor', create, { params: { code: COUNTY }, body: { sub: 'sod-4', name: '科员', role: 'staff', deptId } }),
      await call('countyAuditor', patch, { params: { code: COUNTY, sub: 'kau' }, body: { v: 1, name: '自己' } }),
      await call('countyAuditor', patch, { params: { code: CITY, sub: 'cau' }, body: { v: 1, status: 'disabled' } }),
      await call('cityAuditor', patch, { params: { code: CITY, sub: 'ca' }, body: { v: 1, status: 'disabled' } }),
    ];
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual(Array(6).fill([403, 'forbidden']));
    expect(storeSnapshot(store)).toBe(before);
  });

  it('nobody changes a peer or themself: not a province admin, not a unit admin', async () => {
    const before = storeSnapshot(store);
    const peer = await call('provinceAdmin', patch, { params: { code: PROVINCE, sub: 'pa2' }, body: { v: 1, status: 'disabled' }, lang: 'en' });
    expect(peer.status).toBe(403);
    expect(peer.body.error.message).toContain('below your own authority');
    expect((await call('provinceAdmin', patch, { params: { code: PROVINCE, sub: 'pa' }, body: { v: 1, name: '自己' } })).status).toBe(403);
    expect((await call('cityAdmin', patch, { params: { code: CITY, sub: 'ca2' }, body: { v: 1, status: 'disabled' } })).status).toBe(403);
    expect((await call('cityAdmin', patch, { params: { code: CITY, sub: 'ca' }, body: { v: 1, role: 'staff', deptId } })).status).toBe(403);
    expect(storeSnapshot(store)).toBe(before);
    // From above it works: the province admin changes a city admin.
    expect((await call('provinceAdmin', patch, { params: { code: CITY, sub: 'ca2' }, body: { v: 1, name: '李管理' } })).status).toBe(200);
  });

  it("a unit admin cannot lock a peer admin out by binding the peer's account", async () => {
    const before = storeSnapshot(store);
    const r = await call('cityAdmin', create, { params: { code: CITY }, body: { sub: 'ca2', name: '同事', role: 'staff', deptId } });
    expect(r.status).toBe(409);
    expect(storeSnapshot(store)).toBe(before);
    expect((await call('peerCityAdmin', list, { params: { code: CITY } })).status).toBe(200);
  });
});

describe("the operator's steps: a province's first admin, and disabling one", () => {
  it('bootstraps the province and its admin once, audited with the operator as actor, and disables and re-enables it', async () => {
    const fresh = memoryDeps().deps;
    const admin: Principal = { sub: 'first-admin', role: 'province-admin', unit: PROVINCE };
    await expect(resolveScope(admin, fresh.store)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await bootstrapProvince(fresh, 'operator:ops', PROVINCE, '浙江省', 'first-admin')).toEqual({ unitCreated: true, account: 'created' });
    expect(await bootstrapProvince(fresh, 'operator:ops', PROVINCE, '浙江省', 'first-admin')).toEqual({ unitCreated: false, account: 'unchanged' });
    expect((await resolveScope(admin, fresh.store)).can('unit:provision', CITY)).toBe(true);
    const entries = (await readAudit(fresh.store, PROVINCE, 10)).items.map((e) => [e.action, e.actor]);
    expect(entries).toEqual([
      ['unit.create', { sub: 'operator:ops', role: 'operator', unit: PROVINCE }],
      ['staff.create', { sub: 'operator:ops', role: 'operator', unit: PROVINCE }],
    ]);

    expect(await setProvinceAdminStatus(fresh, 'operator:ops', PROVINCE, 'first-admin', 'disabled')).toBe(true);
    await expect(resolveScope(admin, fresh.store)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await bootstrapProvince(fresh, 'operator:ops', PROVINCE, '浙江省', 'first-admin')).toEqual({ unitCreated: false, account: 'enabled' });
    expect((await resolveScope(admin, fresh.store)).principal.sub).toBe('first-admin');
  });

  it('refuses a subject bound to another role, a unit that is no province, and an unknown admin', async () => {
    const fresh = memoryDeps().deps;
    await bootstrapProvince(fresh, 'operator:ops', PROVINCE, '浙江省', 'first-admin');
    await seedAccounts(fresh.store, [{ sub: 'clerk', role: 'staff', unit: PROVINCE }]);
    await expect(bootstrapProvince(fresh, 'operator:ops', PROVINCE, '浙江省', 'clerk')).rejects.toMatchObject({ code: 'already_exists' });
    await expect(setProvinceAdminStatus(fresh, 'operator:ops', PROVINCE, 'clerk', 'disabled')).rejects.toMatchObject({ code: 'already_exists' });
    await expect(bootstrapProvince(fresh, 'operator:ops', CITY, '杭州市', 'x')).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(setProvinceAdminStatus(fresh, 'operator:ops', PROVINCE, 'nobody', 'disabled')).rejects.toMatchObject({ code: 'not_found' });
  });
});
