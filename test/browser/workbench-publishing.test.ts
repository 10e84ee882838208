import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROVINCE, DEMO_PROVINCE_ADMIN } from '../../infra/local/demo';
import { apiAs, expectAccessible, scrollsSideways, staffAccount, staffAt, useBrowser, VIEWPORTS } from './browser';
import { WORLD } from './world';

/** Publishing and unit settings in the staff workbench, signed in through the local issuer's account chooser. */
// Many pages, each checked with axe, on a machine that may be busy: two minutes a journey at most.
describe('workbench publishing and settings in Chromium', { timeout: 120_000 }, () => {
  const b = useBrowser();
  const api = apiAs(b.url);
  const provinceAdmin = { sub: DEMO_PROVINCE_ADMIN, role: 'province-admin', unit: DEMO_PROVINCE };
  const countyClerk = { sub: `demo-staff-${WORLD.county}`, role: 'staff', unit: WORLD.county, dept: '区政府办公室' };
  const villageTitles = async () => (await api(undefined, 'GET', `/v1/units/${WORLD.village}/disclosure/documents`)).json.items.map((i: { title: string }) => i.title);

  beforeAll(async () => {
    await staffAccount(api, provinceAdmin, WORLD.county, '区政府办公室', { sub: countyClerk.sub, name: '西湖区工作人员' });
  });


  it('a county clerk writes, publishes, edits and withdraws a document that a village below lists while it is published', async () => {
    const clerk = await staffAt(b, '西湖区工作人员', VIEWPORTS.phone);
    await clerk.getByRole('link', { name: '政务公开' }).click();
    await expect.poll(() => clerk.locator('h1').textContent()).toBe('政务公开 · 西湖区');
    await expectAccessible(clerk);
    expect(await scrollsSideways(clerk)).toBe(false);

    await clerk.locator('#n-title').fill('西湖区关于公共文化设施开放时间的公告');
    await clerk.locator('#n-category').selectOption('policy');
    await clerk.locator('#n-body').fill('区图书馆、文化馆自即日起延长开放时间。');
    await clerk.getByRole('button', { name: '发布', exact: true }).click();
    await expect.poll(() => clerk.locator('#confirmation').textContent()).toMatch(/^已发布，索引号 330106000000\/\d{4}-\d{5}/);
    await expectAccessible(clerk);
    expect(await villageTitles()).toContain('西湖区关于公共文化设施开放时间的公告');

    // A second tab keeps the form of version 1 while the first saves version 2.
    const stale = await clerk.context().newPage();
    await stale.goto(clerk.url().split('?')[0]!);
    await clerk.locator('#e-title').fill('西湖区关于公共文化设施延长开放时间的公告');
    await clerk.getByRole('button', { name: '保存修改' }).click();
    await expect.poll(() => clerk.locator('#doc-version').textContent()).toBe('2');
    expect(await clerk.locator('#confirmation').textContent()).toContain('已保存为第 2 版');
    await expectAccessible(clerk);
    await stale.locator('#e-body').fill('另一处修改。');
    await stale.getByRole('button', { name: '保存修改' }).click();
    await expect.poll(() => stale.locator('#refusal').textContent()).toContain('刚刚被他人办理过');
    expect(await stale.locator('h1').textContent()).toBe('西湖区关于公共文化设施延长开放时间的公告');
    expect(await stale.locator('#yours-body').textContent()).toBe('另一处修改。');
    await expectAccessible(stale);
    expect(await villageTitles()).toContain('西湖区关于公共文化设施延长开放时间的公告');

    await clerk.getByRole('button', { name: '撤回' }).click();
    await expect.poll(() => clerk.locator('#withdraw-refusal').count()).toBe(1);
    expect(await clerk.locator('#doc-status').textContent()).toBe('已发布');
    await expectAccessible(clerk);
    await clerk.locator('#w-reason').fill('开放时间另行公告');
    await clerk.getByRole('button', { name: '撤回' }).click();
    await expect.poll(() => clerk.locator('#doc-status').textContent()).toBe('已撤回');
    expect(await clerk.locator('#doc-withdrawal').textContent()).toBe('开放时间另行公告');
    await expectAccessible(clerk);
    expect(await villageTitles()).not.toContain('西湖区关于公共文化设施延长开放时间的公告');
  });

  it('the stale list shows a draft whose publication deadline has passed, linked to where it is published', async () => {
    // Written months ago and still a draft: its Art. 26 deadline (20 working days) is behind it.
    const d = await api(countyClerk, 'POST', `/v1/units/${WORLD.county}/disclosure/documents`, {
      title: '西湖区2026年三季度统计公报',
      category: 'statistics',
      writtenOn: '2026-07-01',
      body: '三季度主要统计数据。',
      draft: true,
    });
    expect(d.status, JSON.stringify(d.json)).toBe(201);
    const clerk = await staffAt(b, '西湖区工作人员');
    await clerk.goto(`/work/documents/${WORLD.county}`);
    const row = clerk.locator('#stale tr[data-kind="draft"]', { hasText: '西湖区2026年三季度统计公报' });
    expect(await row.getAttribute('class')).toBe('due-late');
    expect(await row.locator('.tag').textContent()).toBe('已逾期');
    await expectAccessible(clerk);
    await row.getByRole('link', { name: '西湖区2026年三季度统计公报', exact: true }).click();
    await expect.poll(() => clerk.locator('#doc-status').textContent()).toBe('草稿');
    await clerk.getByRole('button', { name: '发布此草稿' }).click();
    await expect.poll(() => clerk.locator('#doc-facts').textContent()).toContain('逾期发布');
    await expectAccessible(clerk);
  });

  it('a unit admin sets a deadline, marked as set here, and the village below shows it inherited from the township', async () => {
    const admin = await staffAt(b, '北山街道管理员');
    await admin.getByRole('link', { name: '单位设置' }).click();
    await expectAccessible(admin);
    const row = admin.locator('#row-set-deadlines-badReview-rectify');
    await row.getByLabel(/差评整改期限/).fill('10');
    await row.getByRole('button', { name: '设定' }).click();
    await expect.poll(() => admin.locator('#saved').count()).toBe(1);
    expect(await row.locator('td.num').textContent()).toBe('10');
    expect(await row.locator('td[data-source]').getAttribute('data-source')).toBe('here');
    await expectAccessible(admin);

    await admin.goto(`/work/settings/${WORLD.village}`);
    const child = admin.locator('#row-set-deadlines-badReview-rectify');
    expect(await child.locator('td.num').textContent()).toBe('10');
    expect(await child.locator('td[data-source]').textContent()).toBe('继承自 北山街道');
    await expectAccessible(admin);
  });
});
