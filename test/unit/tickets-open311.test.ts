import { describe, expect, it } from 'vitest';
import { listTicketsOp } from '../../functions/tickets/api';
import {
  discoveryOp,
  getRequestOp,
  listRequestsOp,
  postRequestOp,
  registerClientOp,
  serviceDefinitionOp,
  servicesOp,
  tokenOp,
} from '../../functions/tickets/open311';
import { tierWorld, U } from '../support/tier-world';

const J = U.village;
const REQUEST = {
  service_code: 'streetlight',
  lat: '30.2741',
  long: '120.1551',
  address_string: '一村村口',
  description: '村口路灯不亮，联系电话13812345678',
  first_name: '小明',
  last_name: '王',
  'attribute[type]': 'complaint',
};

async function world() {
  const w = await tierWorld();
  const r = await w.api(registerClientOp, { params: { code: U.province }, body: { name: '市民随手拍' }, token: w.token(`admin@${U.province}`) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { ...w, apiKey: r.body.apiKey as string };
}

describe('Open311 GeoReport v2', () => {
  it('lists services and their attributes for any unit, in the spec’s shapes and errors', async () => {
    const w = await world();
    const d = await w.api(discoveryOp, { params: { jurisdiction: J } });
    expect(d.status).toBe(200);
    expect(d.body.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', url: `/open311/v2/${J}`, formats: ['application/json'] });
    const s = await w.api(servicesOp, { params: { jurisdiction: J } });
    expect(s.body).toContainEqual(expect.objectContaining({ service_code: 'streetlight', service_name: '路灯照明', metadata: true, type: 'realtime' }));
    const def = await w.api(serviceDefinitionOp, { params: { jurisdiction: J, service_code: 'streetlight.json' } });
    expect(def.body).toMatchObject({ service_code: 'streetlight', attributes: [{ code: 'type', datatype: 'singlevaluelist', required: false }] });
    const none = await w.api(serviceDefinitionOp, { params: { jurisdiction: J, service_code: 'ufo.json' } });
    expect(none.status).toBe(404);
    expect(none.body).toEqual([{ code: 404, description: '没有服务 ufo' }]);
    const unknown = await w.api(servicesOp, { params: { jurisdiction: '330106004099' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body[0].code).toBe(404);
    const bad = await w.api(servicesOp, { params: { jurisdiction: '33' }, headers: { 'accept-language': 'en' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual([{ code: 400, description: 'jurisdiction: must be a 12-digit division code' }]);
  });

  it('files a form-encoded request with a registered key as an ordinary ticket the dispatcher lists', async () => {
    const w = await world();
    const before = w.snapshot();
    const noKey = await w.api(postRequestOp, { params: { jurisdiction: J }, body: { ...REQUEST, api_key: 'not-a-key' } });
    expect(noKey.status).toBe(403);
    expect(noKey.body).toEqual([{ code: 403, description: 'api_key 无效' }]);
    const nowhere = await w.api(postRequestOp, { params: { jurisdiction: J }, body: { service_code: 'streetlight', api_key: w.apiKey, description: '路灯坏了' } });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body[0].description).toMatch(/^lat: /);
    const json = await w.api(postRequestOp, { params: { jurisdiction: J }, rawBody: JSON.stringify({ ...REQUEST, api_key: w.apiKey }), headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(415);
    const long = await w.api(postRequestOp, { params: { jurisdiction: J }, body: { ...REQUEST, api_key: w.apiKey, description: '灯'.repeat(4001) } });
    expect(long.status).toBe(400);
    expect(w.snapshot()).toBe(before);

    const r = await w.api(postRequestOp, { params: { jurisdiction: J }, body: { ...REQUEST, api_key: w.apiKey, device_id: 'ignored' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const [{ service_request_id: id }] = r.body;
    const list = await w.api(listTicketsOp, { params: { code: J }, query: {}, token: w.token(`staff@${J}`) });
    expect(list.body.items).toMatchObject([{ id, home: J, status: 'filed', category: 'streetlight', type: 'complaint' }]);

    const one = await w.api(getRequestOp, { params: { jurisdiction: J, service_request_id: `${id}.json` } });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject([{ service_request_id: id, status: 'open', service_code: 'streetlight', lat: 30.2741, long: 120.1551, address: '一村村口' }]);
    expect(one.body[0].description).toContain('138****5678');
    expect(JSON.stringify(one.body)).not.toContain('小明');
    const tok = await w.api(tokenOp, { params: { jurisdiction: J, token: `${id}.json` } });
    expect(tok.body).toEqual([{ service_request_id: id, token: id }]);
  });

  it('lists requests by status and time, refusing a span over 90 days', async () => {
    const w = await world();
    const r = await w.api(postRequestOp, { params: { jurisdiction: J }, body: { ...REQUEST, api_key: w.apiKey } });
    const id = r.body[0].service_request_id;
    const list = (query: Record<string, string>) => w.api(listRequestsOp, { params: { jurisdiction: J }, query });
    expect((await list({})).body.map((x: { service_request_id: string }) => x.service_request_id)).toEqual([id]);
    expect((await list({ status: 'closed' })).body).toEqual([]);
    expect((await list({ service_code: 'road' })).body).toEqual([]);
    expect((await list({ service_request_id: `${id},01KB0000000000000000000000` })).body).toHaveLength(1);
    expect((await list({ start_date: '2026-03-03T00:00:00Z', end_date: '2026-03-04T00:00:00Z' })).body).toEqual([]);
    expect((await list({ start_date: '2026-03-01T00:00:00+08:00', end_date: '2026-03-03T00:00:00Z' })).body).toHaveLength(1);
    const wide = await list({ start_date: '2025-01-01T00:00:00Z', end_date: '2026-03-03T00:00:00Z' });
    expect(wide.status).toBe(400);
    expect(wide.body[0].description).toMatch(/^end_date: /);
  });
});
