import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROVINCE, DEMO_PROVINCE_ADMIN } from '../../infra/local/demo';
import { expectAccessible, scrollsSideways, useBrowser, VIEWPORTS, visit } from './browser';
import { WORLD } from './world';

/**
 * A resident writes a complaint at 上保社区 with the keyboard alone, the community's staff answer it through the API,
 * and the resident reads the reply and rates it. The tier messages that count it run on the local runtime's pollers.
 */
// Six pages checked with axe and the tier messages waited for, on a machine that may be busy: two minutes at most.
describe('a complaint and its reply in Chromium', { timeout: 120_000 }, () => {
  const b = useBrowser();
  type Who = { sub: string; role: string; unit: string };
  const api = async (who: Who, method: string, path: string, body?: unknown) => {
    const t = await fetch(`${b.url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
    const { token } = (await t.json()) as { token: string };
    const res = await fetch(`${b.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const provinceAdmin = { sub: DEMO_PROVINCE_ADMIN, role: 'province-admin', unit: DEMO_PROVINCE };
  const office = { sub: `demo-unit-admin-${WORLD.village}`, role: 'unit-admin', unit: WORLD.village };
  const clerk = { sub: `demo-staff-${WORLD.village}`, role: 'staff', unit: WORLD.village };
  let dept = '';

  beforeAll(async () => {
    // The community's people as the demo makes them: its admin dispatches, a clerk of its office answers.
    const depts = await api(provinceAdmin, 'GET', `/v1/units/${WORLD.village}/departments`);
    dept =
      depts.json.items.find((d: { name: string }) => d.name === '村（居）务办公室')?.id ??
      (await api(provinceAdmin, 'POST', `/v1/units/${WORLD.village}/departments`, { name: '村（居）务办公室' })).json.id;
    for (const body of [
      { sub: office.sub, name: '上保社区管理员', role: 'unit-admin' },
      { sub: clerk.sub, name: '上保社区工作人员', role: 'staff', deptId: dept },
    ]) {
      const r = await api(provinceAdmin, 'POST', `/v1/units/${WORLD.village}/staff`, body);
      expect([201, 409], JSON.stringify(r.json)).toContain(r.status);
    }
  });

  /** Presses Tab until the focused element has this id or this text (the keyboard's way to a control). */
  async function tabTo(page: Page, target: string) {
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate<{ id: string; text: string }>(
        "(() => { const e = document.activeElement; return { id: e?.id ?? '', text: (e?.textContent ?? '').trim() }; })()",
      );
      if (at.id === target || at.text === target || at.text.startsWith(`${target} `)) return;
    }
    throw new Error(`Tab never reached ${target}`);
  }

  async function loaded(page: Page, h1: string | RegExp) {
    await page.waitForLoadState();
    await expect.poll(() => page.locator('h1').first().textContent()).toMatch(h1);
    await expectAccessible(page);
  }

  it('a resident files a complaint by keyboard, sees the reference, then the reply, and rates it', async () => {
    const page = await b.open(`/units/${WORLD.village}`, VIEWPORTS.phone);
    await tabTo(page, '我要投诉/建议');
    await page.keyboard.press('Enter');
    await loaded(page, '请先登录');
    await tabTo(page, '登录');
    // Off to the identity provider (locally the issuer's account chooser): wait until it is there.
    await Promise.all([page.waitForURL(/\/local\/authorize/), page.keyboard.press('Enter')]);
    await tabTo(page, '演示居民 Demo resident');
    await page.keyboard.press('Enter');
    await loaded(page, '投诉、建议和咨询');

    // Kind and category chosen with the arrow keys (投诉, 环境卫生), the details forgotten: refused, all kept.
    await tabTo(page, 'type-0');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'category-0');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'address');
    await page.keyboard.type('上保社区12幢楼下');
    await tabTo(page, '提交');
    await page.keyboard.press('Enter');
    await loaded(page, '投诉、建议和咨询');
    expect(await page.locator('#text-error').isVisible()).toBe(true);
    expect(await page.locator('#address').inputValue()).toBe('上保社区12幢楼下');
    expect(await page.locator('#type-2').isChecked()).toBe(true);
    expect(await page.locator('#category-2').isChecked()).toBe(true);

    await tabTo(page, 'text');
    await page.keyboard.type('12幢楼下的垃圾桶三天没有清运，气味很大。');
    await tabTo(page, '提交');
    await page.keyboard.press('Enter');
    await loaded(page, '已提交');
    const ref = (await page.locator('#ref').textContent())!;
    expect(ref).toMatch(/^[0-9A-Z]{26}$/);
    const main = (await page.locator('main').textContent())!;
    expect(main).toMatch(/受理期限：\d{4}-\d\d-\d\d/);
    expect(main).toContain('接下来');
    const path = new URL(page.url()).pathname;
    expect(path).toBe(`/me/tickets/${WORLD.village}/${ref}`);

    // The community takes it up, its office answers, and its admin calls back.
    for (const [who, step] of [
      [office, { action: 'accept' }],
      [office, { action: 'dispatch', to: { dept } }],
      [clerk, { action: 'sign' }],
      [clerk, { action: 'answer', note: '已联系保洁公司，今天下午清运完毕，今后每天清运一次。' }],
      [office, { action: 'callback', note: '电话回访，居民确认已清运' }],
    ] as const) {
      const r = await api(who, 'POST', `/v1/units/${WORLD.village}/tickets/${ref}/actions`, step);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    }

    await visit(page, path);
    expect(await page.locator('main').textContent()).toContain('今天下午清运完毕');
    expect(await page.locator('#status').textContent()).toBe('已回访，待评价');
    await tabTo(page, 'level-5');
    await page.keyboard.press('Space');
    await tabTo(page, 'comment');
    await page.keyboard.type('处理及时');
    await tabTo(page, '提交评价');
    await page.keyboard.press('Enter');
    await loaded(page, /垃圾桶/);
    expect(await page.locator('main').textContent()).toContain('感谢您的评价');
    expect(await page.locator('main').textContent()).toContain('非常满意：处理及时');

    // Under "my account", beside the cases.
    await visit(page, '/me');
    expect(await page.locator('#my-tickets + ul').textContent()).toContain('已评价');

    // At 320 px nothing scrolls sideways: the unit's page with its record, the form, the ticket.
    const narrow = await b.open(undefined, VIEWPORTS.narrow);
    await narrow.context().addCookies(await page.context().cookies());
    for (const p of [`/units/${WORLD.village}`, `/units/${WORLD.village}/tickets/new`, path]) {
      await visit(narrow, p);
      expect(await scrollsSideways(narrow), p).toBe(false);
    }
    // The community's interaction record counts it once the tier messages have run.
    await expect
      .poll(async () => (await narrow.goto(`/units/${WORLD.village}`), narrow.locator('#record tbody tr').first().locator('td').nth(1).textContent()), { timeout: 30_000, interval: 500 })
      .not.toBe('0');
  });
});
