import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiFunction } from '../../functions/api-function';
import { createDocument, updateDocument, withdrawDocument, type NewDocument } from '../../functions/disclosure/documents';
import { actOnRequest } from '../../functions/disclosure/requests';
import { errorReply, routes } from '../../functions/web/handler';
import { startSession } from '../../functions/web/session';
import type { Principal } from '../../shared/roles';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { httpEvent, lambdaContext } from '../support/events';
import { memoryDeps } from '../support/memory-deps';

const PROVINCE = '330000000000';
const COUNTY = '330106000000';
const VILLAGE = '330106002051';
const PROVINCE_STAFF: Principal = { sub: 'web-doc-staff', role: 'staff', unit: PROVINCE };
const COUNTY_STAFF: Principal = { sub: 'web-doc-county', role: 'staff', unit: COUNTY };
const CITIZEN: Principal = { sub: 'web-doc-citizen', role: 'citizen', unit: VILLAGE };
const NEIGHBOUR: Principal = { sub: 'web-doc-neighbour', role: 'citizen', unit: VILLAGE };

const doc = (over: Partial<NewDocument> = {}): NewDocument => ({
  title: '关于做好2026年春季农业生产工作的通知',
  category: 'policy',
  docNumber: '浙政办发〔2026〕3号',
  subjects: ['农业', '春耕'],
  writtenOn: '2026-02-26',
  body: '各市、县（市、区）人民政府：为做好今年春季农业生产，现就有关事项通知如下。一、抓好春耕备耕。二、保障农资供应。',
  attachments: [],
  ...over,
});

