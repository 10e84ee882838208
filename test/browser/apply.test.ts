import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiAs, expectAccessible, signIn, useBrowser, VIEWPORTS, visit } from './browser';
import { WORLD } from './world';

describe('applying for a service in Chromium', { timeout: 120_000 }, () => {
  const b = useBrowser();

  it('a resident finds a service for a new baby, applies (mistakes first), gets a reference number and follows the case', async () => {
    const page = await b.open(`/units/${WORLD.village}`, VIEWPORTS.phone);
    await page.getByRole('link', { name: '出生', exact: true }).click();
    await page.getByRole('link', { name: '出生医学证明签发' }).click();
    await page.getByRole('link', { name: '在线申请' }).click();
    // Not signed in: sign-in first, then back to the form.
    await expect.poll(() => page.locator('h1').textContent()).toBe('请先登录');
    await expectAccessible(page);
    await page.getByRole('main').getByRole('link', { name: '登录' }).click();
    await page.getByRole('button', { name: /演示居民/ }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('在线申请');
    await expectAccessible(page);

    // Keyboard only: the first fields, then send with mistakes.
    await page.locator('#applicant-name').focus();
    await page.keyboard.type('王小明');
    await page.keyboard.press('Tab');
    await page.keyboard.type('110105194912310021');
    await page.keyboard.press('Tab');
    await page.keyboard.type('12345');
    await page.getByRole('button', { name: '提交申请' }).press('Enter');
    await expect.poll(() => page.locator('.errors').isVisible()).toBe(true);
    expect(await page.locator('#applicant-idNumber-error').textContent()).toContain('身份证号码无效');
    expect(await page.locator('#applicant-phone-error').isVisible()).toBe(true);
    expect(await page.locator('#form-babyName-error').isVisible()).toBe(true);
    // What was typed is kept.
    expect(await page.locator('#applicant-name').inputValue()).toBe('王小明');
    await expectAccessible(page);

    await page.locator('#applicant-idNumber').fill('11010519491231002X');
    await page.locator('#applicant-phone').fill('13800000000');
    await page.locator('#form-applicantName').fill('王小明');
    await page.locator('#form-phone').fill('13800000000');
    await page.locator('#form-babyName').fill('王小宝');
    await page.locator('#form-birthDate').fill('2026-02-20');
    await page.getByLabel('杭州市妇产科医院').check();
    await page.getByRole('button', { name: '提交申请' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('申请已提交');
    const ref = (await page.locator('.panel strong').textContent())!;
    expect(ref).toMatch(/^\d{12}-\d{6}-[0-9A-Z]{6}$/);
    expect(await page.locator('main').textContent()).toContain('接下来');
    await expectAccessible(page);

    await page.getByRole('main').getByRole('link', { name: '我的办件' }).click();
    await expect.poll(() => page.locator('#mine').isVisible()).toBe(true);
    expect(await page.locator('main').textContent()).toContain(ref);
    await expectAccessible(page);

    // Anyone with the number and the name sees the progress, masked.
    const other = await b.open(`/progress?ref=${encodeURIComponent(ref)}&name=${encodeURIComponent('王小明')}`);
    expect(await other.locator('#result').textContent()).toBe('出生医学证明签发');
    expect(await other.locator('main').textContent()).toContain('王**');
  });
});

/** A small PDF, as a scanner would save one: big enough that the upload reports progress along the way. */
const SCAN = Buffer.from(`%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n%${'0'.repeat(64 * 1024)}\ntrailer <</Root 1 0 R>>\n%%EOF\n`);

/** Presses Tab until the focused element is `selector` (keyboard only: no click, no programmatic focus). */
async function tabTo(page: Page, selector: string, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.locator(selector).first().evaluate((el: any) => el === el.ownerDocument.activeElement)) return;
  }
  throw new Error(`Tab never reached ${selector} on ${page.url()}`);
}

/** Follows a link or presses a button by keyboard: Tab to it, then Enter; waits for the next page. */
async function enter(page: Page, selector: string) {
  await tabTo(page, selector);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await expectAccessible(page);
}

describe('a new baby, start to end, in Chromium', { timeout: 120_000 }, () => {
  const b = useBrowser();
  const api = apiAs(b.url);

  /** A clerk of the department handling the case (made as a unit admin would, once), and their steps through the API. */
  async function clerkFor(unit: string, id: string) {
    const admin = { sub: `demo-unit-admin-${unit}`, role: 'unit-admin', unit };
    const c = await api(admin, 'GET', `/v1/units/${unit}/applications/${id}`);
    expect(c.status, JSON.stringify(c.json)).toBe(200);
    const clerk = { sub: `journey-clerk-${c.json.dept}`, role: 'staff', unit };
    const made = await api(admin, 'POST', `/v1/units/${unit}/staff`, { sub: clerk.sub, name: '窗口工作人员', role: 'staff', deptId: c.json.dept });
    expect([201, 409], JSON.stringify(made.json)).toContain(made.status);
    return async (action: string, extra: Record<string, unknown> = {}) => {
      const r = await api(clerk, 'POST', `/v1/units/${unit}/applications/${id}/steps`, { action, reason: `${action}：已核实`, ...extra });
      expect(r.status, `${action}: ${JSON.stringify(r.json)}`).toBe(200);
    };
  }

  it('finds the service by life event and applies by keyboard alone; answers a 补正 and rates the completed case in the page', async () => {
    const page = await b.open(`/units/${WORLD.village}`, VIEWPORTS.phone);
    await enter(page, 'a:text-is("出生")');
    await enter(page, 'a:text-is("出生医学证明签发")');
    await enter(page, 'main a:text-is("在线申请")');
    expect(await page.locator('h1').textContent()).toBe('请先登录');
    await enter(page, 'main a:text-is("登录")');
    await tabTo(page, 'button:has-text("演示居民")');
    await Promise.all([page.waitForURL(/\/apply$/), page.keyboard.press('Enter')]);
    await expectAccessible(page);
    expect(await page.locator('h1').textContent()).toContain('在线申请');

    // A mistake first: the page's own check stops the form and says what the server would.
    await tabTo(page, '#applicant-name');
    await page.keyboard.type('王小明');
    await page.keyboard.press('Tab');
    await page.keyboard.type('11010519491231002X');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1380000000');
    await tabTo(page, 'main button[type=submit]');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#applicant-phone-error').textContent()).toBe('格式不正确');
    expect(page.url()).toMatch(/\/apply$/);
    expect(await page.evaluate<string>('document.activeElement?.className')).toBe('errors');
    await expectAccessible(page);

    // Tab selects what the field holds: End, then the digit that was missing.
    await tabTo(page, '#applicant-phone');
    await page.keyboard.press('End');
    await page.keyboard.type('0');
    await tabTo(page, '#form-applicantName');
    await page.keyboard.type('王小明');
    await page.keyboard.press('Tab');
    await page.keyboard.type('13800000000');
    await page.keyboard.press('Tab');
    await page.keyboard.type('王小宝');
    await page.keyboard.press('Tab');
    // Chromium's date field, in the browser's own locale here: month, day, year.
    await page.keyboard.type('02202026');
    expect(await page.locator('#form-birthDate').inputValue()).toBe('2026-02-20');
    // Into the hospitals: Tab reaches the first, Space chooses it.
    await tabTo(page, '#form-hospital-0');
    await page.keyboard.press('Space');
    expect(await page.locator('#form-hospital-0').isChecked()).toBe(true);
    // A scan of the first material, straight to the bucket (a file chooser is the browser's own, so it is given the file).
    expect(await page.locator('.no-script').isVisible()).toBe(false);
    await page.locator('#attachments-0').setInputFiles({ name: '父母双方身份证.pdf', mimeType: 'application/pdf', buffer: SCAN });
    await expect.poll(() => page.locator('#attachments-0-status').textContent(), { timeout: 20_000 }).toBe('已上传：父母双方身份证.pdf');
    expect(await page.locator('#attachments-0-progress').evaluate((el: any) => el.value)).toBe(100);
    expect(JSON.parse(await page.locator('input[name="attachments.0"]').inputValue())).toMatchObject({ name: '父母双方身份证.pdf', size: SCAN.length });
    await expectAccessible(page);
    await tabTo(page, 'main button[type=submit]');
    await Promise.all([page.waitForURL(/\/me\/applications\//), page.keyboard.press('Enter')]);
    await expectAccessible(page);
    expect(await page.locator('h1').textContent()).toBe('申请已提交');
    expect(await page.locator('ul.attached').textContent()).toContain('父母双方身份证.pdf');
    const ref = (await page.locator('.panel strong').textContent())!;
    const [, unit, id] = /\/me\/applications\/(\d{12})\/(\w+)/.exec(page.url())!;

    // Staff ask for more through the API; the applicant sees what and why, and answers in the page.
    const step = await clerkFor(unit!, id!);
    await step('request-supplement', { missing: ['新生儿姓名与出生医学证明不一致'], reason: '请核对新生儿姓名' });
    await visit(page, `/me/applications/${unit}/${id}`);
    expect(await page.locator('#needed').isVisible()).toBe(true);
    expect(await page.locator('main').textContent()).toContain('请核对新生儿姓名');
    expect(await page.locator('#form-babyName').inputValue()).toBe('王小宝');
    await page.locator('#form-babyName').fill('王小宇');
    await page.getByRole('button', { name: '提交补正' }).click();
    // The note is required: the page says so before anything is sent.
    await expect.poll(() => page.locator('#note-error').textContent()).toBe('不能为空');
    await expectAccessible(page);
    await page.getByLabel('补正说明').fill('已按出生医学证明更正新生儿姓名');
    await page.getByRole('button', { name: '提交补正' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('补正已提交');
    expect(await page.locator('.panel').textContent()).toContain(ref);
    await expectAccessible(page);

    // Completed through the API; the applicant rates it once and sees it in the timeline.
    for (const a of ['accept', 'review', 'approve', 'complete']) await step(a);
    await visit(page, `/me/applications/${unit}/${id}`);
    expect(await page.locator('main').textContent()).toContain('结果核验码');
    await page.getByLabel('满意', { exact: true }).check();
    await page.getByLabel('意见和建议').fill('网上办理很方便');
    await page.getByRole('button', { name: '提交评价' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('感谢您的评价');
    expect(await page.locator('#rating + p').textContent()).toBe('满意：网上办理很方便');
    expect(await page.locator('ol.timeline li').last().textContent()).toMatch(/评价：满意$/);
    await expectAccessible(page);
  });

  it('the page checks a bad field with the message the server gives, and the server gives it with JavaScript off', async () => {
    const messages: string[] = [];
    for (const javaScript of [true, false]) {
      const page = await b.open(`/units/${WORLD.village}`, VIEWPORTS.desktop, { javaScript });
      await signIn(page, /演示居民/);
      const apply = `/units/${WORLD.county}/services/${WORLD.province}/330000-SV-001/apply`;
      if (javaScript) await visit(page, apply);
      else expect((await page.goto(apply))?.status()).toBe(200);
      await page.locator('#form-phone').fill('12345');
      await page.getByRole('button', { name: '提交申请' }).click();
      await expect.poll(() => page.locator('#form-phone-error').isVisible()).toBe(true);
      messages.push((await page.locator('#form-phone-error').textContent())!);
      // Sent with JavaScript off only: the server refused it (400) and kept what was typed.
      expect(page.url()).toMatch(/\/apply$/);
      expect(await page.locator('#form-phone').inputValue()).toBe('12345');
      if (javaScript) await expectAccessible(page);
    }
    expect(messages[0]).toBe('必须是 11 位手机号码');
    expect(messages[1]).toBe(messages[0]);
  });
});
