import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiFunction } from '../../functions/api-function';
import { errorReply, routes } from '../../functions/web/handler';
import { startSession } from '../../functions/web/session';
import { PRINT_STYLES_FILE, STYLES } from '../../functions/web/styles';
import { putSettings } from '../../tenants/settings';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { httpEvent, lambdaContext } from '../support/events';
import { memoryDeps } from '../support/memory-deps';

const ADMIN = { sub: 'web-admin', role: 'province-admin', unit: '330000000000' } as const;
const CITIZEN = { sub: 'web-citizen', role: 'citizen', unit: '330106002051' } as const;

async function world(extraProvince = false) {
  const { deps } = memoryDeps();
  const at = deps.now().toISOString();
  const units: [string, string, string | undefined][] = [
    ['330000000000', '浙江省', undefined],
    ['330100000000', '杭州市', '330000000000'],
    ['330106000000', '西湖区', '330100000000'],
    ['330106002000', '北山街道', '330106000000'],
    ['330106002051', '上保社区', '330106002000'],
    ...(extraProvince ? ([['320000000000', '江苏省', undefined]] as [string, string, undefined][]) : []),
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
    return { status: res.statusCode!, body: String(res.body ?? ''), headers: res.headers ?? {}, cookies: res.cookies ?? [] };
  };
  return { deps, call };
}

const unitPage = (code: string, extra: { cookies?: string[]; query?: Record<string, string> } = {}) =>
  ['GET /units/{code}', { path: `/units/${code}`, params: { code }, ...extra }] as const;

