import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDisclosure } from '../../infra/local/demo-disclosure';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { bootstrapProvince } from '../../tenants/people';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import type { Role } from '../../shared/roles';

/**
 * The demo's 政务公开 on the local runtime, over the emulators: the branch 浙江省 › 杭州市 › 西湖区 › 北山街道 ›
 * 上保社区 with the demo's accounts, then the demo's documents and requests through the API; a document the
 * province published shows on the county's and the village's pages without a copy, search finds it in Chinese, a
 * feed reader reads the village's feed.
 */
describe('政务公开 on the local runtime', () => {
  let dataDir: string;
  let rt: LocalRuntime;
  const PROVINCE = '330000000000';
  const COUNTY = '330106000000';
  const TOWNSHIP = '330106002000';
  const VILLAGE = '330106002051';
  const token = async (role: Role, unit: string) => (await rt.issuer.issue({ sub: `demo-${role}-${unit}`, role, unit })).token;
  const get = async (path: string, auth?: string) => {
    const res = await fetch(`${rt.url}${path}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };
  const json = async (path: string, auth?: string) => JSON.parse((await get(path, auth)).text);
  const post = async (path: string, body: unknown, auth: string) => {
    const res = await fetch(`${rt.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return res.json();
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'govtiers-disclosure-'));
    rt = await startLocalRuntime({ dataDir, port: 0, polling: 'manual', log: () => {} });
    await bootstrapProvince(await depsFromEnv(), 'operator:test', PROVINCE, '浙江省', `demo-province-admin-${PROVINCE}`);
    const admin = await token('province-admin', PROVINCE);
    for (const [code, name] of [['330100000000', '杭州市'], [COUNTY, '西湖区'], [TOWNSHIP, '北山街道'], [VILLAGE, '上保社区']]) {
      await post('/v1/units', { code, name }, admin);
    }
    const dept = (await post(`/v1/units/${TOWNSHIP}/departments`, { name: '综合办公室' }, admin)) as { id: string };
    for (const [role, unit] of [['unit-admin', '330100000000'], ['staff', TOWNSHIP], ['unit-admin', VILLAGE]] as const) {
      await post(`/v1/units/${unit}/staff`, { sub: `demo-${role}-${unit}`, name: '演示账号', role, ...(role === 'staff' ? { deptId: dept.id } : {}) }, admin);
    }
    const problems: string[] = [];
    await seedDisclosure({ url: rt.url, token, bootstrap: async () => {}, log: (l) => l.includes('skipped') && problems.push(l) });
    expect(problems).toEqual([]);
  }, 180_000);
  afterAll(async () => {
    await rt?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the province’s document on a county’s and a village’s pages, stored once', async () => {
    const title = '关于做好2026年春季农业生产工作的通知';
    const county = await json(`/v1/units/${COUNTY}/disclosure/documents?limit=100`);
    const village = await json(`/v1/units/${VILLAGE}/disclosure/documents?limit=100`);
    const doc = village.items.find((i: { title: string }) => i.title === title);
    expect(doc).toMatchObject({ issuer: PROVINCE });
    expect(county.items.find((i: { title: string }) => i.title === title)).toMatchObject({ id: doc.id, issuer: PROVINCE });
    // The village's own documents are there too; the province's budget (its own page only) is not.
    expect(village.items.map((i: { title: string }) => i.title)).toContain('上保社区2026年一季度财务收支公开');
    expect(village.items.map((i: { title: string }) => i.title)).not.toContain('浙江省2026年省级一般公共预算草案');
    const full = await json(`/v1/units/${PROVINCE}/disclosure/documents/${doc.id}`);
    expect(full.indexNo).toMatch(/^330000000000\/\d{4}-\d{5}$/);
    // The township's republication is a reference to it.
    const township = await json(`/v1/units/${TOWNSHIP}/disclosure/documents?limit=100`);
    const again = township.items.find((i: { title: string }) => i.title.startsWith('转发'));
    expect((await json(`/v1/units/${TOWNSHIP}/disclosure/documents/${again.id}`)).original).toEqual({ issuer: PROVINCE, id: doc.id });
  });

  it('finds it by a Chinese search from the village, with the match marked', async () => {
    const r = await json(`/v1/units/${VILLAGE}/disclosure/search?q=${encodeURIComponent('春耕备耕')}`);
    expect(r.items[0]).toMatchObject({ unit: PROVINCE, kind: 'doc' });
    expect(r.items[0].snippet).toContain('<mark>');
  });

  it('serves the village’s Atom feed to a feed reader', async () => {
    const res = await get(`/v1/units/${VILLAGE}/disclosure/feed`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/atom+xml');
    const feed = await new Parser().parseString(res.text);
    expect(feed.items.length).toBeGreaterThan(5);
    expect(feed.items.map((i) => i.title)).toContain('关于做好2026年春季农业生产工作的通知（浙政办发〔2026〕3号）');
    // Each entry links to the document's one page on the site, not to the API.
    expect(feed.items[0]!.link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/documents/\\d{12}/[0-9A-Z]{26}$`));
  });

  it('has stale columns, late drafts and requests in every state', async () => {
    const staff = await token('staff', TOWNSHIP);
    const f = await json(`/v1/units/${TOWNSHIP}/disclosure/freshness`, staff);
    expect(f.columns.map((c: { category: string; state: string }) => [c.category, c.state])).toContainEqual(['statistics', 'overdue']);
    expect(f.drafts.map((d: { state: string }) => d.state)).toContain('overdue');
    const report = await json(`/v1/units/${TOWNSHIP}/disclosure/annual-report?year=${new Date().getFullYear()}`, staff);
    expect(report.requests.received).toBeGreaterThanOrEqual(9);
    expect(report.requests.replies).toMatchObject({ published: 1, registration: 1, withheld: 1, 'not-responsible': 1 });
  });
});
