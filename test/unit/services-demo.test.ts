import { describe, expect, it } from 'vitest';
import { ALL_OPERATIONS } from '../../functions/catalog';
import { EFFECTS } from '../../functions/tiers/effects';
import { readStats } from '../../functions/stats/rollup';
import { seedServices } from '../../infra/local/demo-services';
import { routeMatcher } from '../../infra/local/route-match';
import { levelOf, prefixOf } from '../../shared/codes';
import { residentIdCheckChar } from '../../shared/identity-codes';
import type { Principal, Role } from '../../shared/roles';
import { tierMessageSchema } from '../../shared/tiers/message';
import { toChinaDate } from '../../shared/working-days';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from '../support/accounts';
import { inProcessApi } from '../support/in-process-api';
import { memoryDeps } from '../support/memory-deps';
import { testTokens } from '../support/tokens';

const UNITS: [string, string, string | undefined][] = [
  ['330000000000', '浙江省', undefined],
  ['330100000000', '杭州市', '330000000000'],
  ['330106000000', '西湖区', '330100000000'],
  ['330106002000', '北山街道', '330106000000'],
  ['330106002051', '上保社区', '330106002000'],
  ['330110000000', '余杭区', '330100000000'],
  ['330200000000', '宁波市', '330000000000'],
  ['330212000000', '鄞州区', '330200000000'],
];
const BEISHAN = '330106002000';
const SHANGBAO = '330106002051';

/**
 * The demo catalogue, seeded through the API exactly as `npm start` seeds it (here in process, on the memory store),
 * and the walk a citizen and a clerk take through it: find by life event and by words, apply, 补正, complete, rate.
 */
