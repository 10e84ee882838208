import { describe, expect, it } from 'vitest';
import { expectAccessible, scrollsSideways, useBrowser, VIEWPORTS, visit } from './browser';
import { WORLD } from './world';

describe('service pages in Chromium', () => {
  const b = useBrowser();

  it('from a village’s page, a service for a new baby by life event, to its guide, which prints without navigation', async () => {
    const page = await b.open(`/units/${WORLD.village}`, VIEWPORTS.phone);
    await page.getByRole('link', { name: '出生', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('出生');
    await expectAccessible(page);
    await page.getByRole('link', { name: '出生医学证明签发' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('出生医学证明签发');
    await expectAccessible(page);
    const text = (await page.locator('main').textContent())!;
    for (const part of ['办理地点', '申请材料', '父母双方身份证', '承诺时限', '法定办结时限']) expect(text).toContain(part);
    expect(await scrollsSideways(page)).toBe(false);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.top .tools').isVisible()).toBe(false);
    expect(await page.locator('table').isVisible()).toBe(true);
  });

  it('searches the catalogue by words, with the keyboard only', async () => {
    const page = await b.open(`/units/${WORLD.county}/services`);
    await page.locator('#q').focus();
    await page.keyboard.type('户口');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('h1').textContent()).toContain('户口');
    expect(await page.getByRole('link', { name: '新生儿户口登记' }).count()).toBe(1);
    await expectAccessible(page);
  });

  it('a guide that is not there is a 404 page', async () => {
    const page = await b.open();
    await visit(page, `/units/${WORLD.village}/services/${WORLD.province}/330000-SV-999`, 404);
  });

  it('case status: a form with mistakes comes back with each message by its field and the values kept', async () => {
    const page = await b.open('/progress');
    // Keyboard only: the reference field, then the name, then send.
    await page.locator('#ref').focus();
    await page.keyboard.type('not-a-reference');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#ref-error').textContent()).toContain('请填写正确的办件编号');
    expect(await page.locator('#name-error').textContent()).toBe('请填写申请人姓名');
    expect(await page.locator('#ref').inputValue()).toBe('NOT-A-REFERENCE');
    expect(await page.locator('#ref').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page);
    await page.locator('#ref').fill('330106000000-260302-7K3D9Q');
    await page.locator('#name').fill('张三');
    await page.locator('#name').press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('没有找到');
    await expectAccessible(page);
  });
});
