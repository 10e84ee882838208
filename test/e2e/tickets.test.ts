import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoTickets } from '../../infra/local/demo-tickets';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import type { Principal, Role } from '../../shared/roles';
import { bootstrapProvince } from '../../tenants/people';
import { realDeps } from '../support/real-deps';

const PROVINCE = '330000000000';
/** The units the demo tickets use, with the cities and counties above them, parents first. */
const UNITS: [string, string][] = [
  ['330100000000', '杭州市'], ['330106000000', '西湖区'], ['330106002000', '北山街道'], ['330106002051', '上保社区'],
  ['330122000000', '桐庐县'], ['330122102000', '横村镇'], ['330122102213', '湾下畲族村'],
  ['330500000000', '湖州市'], ['330523000000', '安吉县'], ['330523110000', '梅溪镇'], ['330523110214', '管城村'],
  ['330700000000', '金华市'], ['330782000000', '义乌市'], ['330782002000', '江东街道'], ['330782002216', '毛店村'],
];

/**
 * Tickets on the local runtime, the tier transport running as on `npm start`: the demo tickets filed and worked
 * through the API, their figures rolled up to the county, and an Open311 client filing a request its dispatcher sees.
 */
describe('tickets on the local runtime', () => {
  let rt: LocalRuntime;
  const token = async (p: Principal) => (await rt.issuer.issue(p)).token;
  const call = async (method: string, path: string, t: string | undefined, body?: unknown, form = false) => {
    const res = await fetch(`${rt.url}${path}`, {
      method,
      headers: {
        ...(t ? { authorization: `Bearer ${t}` } : {}),
        ...(body !== undefined ? { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' } : {}),
      },
      body: body === undefined ? undefined : form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    rt = await startLocalRuntime({ dataDir: ':memory:', port: 0, log: () => {}, scheduleEveryMs: 1_000 });
    await bootstrapProvince(await realDeps(), 'operator:e2e', PROVINCE, '浙江省', `demo-province-admin-${PROVINCE}`);
    const admin = await token({ sub: `demo-province-admin-${PROVINCE}`, role: 'province-admin', unit: PROVINCE });
    for (const [code, name] of UNITS) expect((await call('POST', '/v1/units', admin, { code, name })).status).toBe(201);
    await seedDemoTickets({
      url: rt.url,
      token: async (role: Role, unit: string) => token({ sub: `demo-${role}-${unit}`, role, unit }),
      bootstrap: async () => undefined,
      log: () => undefined,
    });
  }, 240_000);

  afterAll(async () => rt?.stop());

  it('has the demo tickets in every state, merged duplicates and a published letter', async () => {
    const statuses: string[] = [];
    for (const township of ['330106002000', '330122102000', '330523110000', '330782002000']) {
      const t = await token({ sub: `demo-unit-admin-${township}`, role: 'unit-admin', unit: township });
      const list = await call('GET', `/v1/units/${township}/tickets?limit=200`, t);
      expect(list.status).toBe(200);
      statuses.push(...list.body.items.map((i: { status: string }) => i.status));
    }
    for (const s of ['filed', 'accepted', 'dispatched', 'signed', 'returned', 'answered', 'visited', 'rated', 'closed', 'merged']) expect(statuses).toContain(s);
    const letters = await call('GET', '/v1/units/330106002000/letters', undefined);
    expect(letters.body.items).toHaveLength(1);
    expect(letters.body.items[0].question).toContain('送餐');
  });

  it('counts the closed tickets in the county’s figures, once the roll-ups reach it', async () => {
    const t = await token({ sub: `demo-province-admin-${PROVINCE}`, role: 'province-admin', unit: PROVINCE });
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    let subtree: Record<string, number> = {};
    for (let i = 0; i < 60 && !((subtree.closed ?? 0) >= 1 && (subtree.opened ?? 0) >= 6 && (subtree.rated ?? 0) >= 2 && (subtree.escalated ?? 0) >= 1); i++) {
      subtree = (await call('GET', `/v1/units/330106000000/stats?from=${day}&to=${day}`, t)).body.subtree;
      await new Promise((r) => setTimeout(r, 500));
    }
    // 西湖区: four tickets and two letters filed in 北山街道 and 上保社区; one closed, two rated, one escalated.
    expect(subtree).toMatchObject({ opened: 6, closed: 1, rated: 2, escalated: 1 });
  }, 60_000);

  it('takes a request from an Open311 client into the dispatcher’s list', async () => {
    const admin = await token({ sub: `demo-province-admin-${PROVINCE}`, role: 'province-admin', unit: PROVINCE });
    const client = await call('POST', `/v1/units/${PROVINCE}/open311-clients`, admin, { name: '随手拍' });
    expect(client.status).toBe(201);
    const services = await call('GET', '/open311/v2/330782002216/services.json', undefined);
    expect(services.body.map((s: { service_code: string }) => s.service_code)).toContain('road');
    const filed = await call(
      'POST',
      '/open311/v2/330782002216/requests.json',
      undefined,
      { api_key: client.body.apiKey, service_code: 'road', lat: '29.2951', long: '120.0982', description: '毛店村村道有个大坑' },
      true,
    );
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const staff = await token({ sub: 'demo-staff-330782002216', role: 'staff', unit: '330782002216' });
    const list = await call('GET', '/v1/units/330782002216/tickets', staff);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(filed.body[0].service_request_id);
    const wrong = await call('POST', '/open311/v2/330782002216/requests.json', undefined, { api_key: 'x', service_code: 'road' }, true);
    expect(wrong).toEqual({ status: 403, body: [{ code: 403, description: 'api_key 无效' }] });
  });
});