describe('the demo catalogue', async () => {
  const { deps } = memoryDeps();
  const at = deps.now().toISOString();
  await deps.store.putMany('registry', UNITS.map(([c, n, p]) => unitItem(newUnit(c, n, p, at))));
  const tokens = await testTokens();
  const call = await inProcessApi(deps, tokens.verifier);
  const routes = routeMatcher(ALL_OPERATIONS.map((op) => ({ method: op.method, path: op.path, op })));
  const client = (p: Principal) => async <T>(method: string, url: string, body?: string) => {
    const u = new URL(url, 'http://local');
    const m = routes.match(method, u.pathname);
    if (!m) throw new Error(`no route ${method} ${u.pathname}`);
    const r = await call(m.route.op, {
      params: m.params,
      query: Object.fromEntries(u.searchParams),
      ...(body ? { body: JSON.parse(body) } : {}),
      token: await tokens.sign(p),
    });
    return { status: r.status, json: r.body as T };
  };
  const as = async (role: Role, unit: string) => client({ sub: `demo-${role}-${unit}`, role, unit });
  // What the demo's own first steps leave behind: the province admin, two unit admins, 北山街道's clerk in 综合办公室.
  await seedAccounts(deps.store, [
    { sub: 'demo-province-admin-330000000000', role: 'province-admin', unit: '330000000000' },
    { sub: 'demo-unit-admin-330100000000', role: 'unit-admin', unit: '330100000000' },
    { sub: `demo-unit-admin-${BEISHAN}`, role: 'unit-admin', unit: BEISHAN },
  ]);
  const office = await (await as('unit-admin', BEISHAN))<{ id: string }>('POST', `/v1/units/${BEISHAN}/departments`, JSON.stringify({ name: '综合办公室' }));
  const clerk: Principal = { sub: `demo-staff-${BEISHAN}`, role: 'staff', unit: BEISHAN, dept: office.json.id };
  await (await as('unit-admin', BEISHAN))('POST', `/v1/units/${BEISHAN}/staff`, JSON.stringify({ sub: clerk.sub, name: '北山街道工作人员', role: 'staff', deptId: office.json.id }));
  const lines: string[] = [];
  await seedServices((l) => lines.push(l), as);

  it('seeds at least thirty items at the province, adopted by several cities and counties, and two bundles; seeding again at the next start passes', async () => {
    expect(lines.at(-1)).toMatch(/36 service items/);
    const province = await as('province-admin', '330000000000');
    const catalogue = await province<{ items: unknown[] }>('GET', '/v1/units/330000000000/catalog?limit=200');
    expect(catalogue.json.items.length).toBeGreaterThanOrEqual(30);
    for (const unit of ['330100000000', '330200000000', '330106000000', '330110000000', '330212000000']) {
      const a = await province<{ adoption: { unit: string } }>('GET', `/v1/units/${unit}/adoptions/330000000000/330000-SV-026`);
      const inSubset = unit !== '330212000000';
      expect(a.status, unit).toBe(inSubset ? 200 : 404);
    }
    const birth = await province<{ items: { deptId: string }[]; form: { name: string }[] }>('GET', '/v1/units/330106000000/bundles/birth');
    expect(new Set(birth.json.items.map((i) => i.deptId)).size).toBe(3);
    expect(birth.json.form.filter((f) => f.name === 'applicantName')).toHaveLength(1);
    expect((await province('GET', '/v1/units/330106000000/bundles/company-start')).status).toBe(200);
    await seedServices(() => undefined, as);
  });

  it('a citizen finds an item by life event and by words, applies, follows it; a clerk works it through 补正 to completion; the rating counts up to the province', async () => {
    const citizen = client({ sub: 'demo-citizen-1', role: 'citizen', unit: SHANGBAO });
    const staff = client(clerk);
    const byLife = await citizen<{ items: { code: string; name: string; offer: { at: string } }[] }>('GET', `/v1/units/${SHANGBAO}/catalog?life=birth`);
    expect(byLife.status).toBe(200);
    const found = byLife.json.items.find((i) => i.name === '出生医学证明签发')!;
    expect(found.offer.at).toBe(BEISHAN);
    const byWords = await citizen<{ items: { code: string }[] }>('GET', `/v1/units/${SHANGBAO}/catalog?q=${encodeURIComponent('出生医学证明')}`);
    expect(byWords.json.items.map((i) => i.code)).toContain(found.code);

    const body = '33010619900307002';
    const applicant = { name: '陈静', idNumber: body + residentIdCheckChar(body), phone: '13900139000' };
    const form = { applicantName: '陈静', phone: '13900139000', babyName: '陈小满', birthDate: '2026-02-25', hospital: '杭州市妇产科医院' };
    const s = await citizen<{ id: string; ref: string }>('POST', `/v1/units/${BEISHAN}/applications`, JSON.stringify({ definer: '330000000000', item: found.code, form, applicant }));
    expect(s.status, JSON.stringify(s.json)).toBe(201);
    const path = `/v1/units/${BEISHAN}/applications/${s.json.id}`;
    const go = (action: string, extra = {}) => staff('POST', `${path}/steps`, JSON.stringify({ action, reason: '经审查', ...extra }));
    expect((await go('request-supplement', { missing: ['父母结婚证'] })).status).toBe(200);
    expect((await citizen('POST', `${path}/supplement`, JSON.stringify({ form: {}, note: '已上传结婚证' }))).status).toBe(200);
    for (const a of ['accept', 'review', 'approve', 'complete']) expect((await go(a)).status, a).toBe(200);
    const mine = await citizen<{ items: { ref: string; status: string }[] }>('GET', '/v1/my/applications');
    expect(mine.json.items).toEqual([expect.objectContaining({ ref: s.json.ref, status: 'completed' })]);
    expect((await citizen('POST', `${path}/rating`, JSON.stringify({ level: 'very-satisfied' }))).status).toBe(200);

    // The roll-ups, delivered as the consumer would.
    for (let round = 0; round < 10; round++) {
      const waiting = [];
      for (const [code] of UNITS) {
        const page = await deps.store.query({ table: levelOf(code), pk: `${prefixOf(code)}#outbox`, limit: 1000 });
        waiting.push(...page.items);
      }
      if (waiting.length === 0) break;
      for (const item of waiting) {
        const m = tierMessageSchema.parse(item.message);
        await deps.store.transact([...(await EFFECTS[m.kind]!(deps, m)), { op: 'delete', table: levelOf(m.from), key: { pk: item.pk, sk: item.sk } }]);
      }
    }
    const day = toChinaDate(deps.now());
    expect((await readStats(deps, BEISHAN, day, day)).own).toMatchObject({ opened: 1, closed: 1, onTime: 1, ratedVerySatisfied: 1 });
    expect((await readStats(deps, '330000000000', day, day)).subtree).toMatchObject({ opened: 1, ratedVerySatisfied: 1 });
  });
});