describe('web pages', () => {
  it('a unit page is HTML at its canonical address, with a strict CSP, its breadcrumbs and its children', async () => {
    const { call } = await world();
    const r = await call(...unitPage('330106000000'));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(r.body).toContain('<link rel="canonical" href="https://gov.example/units/330106000000">');
    expect(r.body).toContain('<h1>西湖区</h1>');
    expect(r.body).toContain('<a href="/units/330106002000">北山街道</a>');
    expect(r.body).toContain('<a href="/units/330100000000">杭州市</a>');
  });

  it('a unit that is not there, or a code that is none, is a 404 page in HTML', async () => {
    const { call } = await world();
    for (const code of ['330199000000', 'nope', '33010600200']) {
      const r = await call(...unitPage(code));
      expect(r.status, code).toBe(404);
      expect(r.headers['content-type']).toContain('text/html');
      expect(r.body).toContain('找不到这个页面');
    }
  });

  it('a query the page does not take is a 400 page naming the field, not JSON', async () => {
    const { call } = await world();
    const r = await call(...unitPage('330106000000', { query: { bogus: '1' } }));
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('query.bogus');
  });

  it('townships and villages show the site of their county; the province can move sites up to the city', async () => {
    const { deps, call } = await world();
    await putSettings(deps, ADMIN, '330106000000', 0, { site: { sponsor: '西湖区政府办公室', siteCode: '3301060099' } });
    await putSettings(deps, ADMIN, '330000000000', 0, { site: { icp: '浙ICP备00000000号', siteCode: '3300000099' } });
    const village = (await call(...unitPage('330106002051'))).body;
    expect(village).toContain('<a class="site" href="/units/330106000000">西湖区人民政府</a>');
    expect(village).toContain('主办单位：西湖区政府办公室');
    expect(village).toContain('网站标识码：3301060099');
    // The filing number is the consolidated platform's, inherited; the province's site code is its own site's only.
    expect(village).toContain('浙ICP备00000000号');
    const city = (await call(...unitPage('330100000000'))).body;
    expect(city).toContain('主办单位：杭州市人民政府');
    expect(city).not.toContain('3300000099');

    await putSettings(deps, ADMIN, '330000000000', 1, { site: { icp: '浙ICP备00000000号', siteCode: '3300000099', hostLevel: 'city' } });
    const moved = (await call(...unitPage('330106002051'))).body;
    expect(moved).toContain('<a class="site" href="/units/330100000000">杭州市人民政府</a>');
    expect((await call(...unitPage('330106000000'))).body).toContain('本页面属于杭州市人民政府网站');
  });

  it('/ is the province when one is served, the list when several are', async () => {
    const one = await world();
    expect((await one.call('GET /', { path: '/' })).body).toContain('<h1>浙江省</h1>');
    const two = await world(true);
    const list = (await two.call('GET /', { path: '/' })).body;
    expect(list).toContain('<a href="/units/320000000000">江苏省</a>');
    expect(list).toContain('<a href="/units/330000000000">浙江省</a>');
  });

  it('the sitemap lists the unit and its children at absolute addresses', async () => {
    const { call } = await world();
    const r = await call('GET /units/{code}/sitemap.xml', { params: { code: '330106000000' } });
    expect(r.headers['content-type']).toContain('application/xml');
    expect(r.body).toContain('<loc>https://gov.example/units/330106000000</loc>');
    expect(r.body).toContain('<loc>https://gov.example/units/330106002000</loc>');
  });

  it('an address no route serves ($default) is the portal\'s 404 page with a search, except under /v1: JSON there', async () => {
    const { call } = await world();
    for (const [path, searchAt] of [
      ['/nope', '330000000000'],
      ['/units/330106002051/nothing', '330106002051'],
      ['/units/330199000000/gone', '330000000000'],
    ] as const) {
      const r = await call('$default', { path });
      expect(r.status, path).toBe(404);
      expect(r.headers['content-type'], path).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toContain("default-src 'none'");
      expect(r.body).toContain('<html lang="zh-CN"');
      expect(r.body).toContain('<h1>找不到这个页面</h1>');
      expect(r.body).toContain('<a href="/">返回首页</a>');
      expect(r.body, path).toContain(`<form class="search" method="get" action="/units/${searchAt}/services" role="search">`);
    }
    for (const path of ['/v1/nothing', '/v1']) {
      const r = await call('$default', { path });
      expect(r.status, path).toBe(404);
      expect(r.headers['content-type'], path).toBe('application/json; charset=utf-8');
      expect(JSON.parse(r.body)).toEqual({ error: { code: 'route_not_found', message: '没有这个接口', fields: [] } });
    }
  });

  it('the stylesheet is inline, admitted by its hash alone; the print one is served under its hash, cached for a year', async () => {
    const { call } = await world();
    const page = await call(...unitPage('330106000000'));
    const inline = /<style>([^<]*)<\/style>/.exec(page.body)![1]!;
    expect(inline).toBe(STYLES);
    expect(page.headers['content-security-policy']).toContain(`style-src 'self' 'sha256-${createHash('sha256').update(inline).digest('base64')}';`);
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.body).toContain(`<link rel="stylesheet" href="/assets/${PRINT_STYLES_FILE}" media="print">`);
    const css = await call('GET /assets/{file}', { params: { file: PRINT_STYLES_FILE } });
    expect(css.headers['cache-control']).toContain('immutable');
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.body).toMatch(/^@media print\{/);
    expect((await call('GET /assets/{file}', { params: { file: 'print.000000000000.css' } })).status).toBe(404);
  });

  it('preferences go back only to a page of this site, never elsewhere', async () => {
    const { call } = await world();
    for (const back of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'units']) {
      const r = await call('GET /prefs', { query: { lang: 'en', back } });
      expect(r.headers.location, back).toBe('/');
    }
    const r = await call('GET /prefs', { query: { mode: 'elder', back: '/units/330106000000' } });
    expect(r.headers.location).toBe('/units/330106000000');
    expect(r.cookies).toEqual([expect.stringMatching(/^mode=elder; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly; Secure$/)]);
  });

  it('sign-out needs the session’s CSRF token: without it the session stays, with it the session ends', async () => {
    const { deps, call } = await world();
    const set = await startSession(deps, CITIZEN, Math.floor(deps.now().getTime() / 1000) + 3600, true);
    expect(set).toMatch(/^__Host-sid=[\w-]+; Path=\/; Max-Age=3600; SameSite=Lax; HttpOnly; Secure$/);
    const cookies = [set.split(';')[0]!];
    const me = await call('GET /me', { cookies });
    expect(me.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(me.body)![1]!;

    const forged = await call('POST /sign-out', { cookies, form: 'csrf=forged' });
    expect(forged.status).toBe(403);
    expect((await call('GET /me', { cookies })).status).toBe(200);
    expect((await call('POST /sign-out', { cookies, form: '' })).status).toBe(403);

    const out = await call('POST /sign-out', { cookies, form: `csrf=${csrf}` });
    expect(out.status).toBe(303);
    expect(out.cookies).toEqual([expect.stringMatching(/^__Host-sid=; .*Max-Age=0/)]);
    expect((await call('GET /me', { cookies })).status).toBe(401);
  });

  it('a session past its expiry is no session, even while the store still holds it', async () => {
    let now = new Date('2026-03-02T01:00:00Z');
    const { deps: base } = await world();
    const deps = { ...base, now: () => now };
    const set = await startSession(deps, CITIZEN, Math.floor(now.getTime() / 1000) + 60, false);
    const handler = apiFunction(routes, { deps: async () => deps, errorReply });
    const me = async () => {
      const event = httpEvent({ routeKey: 'GET /me', headers: { host: '127.0.0.1:3000', 'x-forwarded-proto': 'http' } });
      event.cookies = [set.split(';')[0]!];
      return ((await handler(event, lambdaContext() as never)) as APIGatewayProxyStructuredResultV2).statusCode;
    };
    expect(await me()).toBe(200);
    now = new Date(now.getTime() + 61_000);
    expect(await me()).toBe(401);
  });
});
