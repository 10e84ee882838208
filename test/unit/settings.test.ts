import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readAudit } from '../../shared/audit';
import { apiFunction } from '../../functions/api-function';
import type { Principal } from '../../shared/roles';
import { MemoryStore } from '../../shared/store/memory-store';
import { routes } from '../../functions/settings/handler';
import { NATIONAL_DEADLINES, readSettings } from '../../tenants/settings';
import { unitItem } from '../../tenants/unit';
import type { Level } from '../../shared/levels';
import { seedAccounts } from '../support/accounts';
import { callRoute, type RouteCall } from '../support/events';
import { memoryDeps } from '../support/memory-deps';
import { testTokens } from '../support/tokens';

const PROVINCE = '330000000000';
const CITY = '330100000000';
const COUNTY = '330106000000';
const TOWNSHIP = '330106004000';
const OTHER_CITY = '330200000000';

// Every test starts from the same tree with no settings, so none depends on what another one changed.
let deps: ReturnType<typeof memoryDeps>['deps'];
let store: MemoryStore;
let handler: ReturnType<typeof apiFunction>;
const tokens: Record<string, string> = {};

const people = {
  provinceAdmin: { sub: 'pa', role: 'province-admin', unit: PROVINCE },
  cityAdmin: { sub: 'ca', role: 'unit-admin', unit: CITY },
  countyAdmin: { sub: 'ka', role: 'unit-admin', unit: COUNTY },
  cityStaff: { sub: 'cs', role: 'staff', unit: CITY },
  alice: { sub: 'alice', role: 'citizen', unit: PROVINCE },
} satisfies Record<string, Principal>;

const snapshot = () => JSON.stringify([...store['tables']].map(([t, m]) => [t, [...m.entries()]]));

const call = (who: keyof typeof people, routeKey: string, opts?: RouteCall) => callRoute(handler, tokens[who]!, routeKey, opts);

const GET = 'GET /v1/units/{code}/settings';
const PUT = 'PUT /v1/units/{code}/settings';
const fieldPaths = (r: { body: { error: { fields: { path: string }[] } } }) => r.body.error.fields.map((f) => f.path);

beforeAll(async () => {
  const t = await testTokens();
  handler = apiFunction(routes, { deps: async () => deps, verifier: () => t.verifier });
  for (const [k, p] of Object.entries(people)) tokens[k] = await t.sign(p);
});

beforeEach(async () => {
  deps = memoryDeps().deps;
  store = deps.store as MemoryStore;
  const at = '2026-01-01T00:00:00.000Z';
  const unit = (code: string, name: string, level: Level, parent?: string) =>
    unitItem({ code, name, level, parent, edition: 2023, status: 'active', createdAt: at, updatedAt: at, v: 1 });
  await store.putMany('registry', [
    unit(PROVINCE, '浙江省', 'province'),
    unit(CITY, '杭州市', 'city', PROVINCE),
    unit(COUNTY, '西湖区', 'county', CITY),
    unit(TOWNSHIP, '西溪街道', 'township', COUNTY),
    unit(OTHER_CITY, '宁波市', 'city', PROVINCE),
  ]);
  await seedAccounts(store, Object.values(people));
});

/** Province, city and county overrides, each the unit's first version; the county undoes the province's 2026-03-03. */
async function layeredOverrides() {
  const put = async (who: keyof typeof people, code: string, body: object) => {
    const r = await call(who, PUT, { params: { code }, body: { v: 0, ...body } });
    expect(r.status).toBe(200);
    return r;
  };
  await put('provinceAdmin', PROVINCE, {
    deadlines: { 'complaint.reply': 10 },
    contact: { phone: '0571-12345', hours: '工作日 9:00-17:00' },
    calendar: { extraHolidays: ['2026-03-03'] },
  });
  await put('cityAdmin', CITY, { deadlines: { 'complaint.reply': 7, 'complaint.callback': 5 }, contact: { address: '杭州市解放东路18号' } });
  return put('countyAdmin', COUNTY, { deadlines: { signFor: 2 }, calendar: { extraWorkdays: ['2026-03-03'], extraHolidays: ['2026-04-06', '2026-04-06'] } });
}

