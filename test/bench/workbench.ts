import { demoSignIns } from '../../infra/local/demo';
import type { Api } from './api';
import { uploaded } from './uploads';
import { CookieJar } from './web';

type Measure = <T>(route: string, what: string, call: () => Promise<T>) => Promise<T>;

/**
 * A browser's session on the workbench: signed in as demo account `sub` on the local issuer (its account chooser),
 * then every request with the session's cookies.
 */
export async function signedIn(url: string, sub: string) {
  const jar = new CookieJar();
  const send = async (method: 'GET' | 'POST', path: string, expect: number | number[], form?: Record<string, string>) => {
    const res = jar.take(
      await fetch(new URL(path, url), {
        method,
        redirect: 'manual',
        headers: { cookie: jar.header, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? new URLSearchParams(form).toString() : undefined,
      }),
    );
    if (![expect].flat().includes(res.status)) throw new Error(`${method} ${path} answered ${res.status} (expected ${expect})`);
    return { res, text: await res.text() };
  };
  const toIssuer = await send('GET', '/sign-in?back=/work', 303);
  const authorize = new URL(toIssuer.res.headers.get('location')!);
  const account = demoSignIns().findIndex((a) => a.principal.sub === sub);
  if (account < 0) throw new Error(`${sub} is not a demo account`);
  const chosen = await fetch(authorize.origin + authorize.pathname, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${authorize.searchParams}&account=${account}`,
  });
  const back = new URL(chosen.headers.get('location')!);
  await send('GET', back.pathname + back.search, 303);
  return send;
}

/**
 * Every workbench route once, as 杭州市's unit admin in a browser: signed in on the local issuer, each page calling
 * the API with the session's token (so a page's count includes the API requests it makes). Cases and applications
 * are not delivered while routes are counted (the transport stands still), so their screens answer 404 here.
 */
export async function workbenchRoutes(api: Api, province: string, city: string, county: string, measure: Measure) {
  const admin = await api.token({ sub: 'bench-admin', role: 'province-admin', unit: province });
  const sub = `demo-unit-admin-${city}`;
  await api.call('POST', `/v1/units/${city}/staff`, { token: admin, body: { sub, name: '杭州市管理员', role: 'unit-admin' }, expect: 201 });
  const notice = await api.call<{ id: string }>('POST', `/v1/units/${province}/notices`, { token: admin, body: { title: '省通知（基准）', body: '正文', levels: ['city'] }, expect: 201 });

  const send = await signedIn(api.url, sub);
  const list = await measure('GET /work', 'worklist, nothing due', () => send('GET', '/work', 200));
  const csrf = /name="csrf" value="([^"]+)"/.exec(list.text)?.[1] ?? '';
  const css = /href="(\/work\/assets\/[^"]+)"/.exec(list.text)![1]!;
  await measure('GET /work/assets/{file}', 'the stylesheet', () => send('GET', css, 200));
  await measure('GET /work/inbox', 'a notice received', () => send('GET', '/work/inbox', 200));
  await measure('GET /work/notices/{from}/{id}', 'the province notice', () => send('GET', `/work/notices/${province}/${notice.id}`, 200));
  await measure('POST /work/notices/{from}/{id}', '签收', () => send('POST', `/work/notices/${province}/${notice.id}`, 303, { csrf, kind: 'sign' }));
  const sent = await measure('POST /work/sent', 'a notice to the subtree', () => send('POST', '/work/sent', 303, { csrf, title: '市通知（基准）', body: '正文' }));
  await measure('GET /work/sent/{id}', 'signing progress per level', () => send('GET', sent.res.headers.get('location')!, 200));
  const assigned = await measure('POST /work/assignments', 'to 西湖区', () =>
    send('POST', '/work/assignments', 303, { csrf, title: '交办（基准）', body: '正文', assignees: county, workingDays: '5' }),
  );
  const assignment = assigned.res.headers.get('location')!;
  await measure('GET /work/assignments/{id}', 'one assignee', () => send('GET', assignment, 200));
  const id = assignment.split('/').pop()!;
  await measure('GET /work/cases/{unit}/{kind}/{id}', 'not delivered yet', () => send('GET', `/work/cases/${county}/assignment/${id}`, 404));
  await measure('POST /work/cases/{unit}/{kind}/{id}', '督办, not delivered yet', () =>
    send('POST', `/work/cases/${county}/assignment/${id}`, 404, { csrf, action: 'supervise', note: '请抓紧', v: '1' }),
  );
  const columns = [{ key: 'households', label: '户数', type: 'integer', required: true }];
  const dataRequest = await api.call<{ id: string }>('POST', `/v1/units/${city}/data-requests`, {
    token: await api.token({ sub, role: 'unit-admin', unit: city }),
    body: { title: '报送（基准）', body: '正文', assignees: [county], workingDays: 5, columns },
    expect: 201,
  });
  await measure('GET /work/data-requests/{id}', 'one unit, nothing sent yet', () => send('GET', `/work/data-requests/${dataRequest.id}`, 200));
  await measure('GET /work/data-requests/{id}/rows.csv', 'header only', () => send('GET', `/work/data-requests/${dataRequest.id}/rows.csv`, 200));
  await measure('GET /work/applications/{unit}/{id}', 'none', () => send('GET', `/work/applications/${county}/${id}`, 404));
  await measure('POST /work/applications/{unit}/{id}', 'none (a unit admin handles no applications)', () => send('POST', `/work/applications/${county}/${id}`, [403, 404], { csrf, action: 'accept', reason: '材料齐全', v: '1' }));
  await measure('GET /work/units/{code}', city, () => send('GET', `/work/units/${city}`, 200));
  await measure('POST /work/units/{code}', 'rename, refused to a unit admin', () => send('POST', `/work/units/${city}`, 403, { csrf, action: 'rename', name: '杭州市' }));
  await measure('POST /work/units/{code}/imports', 'refused to a unit admin', () =>
    send('POST', `/work/units/${city}/imports`, 403, { csrf, tree: JSON.stringify({ code: '330199000000', name: '新区', level: 'county' }) }),
  );
  await measure('GET /work/jobs/{jobId}', 'refused to a unit admin', () => send('GET', `/work/jobs/${city}-x`, 403));
  await measure('GET /work/people/{code}', city, () => send('GET', `/work/people/${city}`, 200));
  await measure('POST /work/people/{code}', 'a department', () => send('POST', `/work/people/${city}`, 303, { csrf, action: 'dept', name: '办公室（基准）' }));
  const settings = await measure('GET /work/settings/{code}', county, () => send('GET', `/work/settings/${county}`, 200));
  const v = /name="v" value="(\d+)"/.exec(settings.text)![1]!;
  await measure('POST /work/settings/{code}', `a deadline set at ${county}`, () =>
    send('POST', `/work/settings/${county}`, 303, { csrf, action: 'set', key: 'deadlines.signFor', value: '2', v }),
  );
  await measure('GET /work/documents/{code}', `${city}: stale list, drafts, published`, () => send('GET', `/work/documents/${city}`, 200));
  const drafted = await measure('POST /work/documents/{code}', 'a draft for the whole subtree', () =>
    send('POST', `/work/documents/${city}`, 303, { csrf, title: '公开文件（基准）', category: 'policy', writtenOn: '2026-03-02', body: '正文', draft: '1' }),
  );
  const doc = drafted.res.headers.get('location')!.split('?')[0]!;
  await measure('GET /work/documents/{code}/{id}', 'a draft with its versions', () => send('GET', doc, 200));
  await measure('POST /work/documents/{code}/{id}', 'publish the draft', () => send('POST', doc, 303, { csrf, action: 'publish', v: '1' }));
  await measure('GET /work/audit/{code}', 'refused to a unit admin', () => send('GET', `/work/audit/${city}`, 403));
  await measure('GET /work/dashboard/{code}', `${city}, 30 days`, () => send('GET', `/work/dashboard/${city}`, 200));
  await measure('GET /work/dashboard/{code}/chart.svg', `${city}, 30 days`, () => send('GET', `/work/dashboard/${city}/chart.svg`, 200));

  // A ticket and a disclosure request filed to 杭州市 by a resident: filed in their own unit at once, no transport needed.
  const resident = await api.token({ sub: 'bench-resident', role: 'citizen', unit: city });
  const lamp = { type: 'complaint', category: 'streetlight', text: '延安路与庆春路口的路灯晚上不亮（基准）', location: { lat: 30.2597, lng: 120.1694 } };
  await api.call('POST', `/v1/units/${city}/tickets`, { token: resident, body: lamp, expect: 201 });
  const ticket = await api.call<{ id: string }>('POST', `/v1/units/${city}/tickets`, { token: resident, body: { ...lamp, text: '庆春路口东边路灯坏了好几天（基准）' }, expect: 201 });
  const ticketPath = `/work/tickets/${city}/${ticket.id}`;
  const ticketPage = await measure('GET /work/tickets/{home}/{id}', 'filed, with its duplicate suggestions', () => send('GET', ticketPath, 200));
  const photo = await uploaded(api, resident, city, 'ticket', '路灯.jpg', 'image/jpeg');
  const withPhoto = await api.call<{ id: string }>('POST', `/v1/units/${city}/tickets`, { token: resident, body: { ...lamp, text: '体育场路路灯不亮，附照片（基准）', attachments: [photo] }, expect: 201 });
  await measure('GET /work/files/{kind}/{unit}/{id}/{n}', 'a ticket’s photo, sent on to its download link', () => send('GET', `/work/files/tickets/${city}/${withPhoto.id}/0`, 303));
  const ticketV = /name="v" value="([^"]+)"/.exec(ticketPage.text)![1]!;
  await measure('POST /work/tickets/{home}/{id}', '受理', () => send('POST', ticketPath, 303, { csrf, action: 'accept', v: ticketV }));
  const request = await api.call<{ id: string; v: number }>('POST', `/v1/units/${city}/disclosure/requests`, {
    token: resident,
    body: { title: '申请公开（基准）', description: '正文' },
    expect: 201,
  });
  const requestPath = `/work/requests/${city}/${request.id}`;
  await measure('GET /work/requests/{unit}/{id}', 'received, its 条例 clock', () => send('GET', requestPath, 200));
  await measure('POST /work/requests/{unit}/{id}', '予以公开', () =>
    send('POST', requestPath, 303, { csrf, action: 'reply', type: 'disclosed', content: '见附件（基准）', v: String(request.v) }),
  );
}
