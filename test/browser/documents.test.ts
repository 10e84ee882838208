import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROVINCE, DEMO_PROVINCE_ADMIN } from '../../infra/local/demo';
import { apiAs, expectAccessible, useBrowser, VIEWPORTS, visit } from './browser';
import { WORLD } from './world';

/** 政务公开 in Chromium: a province document read from a village's page, its one address and feed, and a request. */
describe('government information in Chromium', { timeout: 60_000 }, () => {
  const b = useBrowser();
  const api = apiAs(b.url);
  const provinceAdmin = { sub: DEMO_PROVINCE_ADMIN, role: 'province-admin', unit: DEMO_PROVINCE };
  const provinceStaff = { sub: `demo-staff-${DEMO_PROVINCE}`, role: 'staff', unit: DEMO_PROVINCE };
  const title = '浙江省关于推进数字乡村建设的实施意见';
  let published: { id: string; v: number };
  let withdrawn: { id: string };

  beforeAll(async () => {
    // The province's staff, as the demo makes staff: a department, then the person in it.
    const depts = await api(provinceAdmin, 'GET', `/v1/units/${DEMO_PROVINCE}/departments`);
    const deptId =
      depts.json.items.find((d: { name: string }) => d.name === '办公厅')?.id ??
      (await api(provinceAdmin, 'POST', `/v1/units/${DEMO_PROVINCE}/departments`, { name: '办公厅' })).json.id;
    const staff = await api(provinceAdmin, 'POST', `/v1/units/${DEMO_PROVINCE}/staff`, { sub: provinceStaff.sub, name: '省政府办公厅工作人员', role: 'staff', deptId });
    expect([201, 409], JSON.stringify(staff.json)).toContain(staff.status);
    const draft = await api(provinceStaff, 'POST', `/v1/units/${DEMO_PROVINCE}/disclosure/documents`, {
      title,
      category: 'policy',
      docNumber: '浙政发〔2026〕5号',
      subjects: ['数字乡村'],
      writtenOn: '2026-01-15',
      body: '各市、县（市、区）人民政府：为加快数字乡村建设，提出如下意见。一、完善乡村信息基础设施。二、推进涉农服务事项线上办理。',
      draft: true,
    });
    expect(draft.status, JSON.stringify(draft.json)).toBe(201);
    const done = await api(provinceStaff, 'POST', `/v1/units/${DEMO_PROVINCE}/disclosure/documents/${draft.json.id}/publication`, { v: draft.json.v });
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    published = done.json;
    const old = await api(provinceStaff, 'POST', `/v1/units/${DEMO_PROVINCE}/disclosure/documents`, {
      title: '关于2025年冬季农田水利建设的通知',
      category: 'other',
      writtenOn: '2026-01-05',
      body: '冬季农田水利建设事项已于春季结束。',
    });
    const gone = await api(provinceStaff, 'POST', `/v1/units/${DEMO_PROVINCE}/disclosure/documents/${old.json.id}/withdrawal`, { v: old.json.v, reason: '已过时' });
    expect(gone.status, JSON.stringify(gone.json)).toBe(200);
    withdrawn = old.json;
  });

  it("from 上保社区's page, finds the province's document, opens it at its one address and follows the Atom feed", async () => {
    const page = await b.open(`/units/${WORLD.village}`, VIEWPORTS.phone);
    const feedHref = await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href');
    expect(feedHref).toBe(`/v1/units/${WORLD.village}/disclosure/feed`);
    expect(await page.locator('#documents + ul.items').textContent()).toContain(title);

    await page.getByRole('link', { name: '全部公开文件' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('上保社区 · 政府信息公开');
    await expectAccessible(page);
    await page.getByLabel('关键词').fill('数字乡村');
    await page.getByLabel('类别').selectOption('policy');
    await page.getByRole('button', { name: '检索' }).click();
    await expect.poll(() => page.locator('[role=status]').textContent()).toBe('找到 1 份文件');
    // The words as the search split them, each marked.
    expect(new Set(await page.locator('main mark').allTextContents())).toEqual(new Set(['数字', '乡村']));
    expect(new URL(page.url()).search).toContain('category=policy');
    await expectAccessible(page);

    await page.getByRole('link', { name: title }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(title);
    const address = `${b.url}/documents/${DEMO_PROVINCE}/${published.id}`;
    expect(page.url()).toBe(address);
    expect(await page.locator('link[rel="canonical"]').getAttribute('href')).toBe(address);
    expect(await page.locator('main').textContent()).toContain('浙政发〔2026〕5号');
    await expectAccessible(page);
    // The same address from the county's page: one page for the document, whichever unit lists it.
    const county = await b.open(`/units/${WORLD.county}`, VIEWPORTS.desktop);
    expect(await county.getByRole('link', { name: title }).getAttribute('href')).toBe(`/documents/${DEMO_PROVINCE}/${published.id}`);

    await page.goBack();
    await page.goBack();
    await page.getByRole('link', { name: '订阅（Atom）' }).first().scrollIntoViewIfNeeded();
    const feed = await page.request.get((await page.getByRole('link', { name: '订阅（Atom）' }).first().getAttribute('href'))!);
    expect(feed.status()).toBe(200);
    expect(feed.headers()['content-type']).toContain('application/atom+xml');
    const atom = await feed.text();
    expect(atom).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(atom).toContain(title);
    // Its entry opens the same one page.
    expect(atom).toContain(`href="${address}"`);
  });

  it('a withdrawn document says so and when, with 410; an unknown one is a 404 page', async () => {
    const page = await b.open(undefined, VIEWPORTS.narrow);
    await visit(page, `/documents/${DEMO_PROVINCE}/${withdrawn.id}`, 410);
    expect(await page.locator('h1').textContent()).toBe('该文件已撤回');
    expect(await page.locator('main .panel').textContent()).toMatch(/^浙江省已于 \d{4}-\d{2}-\d{2} 撤回该文件/);
    await visit(page, `/documents/${DEMO_PROVINCE}/01JAAAAAAAAAAAAAAAAAAAAAAA`, 404);
  });

  it('a resident requests information from the village: sign in, mistakes shown at their fields, confirmation, then on /me', async () => {
    const page = await b.open(`/units/${WORLD.village}`, VIEWPORTS.phone);
    await page.getByRole('link', { name: '申请政府信息公开' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('请先登录');
    await expectAccessible(page);
    await page.getByRole('main').getByRole('link', { name: '登录' }).click();
    await page.getByRole('button', { name: /演示居民/ }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('向上保社区申请政府信息公开');
    await expectAccessible(page);

    await page.getByLabel('所需信息名称').fill('上保社区2025年度集体资产收支情况');
    await page.getByRole('button', { name: '提交申请' }).click();
    await expect.poll(() => page.locator('.errors').isVisible()).toBe(true);
    expect(await page.locator('#req-description-error').isVisible()).toBe(true);
    expect(await page.getByLabel('所需信息名称').inputValue()).toBe('上保社区2025年度集体资产收支情况');
    await expectAccessible(page);

    await page.getByLabel('所需信息的描述及用途').fill('了解集体资产收支，用于村务监督');
    await page.getByRole('button', { name: '提交申请' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('申请已提交');
    const ref = (await page.locator('.panel strong').textContent())!;
    expect(ref).toMatch(/^[0-9A-Z]{26}$/);
    const main = (await page.locator('main').textContent())!;
    expect(main).toContain('答复期限');
    expect(main).toContain('20 个工作日');
    expect(main).toContain('接下来');
    await expectAccessible(page);

    await page.getByRole('main').getByRole('link', { name: '我的账户' }).click();
    await expect.poll(() => page.locator('#my-requests').isVisible()).toBe(true);
    expect(await page.locator('main').textContent()).toContain(ref);
    await expectAccessible(page);
  });
});