describe('settings inherited down the tree', () => {
  it('starts from the national defaults, each named as such', async () => {
    const r = await call('alice', GET, { params: { code: TOWNSHIP } });
    expect(r.status).toBe(200);
    expect(r.body.effective.deadlines).toEqual(NATIONAL_DEADLINES);
    expect(r.body.effective.deadlines).toMatchObject({ 'disclosure.request': 20, 'complaint.reply': 15, 'consultation.reply': 3, signFor: 1, 'badReview.rectify': 15 });
    expect(new Set(Object.values(r.body.sources.deadlines))).toEqual(new Set(['national']));
    expect(r.body).toMatchObject({ unit: TOWNSHIP, overrides: {}, v: 0, effective: { calendar: { extraHolidays: [], extraWorkdays: [] }, contact: {} } });
  });

  it('overlays province, city and county overrides, nearest first, and says where each value came from', async () => {
    const county = await layeredOverrides();
    expect(county.body).toMatchObject({ unit: COUNTY, v: 1 });
    expect(county.body.overrides.calendar.extraHolidays).toEqual(['2026-04-06']);

    const r = await call('cityAdmin', GET, { params: { code: TOWNSHIP } });
    expect(r.status).toBe(200);
    expect(r.body.effective.deadlines).toMatchObject({ 'complaint.reply': 7, 'complaint.callback': 5, signFor: 2, 'disclosure.request': 20 });
    expect(r.body.sources.deadlines).toMatchObject({ 'complaint.reply': CITY, 'complaint.callback': CITY, signFor: COUNTY, 'disclosure.request': 'national' });
    expect(r.body.effective.contact).toEqual({ phone: '0571-12345', hours: '工作日 9:00-17:00', address: '杭州市解放东路18号' });
    expect(r.body.sources.contact).toEqual({ phone: PROVINCE, hours: PROVINCE, address: CITY });
    // The county made the province's extra holiday a workday again; the nearer unit wins.
    expect(r.body.effective.calendar).toEqual({ extraHolidays: ['2026-04-06'], extraWorkdays: ['2026-03-03'] });
    expect(r.body.sources.calendar).toEqual({ '2026-03-03': COUNTY, '2026-04-06': COUNTY });
    expect(r.body).toMatchObject({ overrides: {}, v: 0 });

    const atCity = await call('cityAdmin', GET, { params: { code: CITY } });
    expect(atCity.body.effective.calendar).toEqual({ extraHolidays: ['2026-03-03'], extraWorkdays: [] });
    expect(atCity.body.sources.calendar).toEqual({ '2026-03-03': PROVINCE });
    expect(atCity.body).toMatchObject({ v: 1, overrides: { deadlines: { 'complaint.reply': 7 } } });
  });

  it('reads the whole chain with one batch read', async () => {
    await layeredOverrides();
    const getMany = vi.spyOn(store, 'getMany');
    const get = vi.spyOn(store, 'get');
    const query = vi.spyOn(store, 'query');
    await readSettings(store, TOWNSHIP);
    expect(getMany).toHaveBeenCalledTimes(1);
    expect(getMany.mock.calls[0]![1].length).toBeLessThanOrEqual(6);
    expect(get).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('audits every change with the overrides before and after', async () => {
    await layeredOverrides();
    const entries = (await readAudit(store, COUNTY, 10)).items;
    expect(entries.map((e) => e.action)).toEqual(['settings.update']);
    expect(entries[0]).toMatchObject({ actor: { sub: 'ka', role: 'unit-admin' }, before: {}, after: { deadlines: { signFor: 2 } } });
  });
});

describe('changing settings', () => {
  it('replaces the overrides with the version read; a stale version is a 409 that writes nothing', async () => {
    await layeredOverrides();
    const before = snapshot();
    const stale = await call('cityAdmin', PUT, { params: { code: CITY }, body: { v: 0, deadlines: { signFor: 3 } } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('conflict');
    expect(snapshot()).toBe(before);
    const ok = await call('cityAdmin', PUT, { params: { code: CITY }, body: { v: 1, deadlines: { signFor: 3 } } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ unit: CITY, v: 2, overrides: { deadlines: { signFor: 3 } }, updatedAt: expect.any(String) });
    // Replaced, not merged: the city's address and complaint deadline are inherited again.
    const r = await call('cityAdmin', GET, { params: { code: CITY } });
    expect(r.body.effective.deadlines['complaint.reply']).toBe(10);
    expect(r.body.sources.contact).toEqual({ phone: PROVINCE, hours: PROVINCE });
  });

  it('lets unit admins change their subtree and province admins anything below; nobody else', async () => {
    expect((await call('cityAdmin', PUT, { params: { code: TOWNSHIP }, body: { v: 0, contact: { hours: '全天' } } })).status).toBe(200);
    expect((await call('cityAdmin', PUT, { params: { code: PROVINCE }, body: { v: 1 } })).status).toBe(403);
    expect((await call('cityAdmin', PUT, { params: { code: OTHER_CITY }, body: { v: 0 } })).status).toBe(403);
    expect((await call('countyAdmin', PUT, { params: { code: CITY }, body: { v: 2 } })).status).toBe(403);
    expect((await call('cityStaff', PUT, { params: { code: CITY }, body: { v: 2 } })).status).toBe(403);
    expect((await call('alice', PUT, { params: { code: CITY }, body: { v: 2 } })).status).toBe(403);
    expect((await call('cityStaff', GET, { params: { code: COUNTY } })).status).toBe(403);
    expect((await call('provinceAdmin', GET, { params: { code: '330199000000' } })).status).toBe(404);
    expect((await call('provinceAdmin', PUT, { params: { code: '330199000000' }, body: { v: 0 } })).status).toBe(404);
  });

  it('rejects bad values field by field, in the caller’s language, and writes nothing', async () => {
    const before = snapshot();
    const bad = await call('provinceAdmin', PUT, {
      params: { code: PROVINCE },
      body: { v: 1, deadlines: { signFor: -1 }, calendar: { extraHolidays: ['2026-02-30'] }, contact: { email: 'nope' }, colour: 'red' },
    });
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad).sort()).toEqual(['body.calendar.extraHolidays.0', 'body.colour', 'body.contact.email', 'body.deadlines.signFor']);
    const clash = { v: 1, calendar: { extraHolidays: ['2026-05-06'], extraWorkdays: ['2026-05-06'] } };
    const zh = await call('provinceAdmin', PUT, { params: { code: PROVINCE }, body: clash });
    expect(zh.status).toBe(400);
    expect(fieldPaths(zh)).toEqual(['body.calendar.extraWorkdays']);
    expect(zh.body.error.fields[0].message).toContain('同时被列为假日和工作日');
    const en = await call('provinceAdmin', PUT, { params: { code: PROVINCE }, body: clash, lang: 'en' });
    expect(en.body.error.fields[0].message).toContain('both as holiday and as workday');
    expect(snapshot()).toBe(before);
  });
});

describe('working days', () => {
  const WD = 'GET /v1/units/{code}/working-days';
  const NOTICE_2026 = '国办发明电〔2025〕7号';

  it('skips the National Day holiday and counts the adjusted Saturday, naming the notice', async () => {
    const r = await call('cityStaff', WD, { params: { code: CITY }, query: { from: '2026-09-30', days: '3' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ unit: CITY, from: '2026-09-30', days: 3, due: '2026-10-10' });
    expect(r.body.skipped.map((d: { date: string }) => d.date)).toEqual([1, 2, 3, 4, 5, 6, 7].map((d) => `2026-10-0${d}`));
    expect(r.body.skipped[0]).toEqual({ date: '2026-10-01', working: false, why: 'holiday', name: '国庆节', nameEn: 'National Day', source: NOTICE_2026 });
    expect(r.body.workedDaysOff).toEqual([{ date: '2026-10-10', working: true, why: 'adjusted-workday', source: NOTICE_2026 }]);
  });

  it('applies the inherited local days and names the unit that declared each', async () => {
    await layeredOverrides();
    // The province made 2026-03-03 a local holiday; the county below the city made it a workday again.
    const atCity = await call('cityAdmin', WD, { params: { code: CITY }, query: { from: '2026-03-02', days: '1' } });
    expect(atCity.body.due).toBe('2026-03-04');
    expect(atCity.body.skipped).toEqual([{ date: '2026-03-03', working: false, why: 'local-holiday', unit: PROVINCE }]);
    const atTownship = await call('cityAdmin', WD, { params: { code: TOWNSHIP }, query: { from: '2026-03-02', days: '1' } });
    expect(atTownship.body).toMatchObject({ due: '2026-03-03', skipped: [] });
    expect(atTownship.body.workedDaysOff).toEqual([{ date: '2026-03-03', working: true, why: 'local-workday', unit: COUNTY }]);
  });

  it('counts a named deadline with the unit’s effective default, from today in China unless told', async () => {
    expect((await call('cityAdmin', PUT, { params: { code: CITY }, body: { v: 0, deadlines: { signFor: 3 } } })).status).toBe(200);
    const r = await call('cityAdmin', WD, { params: { code: CITY }, query: { from: '2026-09-30', deadline: 'signFor' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ deadline: 'signFor', days: 3, due: '2026-10-10' });
    // memoryDeps' clock: 2026-03-02T01:00:00Z, which is 2026-03-02 in China.
    const today = await call('alice', WD, { params: { code: CITY }, query: { days: '0' } });
    expect(today.body).toMatchObject({ from: '2026-03-02', due: '2026-03-02' });
  });

  it('answers bad questions with 400, an uncovered year with 422, and keeps to scope', async () => {
    const ask = (query: Record<string, string>) => call('cityAdmin', WD, { params: { code: CITY }, query });
    const both = await ask({ from: '2026-03-02', days: '1', deadline: 'signFor' });
    expect(both.status).toBe(400);
    expect(fieldPaths(both)).toEqual(['query.days']);
    expect((await ask({ from: '2026-03-02' })).status).toBe(400);
    const unknown = await ask({ from: '2026-03-02', deadline: 'no.such' });
    expect(fieldPaths(unknown)).toEqual(['query.deadline']);
    expect(fieldPaths(await ask({ from: '2026-03-02', deadline: 'constructor' }))).toEqual(['query.deadline']);
    const badDate = await ask({ from: '2026-02-30', days: '1' });
    expect(fieldPaths(badDate)).toEqual(['query.from']);
    expect(fieldPaths(await ask({ from: '2026-03-02', days: '251' }))).toEqual(['query.days']);
    const uncovered = await call('cityAdmin', WD, { params: { code: CITY }, query: { from: '2026-12-20', days: '30' }, lang: 'en' });
    expect(uncovered.status).toBe(422);
    expect(uncovered.body.error.message).toMatch(/covers 2025, 2026 only/);
    expect((await call('cityStaff', WD, { params: { code: COUNTY }, query: { days: '1' } })).status).toBe(403);
    expect((await call('provinceAdmin', WD, { params: { code: '330199000000' }, query: { days: '1' } })).status).toBe(404);
  });
});
