import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROVINCE, DEMO_PROVINCE_ADMIN } from '../../infra/local/demo';
import { expectAccessible, signIn, useBrowser, VIEWPORTS } from './browser';
import { WORLD } from './world';

/** Cases worked on the staff workbench in Chromium: an application through its 补正, a province notice signed below. */
// Each journey waits for tier messages or walks many pages with axe, on a machine that may be busy: two minutes at most.
describe('workbench cases in Chromium', { timeout: 120_000 }, () => {
  const b = useBrowser();
  const api = async (who: { sub: string; role: string; unit: string }, method: string, path: string, body?: unknown) => {
    const t = await fetch(`${b.url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
    const { token } = (await t.json()) as { token: string };
    const res = await fetch(`${b.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const resident = { sub: 'browser-resident-cases', role: 'citizen', unit: WORLD.village };
  const provinceAdmin = { sub: DEMO_PROVINCE_ADMIN, role: 'province-admin', unit: DEMO_PROVINCE };
  const townshipAdmin = { sub: `demo-unit-admin-${WORLD.township}`, role: 'unit-admin', unit: WORLD.township };

  beforeAll(async () => {
    // The township's clerk in 综合办公室, the department that handles the township's adopted items, and the village's
    // admin, as the demo makes them (another file of the run may have made them already).
    const depts = await api(townshipAdmin, 'GET', `/v1/units/${WORLD.township}/departments`);
    const deptId = depts.json.items.find((d: { name: string }) => d.name === '综合办公室')?.id;
    expect(deptId, JSON.stringify(depts.json)).toBeTruthy();
    for (const [by, unit, body] of [
      [townshipAdmin, WORLD.township, { sub: `demo-staff-${WORLD.township}`, name: '北山街道工作人员', role: 'staff', deptId }],
      [provinceAdmin, WORLD.village, { sub: `demo-unit-admin-${WORLD.village}`, name: '上保社区管理员', role: 'unit-admin' }],
    ] as const) {
      const r = await api(by, 'POST', `/v1/units/${unit}/staff`, body);
      expect([201, 409], JSON.stringify(r.json)).toContain(r.status);
    }
  });

  /** A fresh browser, signed in at the workbench as `label`. */
  async function staffAt(label: string, viewport: { width: number; height: number } = VIEWPORTS.desktop): Promise<Page> {
    const page = await b.open(undefined, viewport);
    expect((await page.goto('/work'))?.status()).toBe(401);
    await signIn(page, label);
    await expect.poll(() => page.locator('h1').textContent()).toBe('待办');
    await expectAccessible(page);
    return page;
  }

  it('a township clerk works an application from the worklist through a 补正 to completion', async () => {
    const applied = await api(resident, 'POST', `/v1/units/${WORLD.township}/applications`, {
      definer: DEMO_PROVINCE,
      item: '330000-SV-012',
      form: { applicantName: '赵晓雨', phone: '13800000001', address: '保俶路' },
      applicant: { name: '赵晓雨', idNumber: '11010519491231002X', phone: '13800000001' },
    });
    expect(applied.status, JSON.stringify(applied.json)).toBe(201);
    const { id, ref } = applied.json as { id: string; ref: string };
    const href = `/work/applications/${WORLD.township}/${id}`;
    const status = (p: Page) => p.locator('#case-status').textContent();

    const clerk = await staffAt('北山街道工作人员');
    await clerk.locator(`a[href="${href}"]`).click();
    await expect.poll(() => status(clerk)).toBe('待受理');
    expect(await clerk.locator('main').textContent()).toContain(ref);
    await expectAccessible(clerk);

    // The 补正 without saying what is missing: the API's message beside the field, nothing changed.
    await clerk.locator('#reason-request-supplement').fill('租赁合同未上传');
    await clerk.getByRole('button', { name: '一次性告知补正' }).click();
    await expect.poll(() => clerk.locator('#refusal-request-supplement').count()).toBe(1);
    expect(await status(clerk)).toBe('待受理');
    expect(await clerk.locator('#reason-request-supplement').inputValue()).toBe('租赁合同未上传');
    await expectAccessible(clerk);
    await clerk.locator('#missing-request-supplement').fill('租赁合同\n租住地址');
    await clerk.getByRole('button', { name: '一次性告知补正' }).click();
    await expect.poll(() => status(clerk)).toBe('待补正');
    expect(await clerk.locator('main').textContent()).toContain('租赁合同');
    await expectAccessible(clerk);
    // While the clock stands still the application is off the worklist, and no step is offered.
    expect(await clerk.getByRole('heading', { name: '下一步' }).count()).toBe(0);
    await clerk.goto('/work');
    expect(await clerk.locator(`a[href="${href}"]`).count()).toBe(0);

    const supplemented = await api(resident, 'POST', `/v1/units/${WORLD.township}/applications/${id}/supplement`, {
      form: { address: '杭州市西湖区北山街道保俶路 1 号' },
      note: '已补全租住地址，附租赁合同',
    });
    expect(supplemented.status, JSON.stringify(supplemented.json)).toBe(200);

    await clerk.reload();
    await clerk.locator(`a[href="${href}"]`).click();
    await expect.poll(() => status(clerk)).toBe('待受理');
    expect(await clerk.locator('main').textContent()).toContain('杭州市西湖区北山街道保俶路 1 号');
    await expectAccessible(clerk);
    for (const [button, reason, after] of [
      ['受理', '材料齐全', '已受理'],
      ['审查', '进入审查', '审查中'],
      ['准予', '符合提取条件', '准予'],
      ['办结', '已办结，结果已送达', '已办结'],
    ] as const) {
      const form = clerk.locator('form', { has: clerk.getByRole('button', { name: button, exact: true }) });
      await form.locator('textarea[name="reason"]').fill(reason);
      await form.getByRole('button', { name: button, exact: true }).click();
      await expect.poll(() => status(clerk)).toBe(after);
      await expectAccessible(clerk);
    }
    await clerk.goto('/work');
    expect(await clerk.locator(`a[href="${href}"]`).count()).toBe(0);
    const done = await api(resident, 'GET', `/v1/units/${WORLD.township}/applications/${id}`);
    expect(done.json.status).toBe('completed');
  });

  it('a village signs a province notice, and the province sees the village count change', async () => {
    const n = await api(provinceAdmin, 'POST', `/v1/units/${DEMO_PROVINCE}/notices`, {
      title: '关于开展村（社区）消防安全大排查的通知',
      body: '请各村（社区）于月底前完成排查。',
      levels: ['village'],
    });
    expect(n.status, JSON.stringify(n.json)).toBe(201);
    const province = await staffAt('省管理员 Province admin');
    const villages = () => province.locator('tr[data-level="village"] td.num').textContent();
    await province.goto(`/work/sent/${n.json.id}`);
    await expectAccessible(province);
    const before = Number(await villages());

    const village = await staffAt('上保社区管理员', VIEWPORTS.phone);
    await village.getByRole('link', { name: '收件箱' }).click();
    await expectAccessible(village);
    // The notice comes down through the city, county and township: it is in the inbox once delivered.
    const notice = village.getByRole('link', { name: '关于开展村（社区）消防安全大排查的通知' });
    await expect.poll(async () => (await village.reload(), notice.count()), { timeout: 60_000, interval: 1000 }).toBe(1);
    await notice.click();
    await expectAccessible(village);
    await village.getByRole('button', { name: '签收' }).click();
    await expect.poll(() => village.locator('#ack-state').textContent()).toContain('已签收');
    await expectAccessible(village);

    // The count comes up with the tier messages of the signature: reload until it has.
    await expect
      .poll(async () => (await province.goto(`/work/sent/${n.json.id}`), Number(await villages())), { timeout: 60_000, interval: 1000 })
      .toBe(before + 1);
    await expectAccessible(province);
  });
});