async function world() {
  const { deps } = memoryDeps();
  const at = deps.now().toISOString();
  const units: [string, string, string | undefined][] = [
    [PROVINCE, '浙江省', undefined],
    ['330100000000', '杭州市', PROVINCE],
    [COUNTY, '西湖区', '330100000000'],
    ['330106002000', '北山街道', COUNTY],
    [VILLAGE, '上保社区', '330106002000'],
  ];
  await deps.store.putMany('registry', units.map(([c, n, p]) => unitItem(newUnit(c, n, p, at))));
  const handler = apiFunction(routes, { deps: async () => deps, errorReply });
  const call = async (routeKey: string, o: { path?: string; params?: Record<string, string>; query?: Record<string, string>; cookies?: string[]; form?: string } = {}) => {
    const event = httpEvent({
      routeKey,
      rawPath: o.path,
      pathParameters: o.params,
      query: o.query,
      headers: { host: 'gov.example', 'x-forwarded-proto': 'https', ...(o.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: o.form,
    });
    if (o.cookies) event.cookies = o.cookies;
    const res = (await handler(event, lambdaContext() as never)) as APIGatewayProxyStructuredResultV2;
    return { status: res.statusCode!, body: String(res.body ?? ''), headers: res.headers ?? {} };
  };
  const signedIn = async (p: Principal) => [(await startSession(deps, p, Math.floor(deps.now().getTime() / 1000) + 3600, true)).split(';')[0]!];
  return { deps, call, signedIn };
}

const documentPage = (publisher: string, id: string) => ['GET /documents/{publisher}/{id}', { path: `/documents/${publisher}/${id}`, params: { publisher, id } }] as const;
const documentsPage = (code: string, query: Record<string, string> = {}) =>
  ['GET /units/{code}/documents', { path: `/units/${code}/documents`, params: { code }, query }] as const;

describe('政务公开 pages', () => {
  it("a village's page lists the province's document by reference, with the list and the Atom feed linked", async () => {
    const { deps, call } = await world();
    const d = await createDocument(deps, PROVINCE_STAFF, PROVINCE, doc());
    const own = await createDocument(deps, COUNTY_STAFF, COUNTY, doc({ title: '西湖区春季植树通知', body: '全区开展春季义务植树活动。', docNumber: undefined, category: 'other' }));
    const r = await call('GET /units/{code}', { path: `/units/${VILLAGE}`, params: { code: VILLAGE } });
    expect(r.status).toBe(200);
    expect(r.body).toContain(`<a href="/documents/${PROVINCE}/${d.id}">关于做好2026年春季农业生产工作的通知</a>`);
    // Newest first: the county's came after the province's.
    expect(r.body.indexOf(own.id)).toBeLessThan(r.body.indexOf(d.id));
    expect(r.body).toContain(`<a href="/units/${VILLAGE}/documents">全部公开文件</a>`);
    expect(r.body).toContain(`<a href="/v1/units/${VILLAGE}/disclosure/feed" type="application/atom+xml">订阅（Atom）</a>`);
    expect(r.body).toContain(`<link rel="alternate" type="application/atom+xml" title="上保社区政府信息公开" href="/v1/units/${VILLAGE}/disclosure/feed">`);
  });

  it('a document has one canonical address, whichever page led there, with its 索引号, publisher, dates, body and versions', async () => {
    const { deps, call } = await world();
    const d = await createDocument(deps, PROVINCE_STAFF, PROVINCE, doc());
    await updateDocument(deps, PROVINCE_STAFF, PROVINCE, d.id, { v: d.v, title: '关于做好2026年春季农业生产工作的通知（修订）' });
    const r = await call(...documentPage(PROVINCE, d.id));
    expect(r.status).toBe(200);
    expect(r.body).toContain(`<link rel="canonical" href="https://gov.example/documents/${PROVINCE}/${d.id}">`);
    expect(r.body).toContain('<h1>关于做好2026年春季农业生产工作的通知（修订）</h1>');
    expect(r.body).toContain(`<dt>索引号</dt><dd>${PROVINCE}/2026-00001</dd>`);
    expect(r.body).toContain(`<dt>发布机构</dt><dd><a href="/units/${PROVINCE}">浙江省</a></dd>`);
    expect(r.body).toContain('<dt>文号</dt><dd>浙政办发〔2026〕3号</dd>');
    expect(r.body).toContain('<dt>类别</dt><dd>政策文件</dd>');
    expect(r.body).toContain('<dt>成文日期</dt><dd>2026-02-26</dd>');
    expect(r.body).toContain('<dt>发布日期</dt><dd>2026-03-02</dd>');
    expect(r.body).toContain('一、抓好春耕备耕。');
    expect(r.body).toContain('<h2>版本记录</h2>');
    expect(r.body).toContain('主办单位：浙江省人民政府');
  });

  it('a withdrawn document answers 410 saying when it was withdrawn; an unknown, draft or malformed one is an HTML 404', async () => {
    const { deps, call } = await world();
    const d = await createDocument(deps, PROVINCE_STAFF, PROVINCE, doc());
    await withdrawDocument(deps, PROVINCE_STAFF, PROVINCE, d.id, d.v, '内容已过时');
    const gone = await call(...documentPage(PROVINCE, d.id));
    expect(gone.status).toBe(410);
    expect(gone.headers['content-type']).toContain('text/html');
    expect(gone.body).toContain('<h1>该文件已撤回</h1>');
    expect(gone.body).toContain('浙江省已于 2026-03-02 撤回该文件，不再公开。');
    expect(gone.body).not.toContain('一、抓好春耕备耕');
    expect(gone.body).not.toContain('内容已过时');

    const draft = await createDocument(deps, PROVINCE_STAFF, PROVINCE, doc({ title: '草稿', body: '尚未发布的草稿。', draft: true }));
    for (const [publisher, id] of [
      [PROVINCE, draft.id],
      [PROVINCE, '01JAAAAAAAAAAAAAAAAAAAAAAA'],
      [COUNTY, d.id],
      [PROVINCE, 'not-an-id'],
      ['3300', d.id],
    ] as const) {
      const r = await call(...documentPage(publisher, id));
      expect(r.status, `${publisher}/${id}`).toBe(404);
      expect(r.body).toContain('找不到这个页面');
    }
  });

  it('search from a village finds the province document, marks the words, and filters by category and year', async () => {
    const { deps, call } = await world();
    const d = await createDocument(deps, PROVINCE_STAFF, PROVINCE, doc());
    await createDocument(deps, PROVINCE_STAFF, PROVINCE, doc({ title: '2026年省级财政预算', category: 'budget', body: '全省一般公共预算收入安排。', docNumber: undefined, subjects: ['预算'] }));
    const found = await call(...documentsPage(VILLAGE, { q: '春耕' }));
    expect(found.status).toBe(200);
    expect(found.body).toContain('找到 1 份文件');
    expect(found.body).toContain(`<a href="/documents/${PROVINCE}/${d.id}">`);
    expect(found.body).toContain('<mark>春耕</mark>');
    expect(found.body).toContain('<input id="doc-q" name="q" type="search" maxlength="100" value="春耕">');
    expect((await call(...documentsPage(VILLAGE, { q: '春耕', category: 'budget' }))).body).toContain('找到 0 份文件');
    expect((await call(...documentsPage(VILLAGE, { q: '春耕', year: '2025' }))).body).toContain('找到 0 份文件');
    expect((await call(...documentsPage(VILLAGE, { q: '春耕', year: '2026', category: 'policy' }))).body).toContain('找到 1 份文件');

    // Without words: the list, by category and year.
    const budget = (await call(...documentsPage(VILLAGE, { category: 'budget' }))).body;
    expect(budget).toContain('2026年省级财政预算');
    expect(budget).not.toContain(d.id);
    expect((await call(...documentsPage(VILLAGE, { year: '2026' }))).body).toContain(d.id);
    expect((await call(...documentsPage(VILLAGE, { year: '2025' }))).body).toContain('没有找到相关文件。');
    // A value that is no choice of the form is ignored, a bad cursor is no page, an unknown unit a 404.
    expect((await call(...documentsPage(VILLAGE, { category: 'nope', year: '1900' }))).body).toContain(d.id);
    expect((await call(...documentsPage(VILLAGE, { cursor: 'zzz' }))).status).toBe(404);
    expect((await call(...documentsPage('330199000000'))).status).toBe(404);
  });

  it('pages past the first page of results', async () => {
    const { deps, call } = await world();
    for (let i = 0; i < 21; i++) await createDocument(deps, PROVINCE_STAFF, PROVINCE, doc({ title: `春耕通知第${i}号`, body: `春耕事项${i}。第${i}份。` }));
    const first = (await call(...documentsPage(VILLAGE))).body;
    const next = /<a href="(\/units\/330106002051\/documents\?cursor=[^"]+)">下一页<\/a>/.exec(first)![1]!;
    const cursor = new URL(next.replace(/&amp;/g, '&'), 'https://gov.example').searchParams.get('cursor')!;
    const second = (await call(...documentsPage(VILLAGE, { cursor }))).body;
    expect(second).toContain('春耕通知第0号');
    expect(second).not.toContain('下一页');
    const searched = (await call(...documentsPage(VILLAGE, { q: '春耕' }))).body;
    expect(searched).toContain('找到 21 份文件');
    expect(searched).toContain('offset=20');
  });

  it('a disclosure request: sign in first, field errors beside fields with values kept, then the confirmation with its deadline, and the reply from /me', async () => {
    const { deps, call, signedIn } = await world();
    const path = `/units/${COUNTY}/documents/request`;
    const form = (cookies: string[], body?: string) =>
      call(body === undefined ? 'GET /units/{code}/documents/request' : 'POST /units/{code}/documents/request', { path, params: { code: COUNTY }, cookies, ...(body !== undefined ? { form: body } : {}) });
    const anonymous = await form([]);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toContain(`/sign-in?back=${encodeURIComponent(path)}`);

    const cookies = await signedIn(CITIZEN);
    const empty = await form(cookies);
    expect(empty.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(empty.body)![1]!;
    const forged = await form(cookies, `csrf=forged&title=x&description=y`);
    expect(forged.status).toBe(403);

    const refused = await form(cookies, `csrf=${encodeURIComponent(csrf)}&title=${encodeURIComponent('西湖区2025年财政预算执行情况')}&description=`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/<p class="error" id="req-description-error">[^<]+<\/p>/);
    expect(refused.body).not.toContain('req-title-error');
    expect(refused.body).toContain('value="西湖区2025年财政预算执行情况"');
    expect(refused.body).toContain('aria-invalid="true"');

    const sent = await form(cookies, `csrf=${encodeURIComponent(csrf)}&title=${encodeURIComponent('西湖区2025年财政预算执行情况')}&description=${encodeURIComponent('用于学习研究')}`);
    expect(sent.status).toBe(303);
    const [, code, id] = /^\/me\/disclosure\/(\d{12})\/([0-9A-Z]{26})\?sent=1$/.exec(String(sent.headers.location))!;
    expect(code).toBe(COUNTY);
    const confirm = await call('GET /me/disclosure/{code}/{id}', { params: { code: code!, id: id! }, query: { sent: '1' }, cookies });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain(`<h1>申请已提交</h1><p>申请编号：<strong>${id}</strong></p>`);
    // 20 working days from Monday 2 March 2026.
    expect(confirm.body).toContain('<dt>答复期限</dt><dd>2026-03-30</dd>');
    expect(confirm.body).toContain('自收到申请之日起 20 个工作日内答复');
    expect(confirm.body).toContain('<h2>接下来</h2>');

    const me = await call('GET /me', { cookies });
    expect(me.body).toContain(`<a href="/me/disclosure/${COUNTY}/${id}">西湖区2025年财政预算执行情况</a>`);
    expect(me.body).toContain('已收到，办理中');

    await actOnRequest(deps, COUNTY_STAFF, COUNTY, id!, { action: 'reply', reply: { type: 'published', where: '西湖区政府门户网站·财政预决算栏目' } });
    const answered = await call('GET /me/disclosure/{code}/{id}', { params: { code: code!, id: id! }, cookies });
    expect(answered.body).toContain('<dt>答复类型</dt><dd>已主动公开</dd>');
    expect(answered.body).toContain('西湖区政府门户网站·财政预决算栏目');
    expect((await call('GET /me', { cookies })).body).toContain('已答复');

    // Someone else's request is not there for them.
    const other = await call('GET /me/disclosure/{code}/{id}', { params: { code: code!, id: id! }, cookies: await signedIn(NEIGHBOUR) });
    expect(other.status).toBe(404);
  });

  it('staff cannot make a request, and a unit that is none has no form', async () => {
    const { call, signedIn } = await world();
    const cookies = await signedIn(COUNTY_STAFF);
    const r = await call('GET /units/{code}/documents/request', { params: { code: COUNTY }, cookies });
    expect(r.status).toBe(403);
    expect(r.body).toContain('政府信息公开申请由公民、法人或者其他组织提出');
    expect((await call('GET /units/{code}/documents/request', { params: { code: '330199000000' }, cookies })).status).toBe(404);
  });
});
