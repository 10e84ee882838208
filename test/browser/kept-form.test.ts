import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, signIn, useBrowser } from './browser';
import { WORLD } from './world';

/** An ended session (expired, or signed out in another tab) loses nothing a form held: sign in, and it is back. */
describe('a form posted after the session ended, in Chromium', () => {
  const b = useBrowser();

  async function fillTheForm(page: Page) {
    await page.goto(`/units/${WORLD.village}`);
    await signIn(page, /演示居民/);
    await page.getByRole('link', { name: '出生', exact: true }).click();
    await page.getByRole('link', { name: '出生医学证明签发' }).click();
    await page.getByRole('link', { name: '在线申请' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('在线申请');
    const form = page.url();
    await page.locator('#applicant-name').fill('王小明');
    await page.locator('#applicant-idNumber').fill('11010519491231002X');
    // Every answer the page's own check asks for, so that the post leaves the page.
    await page.locator('#applicant-phone').fill('13800000000');
    await page.locator('#form-applicantName').fill('王小明');
    await page.locator('#form-phone').fill('13800000000');
    await page.locator('#form-babyName').fill('王小宝');
    await page.locator('#form-birthDate').fill('2026-02-20');
    await page.getByLabel('杭州市妇产科医院').check();
    return form;
  }

  async function comesBackFilled(page: Page, form: string) {
    await page.getByRole('button', { name: '提交申请' }).click();
    // Off to sign in (the issuer's account chooser locally), then back to the very form.
    await page.getByRole('button', { name: /演示居民/ }).click();
    await expect.poll(() => page.url()).toBe(form);
    expect(await page.locator('main [role=status]').textContent()).toContain('刚才填写的内容已为您保留');
    expect(await page.locator('#applicant-name').inputValue()).toBe('王小明');
    expect(await page.locator('#applicant-idNumber').inputValue()).toBe('11010519491231002X');
    expect(await page.locator('#form-babyName').inputValue()).toBe('王小宝');
    expect(await page.locator('#form-birthDate').inputValue()).toBe('2026-02-20');
    expect(await page.getByLabel('杭州市妇产科医院').isChecked()).toBe(true);
    await expectAccessible(page);
    // Given back once: the next visit is an empty form again.
    await page.reload();
    expect(await page.locator('#applicant-name').inputValue()).toBe('');
    expect(await page.locator('main [role=status]').count()).toBe(0);
  }

  it('the session cookie gone (expired): sign in, and the form is back, filled in, with a note why', async () => {
    const page = await b.open();
    const form = await fillTheForm(page);
    await page.context().clearCookies({ name: 'sid' });
    await comesBackFilled(page, form);
  });

  it('signed out in another tab: the same', async () => {
    const page = await b.open();
    const form = await fillTheForm(page);
    const other = await page.context().newPage();
    await other.goto(`/units/${WORLD.village}`);
    await other.getByRole('button', { name: '退出' }).click();
    await other.waitForLoadState();
    await comesBackFilled(page, form);
  });
});
