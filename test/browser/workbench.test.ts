import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROVINCE, DEMO_PROVINCE_ADMIN } from '../../infra/local/demo';
import { apiAs, expectAccessible, scrollsSideways, staffAccount, staffAt, useBrowser, VIEWPORTS } from './browser';
import { WORLD } from './world';

/** The staff workbench in Chromium, signed in through the local issuer's account chooser as each demo account. */
// Each journey waits for tier messages between units, on a machine that may be busy: a minute each at most.
describe('staff workbench in Chromium', { timeout: 60_000 }, () => {
  const b = useBrowser();
  const api = apiAs(b.url);
  const provinceAdmin = { sub: DEMO_PROVINCE_ADMIN, role: 'province-admin', unit: DEMO_PROVINCE };
  const cityAdmin = { sub: `demo-unit-admin-${WORLD.city}`, role: 'unit-admin', unit: WORLD.city };
  const townshipAdmin = { sub: `demo-unit-admin-${WORLD.township}`, role: 'unit-admin', unit: WORLD.township };

  beforeAll(async () => {
    // The demo accounts these journeys sign in as, made as the demo makes them (a second file finds them there).
    await staffAccount(api, townshipAdmin, WORLD.township, '综合办公室', { sub: `demo-staff-${WORLD.township}`, name: '北山街道工作人员' });
    const r = await api(provinceAdmin, 'POST', `/v1/units/${WORLD.village}/staff`, { sub: `demo-unit-admin-${WORLD.village}`, name: '上保社区管理员', role: 'unit-admin' });
    expect([201, 409], JSON.stringify(r.json)).toContain(r.status);
  });


  it('a township clerk signs a city notice, and the city sees the count change', async () => {
    const n = await api(cityAdmin, 'POST', `/v1/units/${WORLD.city}/notices`, { title: '关于做好冬季安全生产工作的通知', body: '请各单位认真落实。', levels: ['township'] });
    expect(n.status).toBe(201);
    const clerk = await staffAt(b, '北山街道工作人员', VIEWPORTS.phone);
    await clerk.getByRole('link', { name: '收件箱' }).click();
    await expectAccessible(clerk);
    expect(await scrollsSideways(clerk)).toBe(false);
    await clerk.getByRole('link', { name: '关于做好冬季安全生产工作的通知' }).click();
    await expectAccessible(clerk);
    await clerk.getByRole('button', { name: '签收' }).click();
    await expect.poll(() => clerk.locator('#ack-state').textContent()).toContain('已签收');
    await expectAccessible(clerk);

    const city = await staffAt(b, '杭州市管理员');
    const township = () => city.locator('tr[data-level="township"] td.num').textContent();
    // The count arrives with the tier message that the signature sends up: reload until it has.
    await expect
      .poll(async () => (await city.goto(`/work/sent/${n.json.id}`), township()), { timeout: 30_000, interval: 500 })
      .toBe('1');
    await expectAccessible(city);
  });

  it('a township assigns a task, the village completes it; a stale form shows the fresh state', async () => {
    const township = await staffAt(b, '北山街道管理员');
    await township.getByRole('link', { name: '收件箱' }).click();
    await township.locator('#a-title').fill('排查辖区老旧房屋');
    await township.locator('#a-body').fill('请于期限内完成排查并报告。');
    await township.getByLabel('上保社区').check();
    await township.getByRole('button', { name: '交办', exact: true }).click();
    await expect.poll(() => township.locator('h1').textContent()).toBe('排查辖区老旧房屋');
    await expectAccessible(township);
    const assignment = township.url();

    const village = await staffAt(b, '上保社区管理员');
    // The task arrives through the tier transport: it joins the worklist once delivered.
    await expect.poll(async () => (await village.reload(), village.getByRole('link', { name: '排查辖区老旧房屋' }).count()), { timeout: 30_000 }).toBe(1);
    await village.getByRole('link', { name: '排查辖区老旧房屋' }).click();
    await expectAccessible(village);
    // A second tab of the same clerk (or a colleague) still shows the form from before.
    const stale = await village.context().newPage();
    await stale.goto(village.url());
    await village.getByRole('button', { name: '签收' }).click();
    await expect.poll(() => village.locator('#case-status').textContent()).toBe('办理中');
    await stale.getByRole('button', { name: '签收' }).click();
    await expect.poll(() => stale.locator('#changed').textContent()).toContain('刚刚被他人办理过');
    expect(await stale.locator('#case-status').textContent()).toBe('办理中');
    await expectAccessible(stale);
    await village.getByRole('button', { name: '退回' }).click();
    await expect.poll(() => village.locator('#refusal-return').textContent()).toContain('请填写说明');
    await expectAccessible(village);
    await village.getByRole('button', { name: '办结' }).click();
    await expect.poll(() => village.locator('#case-status').textContent()).toBe('已办结');

    await expect
      .poll(async () => (await township.goto(assignment), township.locator(`tr[data-unit="${WORLD.village}"] td`).first().textContent()), { timeout: 30_000 })
      .toBe('已办结');
    await expectAccessible(township);
  });

  it('an admin imports a small division file and watches the progress reach 100 %', async () => {
    const admin = await staffAt(b, '省管理员 Province admin');
    await admin.goto(`/work/units/330106004000`);
    await expectAccessible(admin);
    const tree = [
      { code: '330106004011', name: '新建一村', level: 'village' },
      { code: '330106004012', name: '新建二村', level: 'village' },
    ];
    await admin.locator('#i-file').setInputFiles({ name: 'villages.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tree)) });
    await expect.poll(() => admin.locator('#i-tree').inputValue()).toContain('新建一村');
    await admin.getByRole('button', { name: '开始导入' }).click();
    await expect.poll(() => admin.locator('h1').textContent()).toBe('导入进度');
    await expectAccessible(admin);
    // The page reloads itself while the job runs.
    await expect.poll(() => admin.locator('#job-pct').textContent(), { timeout: 60_000, interval: 1000 }).toBe('100');
    expect(await admin.locator('#job-failed').textContent()).toBe('0');
    await admin.goto('/work/units/330106004000');
    expect(await admin.locator('#children').textContent()).toContain('新建二村');
  });

  it('the dashboard drills down from the province with sortable tables and a chart', async () => {
    const admin = await staffAt(b, '省管理员 Province admin');
    await admin.getByRole('link', { name: '统计看板' }).click();
    await expectAccessible(admin);
    await admin.getByRole('link', { name: '杭州市' }).click();
    await admin.getByRole('link', { name: '西湖区' }).click();
    await expect.poll(() => admin.locator('h1').textContent()).toContain('西湖区');
    await admin.getByRole('link', { name: /^受理/ }).click();
    expect(await admin.locator('th[aria-sort]').count()).toBe(1);
    await expectAccessible(admin);
    expect(await admin.locator('img.chart').evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  });
});
