import { describe, expect, it } from 'vitest';
import { expectAccessible, signIn, useBrowser, VIEWPORTS } from './browser';
import { WORLD } from './world';

describe('applying for a service in Chromium', () => {
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
