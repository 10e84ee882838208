import { createDynamoStore } from '../../shared/store/dynamo-store';
import type { Principal } from '../../shared/roles';
import { seedAccounts } from '../support/accounts';
import type { Api } from './api';
import { ZHEJIANG } from './import-rate';
import { uploaded } from './uploads';
import { deliver, type Measure } from './tier-notices';

const T = '330106002000'; // 北山街道
const V = '330106002051'; // 上保社区

/**
 * One successful call of each tickets route, for the requests-per-route table: a citizen files at 北山街道, which
 * dispatches to 上保社区; a duplicate is suggested, merged and unmerged; a letter is published; an Open311 client files.
 */
export async function ticketRoutes(api: Api, measure: Measure) {
  const store = await createDynamoStore();
  const deps = { store, now: () => new Date() };
  const admin = await api.token({ sub: 'bench-admin', role: 'province-admin', unit: ZHEJIANG });
  const dept = await api.call<{ id: string }>('POST', `/v1/units/${T}/departments`, { token: admin, body: { name: '党政办' }, expect: 201 });
  const settings = await api.call<{ v: number }>('GET', `/v1/units/${T}/settings`, { token: admin, expect: 200 });
  await api.call('PUT', `/v1/units/${T}/settings`, { token: admin, body: { v: settings.v, tickets: { leaderOffice: dept.id } }, expect: 200 });
  const people: Principal[] = [
    { sub: 'bench-tickets-admin', role: 'unit-admin', unit: T },
    { sub: 'bench-tickets-office', role: 'staff', unit: T, dept: dept.id },
    { sub: 'bench-tickets-village', role: 'staff', unit: V },
  ];
  await seedAccounts(store, people);
  const [dispatcher, office, village] = (await Promise.all(people.map((p) => api.token(p)))) as [string, string, string];
  const citizen = await api.token({ sub: 'bench-citizen', role: 'citizen', unit: ZHEJIANG });
  const ticket = { type: 'complaint', category: 'streetlight', text: '保俶路北段两盏路灯晚上不亮', location: { lat: 30.2625, lng: 120.139 } };
  const act = (id: string, token: string, body: object) => api.call('POST', `/v1/units/${T}/tickets/${id}/actions`, { token, body, expect: 200 });

  const a = await measure('POST /v1/units/{code}/tickets', 'a citizen, with a location', () =>
    api.call<{ id: string }>('POST', `/v1/units/${T}/tickets`, { token: citizen, body: ticket, expect: 201 }),
  );
  const b = await api.call<{ id: string }>('POST', `/v1/units/${T}/tickets`, { token: citizen, body: { ...ticket, text: '保俶路北段路灯坏了好几天' }, expect: 201 });
  await measure('GET /v1/units/{code}/tickets', 'the dispatcher’s first page', () => api.call('GET', `/v1/units/${T}/tickets`, { token: dispatcher, expect: 200 }));
  await measure('POST /v1/units/{code}/tickets/{id}/actions', 'accept', () => act(a.id, dispatcher, { action: 'accept' }));
  await act(b.id, dispatcher, { action: 'accept' });
  await measure('GET /v1/units/{code}/tickets/{id}/duplicates', 'one nearby', () =>
    api.call('GET', `/v1/units/${T}/tickets/${b.id}/duplicates`, { token: dispatcher, expect: 200 }),
  );
  await measure('POST /v1/units/{code}/tickets/{id}/merge', 'into the first', () =>
    api.call('POST', `/v1/units/${T}/tickets/${b.id}/merge`, { token: dispatcher, body: { into: { home: T, id: a.id } }, expect: 200 }),
  );
  await measure('POST /v1/units/{code}/tickets/{id}/unmerge', 'undone', () =>
    api.call('POST', `/v1/units/${T}/tickets/${b.id}/unmerge`, { token: dispatcher, expect: 200 }),
  );
  await act(a.id, dispatcher, { action: 'dispatch', to: { unit: V } });
  await deliver(deps, [T]);
  await measure('GET /v1/units/{code}/incoming-tickets', 'the village', () => api.call('GET', `/v1/units/${V}/incoming-tickets`, { token: village, expect: 200 }));
  await measure('GET /v1/units/{code}/tickets/{id}', 'by the handling village (masked)', () =>
    api.call('GET', `/v1/units/${T}/tickets/${a.id}`, { token: village, expect: 200 }),
  );
  const photo = await uploaded(api, citizen, T, 'ticket', '路灯.jpg', 'image/jpeg');
  const withPhoto = await api.call<{ id: string }>('POST', `/v1/units/${T}/tickets`, { token: citizen, body: { ...ticket, text: '保俶路南段路灯不亮，附照片', attachments: [photo] }, expect: 201 });
  await measure('GET /v1/units/{code}/tickets/{id}/attachments/{n}', 'the dispatcher, a download link', () =>
    api.call('GET', `/v1/units/${T}/tickets/${withPhoto.id}/attachments/0`, { token: dispatcher, expect: 200 }),
  );
  await act(a.id, village, { action: 'sign' });
  await act(a.id, village, { action: 'answer', note: '已修复' });
  await act(a.id, dispatcher, { action: 'callback', note: '已回访' });
  await measure('POST /v1/units/{code}/tickets/{id}/rating', 'five stars', () =>
    api.call('POST', `/v1/units/${T}/tickets/${a.id}/rating`, { token: citizen, body: { level: 5 }, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/my-tickets', 'the citizen, whole province', () =>
    api.call('GET', `/v1/units/${ZHEJIANG}/my-tickets`, { token: citizen, expect: 200 }),
  );

  const letter = await api.call<{ id: string }>('POST', `/v1/units/${T}/tickets`, {
    token: citizen,
    body: { type: 'suggestion', category: 'social', text: '建议增加社区食堂送餐服务', mailbox: true, publishConsent: true },
    expect: 201,
  });
  await act(letter.id, office, { action: 'accept' });
  await act(letter.id, office, { action: 'dispatch', to: { unit: V } });
  await act(letter.id, village, { action: 'sign' });
  await act(letter.id, village, { action: 'answer', note: '下月起提供送餐服务' });
  await measure('POST /v1/units/{code}/tickets/{id}/publication', 'by the leader’s office', () =>
    api.call('POST', `/v1/units/${T}/tickets/${letter.id}/publication`, { token: office, body: {}, expect: 201 }),
  );
  await measure('GET /v1/units/{code}/letters', 'public', () => api.call('GET', `/v1/units/${T}/letters`, { expect: 200 }));

  const client = await measure('POST /v1/units/{code}/open311-clients', 'by the province admin', () =>
    api.call<{ apiKey: string }>('POST', `/v1/units/${ZHEJIANG}/open311-clients`, { token: admin, body: { name: '随手拍' }, expect: 201 }),
  );
  const base = `/open311/v2/${V}`;
  await measure('GET /open311/v2/{jurisdiction}/discovery.json', 'public', () => api.call('GET', `${base}/discovery.json`, { expect: 200 }));
  await measure('GET /open311/v2/{jurisdiction}/services.json', 'public', () => api.call('GET', `${base}/services.json`, { expect: 200 }));
  await measure('GET /open311/v2/{jurisdiction}/services/{service_code}', 'streetlight.json', () =>
    api.call('GET', `${base}/services/streetlight.json`, { expect: 200 }),
  );
  const [filed] = await measure('POST /open311/v2/{jurisdiction}/requests.json', 'form-encoded, with a key', () =>
    api.call<{ service_request_id: string }[]>('POST', `${base}/requests.json`, {
      form: { api_key: client.apiKey, service_code: 'road', lat: '30.2627', long: '120.1392', description: '社区门口路面有坑' },
      expect: 201,
    }),
  );
  await measure('GET /open311/v2/{jurisdiction}/tokens/{token}', 'the id', () => api.call('GET', `${base}/tokens/${filed!.service_request_id}.json`, { expect: 200 }));
  await measure('GET /open311/v2/{jurisdiction}/requests.json', 'the last 90 days', () => api.call('GET', `${base}/requests.json`, { expect: 200 }));
  await measure('GET /open311/v2/{jurisdiction}/requests/{service_request_id}', 'one', () =>
    api.call('GET', `${base}/requests/${filed!.service_request_id}.json`, { expect: 200 }),
  );
}
