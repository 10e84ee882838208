import { describe, expect, it } from 'vitest';
import { expectAccessible, scrollsSideways, signIn, useBrowser, VIEWPORTS, visit } from './browser';
import { WORLD } from './world';

describe('public pages in Chromium', () => {
  const b = useBrowser();

  it('from / down to a village by links alone, and without JavaScript', async () => {
    for (const javaScript of [true, false]) {
      // One province served: `/` is its home.
      const page = await b.open('/', VIEWPORTS.phone, { javaScript });
      expect(await page.locator('h1').textContent()).toBe('浙江省');
      for (const name of ['杭州市', '西湖区', '北山街道', '上保社区']) {
        await page.getByRole('main').getByRole('link', { name, exact: true }).click();
        await expect.poll(() => page.locator('h1').textContent()).toBe(name);
        if (javaScript) await expectAccessible(page);
      }
      expect(new URL(page.url()).pathname).toBe(`/units/${WORLD.village}`);
      expect(await page.locator('link[rel=canonical]').getAttribute('href')).toBe(`${b.url}/units/${WORLD.village}`);
    }
  });

  it('a village lives in its county’s site: the footer shows the site-running unit’s 指引 settings', async () => {
    const page = await b.open(`/units/${WORLD.village}`);
    const footer = page.locator('footer');
    await expect.poll(() => footer.textContent()).toContain('主办单位：杭州市西湖区人民政府办公室');
    const text = (await footer.textContent())!;
    expect(text).toContain('网站标识码：3301060099');
    expect(text).toContain('浙ICP备00000000号');
    expect(text).toContain('浙公网安备 33000002000000号');
    expect(await footer.getByRole('link', { name: '党政机关' }).getAttribute('href')).toBe('https://bszs.conac.cn/');
    expect(await page.locator('a.site').getAttribute('href')).toBe(`/units/${WORLD.county}`);
    // The province runs its own site, with its own code.
    await visit(page, `/units/${WORLD.province}`);
    expect(await page.locator('footer').textContent()).toContain('网站标识码：3300000099');
  });

  it('a unit that does not exist, or a code that is none, is a 404 page', async () => {
    const page = await b.open();
    await visit(page, '/units/330199000000', 404);
    expect(await page.locator('h1').textContent()).toBe('找不到这个页面');
    await visit(page, '/units/not-a-code', 404);
  });

  it('an address no route serves is the portal\'s 404 page, with the way home and a search; /v1 stays JSON', async () => {
    const page = await b.open();
    for (const path of ['/nope', `/units/${WORLD.village}/nothing`]) {
      await visit(page, path, 404);
      expect(await page.locator('h1').textContent()).toBe('找不到这个页面');
      expect(await page.getByRole('link', { name: '返回首页' }).getAttribute('href')).toBe('/');
    }
    // The search is the unit's the address names: it finds that unit's services.
    await page.getByRole('searchbox').fill('出生');
    await page.getByRole('searchbox').press('Enter');
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/units/${WORLD.village}/services`);
    const api = await page.request.get(`${b.url}/v1/nope`);
    expect(api.status()).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
  });

  it('English and the larger-text mode are switched by links and stay on for the next pages', async () => {
    const page = await b.open(`/units/${WORLD.county}`);
    await page.getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(new URL(page.url()).pathname).toBe(`/units/${WORLD.county}`);
    const before = await page.evaluate<number>('parseFloat(getComputedStyle(document.documentElement).fontSize)');
    await page.getByRole('link', { name: 'Larger text' }).click();
    await expect.poll(() => page.locator('html').getAttribute('class')).toBe('elder');
    expect(await page.evaluate<number>('parseFloat(getComputedStyle(document.documentElement).fontSize)')).toBeGreaterThan(before);
    await expectAccessible(page);
    await visit(page, `/units/${WORLD.village}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('html').getAttribute('class')).toBe('elder');
    await page.getByRole('link', { name: '中文' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });

  it('works at 320 px wide in both modes: nothing to scroll sideways', async () => {
    const page = await b.open(`/units/${WORLD.village}`, VIEWPORTS.narrow);
    expect(await scrollsSideways(page)).toBe(false);
    await page.getByRole('link', { name: '长者模式' }).click();
    await expect.poll(() => page.locator('html').getAttribute('class')).toBe('elder');
    expect(await scrollsSideways(page)).toBe(false);
    await expectAccessible(page);
  });

  it('the keyboard reaches the skip link first, and it leads to the main content', async () => {
    const page = await b.open(`/units/${WORLD.county}`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('跳到正文');
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#main');
  });

  it('printing drops the header tools and the breadcrumbs', async () => {
    const page = await b.open(`/units/${WORLD.county}`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.top .tools').isVisible()).toBe(false);
    expect(await page.locator('nav.crumbs').isVisible()).toBe(false);
    expect(await page.locator('h1').isVisible()).toBe(true);
  });

  it('signs in through the issuer with PKCE, keeps no token in the page, and signing out ends the session', async () => {
    const page = await b.open(`/units/${WORLD.village}`);
    await signIn(page, /演示居民/);
    // Back where the reader was, signed in.
    expect(new URL(page.url()).pathname).toBe(`/units/${WORLD.village}`);
    await page.getByRole('link', { name: '我的' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('我的账户');
    await expectAccessible(page);
    const cookies = await page.context().cookies();
    const sid = cookies.find((c) => c.name === 'sid')!;
    expect(sid).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await page.evaluate<number>('localStorage.length + sessionStorage.length')).toBe(0);
    expect(await page.evaluate<string>('document.cookie')).not.toContain('sid=');
    await page.getByRole('button', { name: '退出' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    // The old cookie, put back, opens nothing: the session ended on the server.
    await page.context().addCookies([sid]);
    await visit(page, '/me', 401);
    expect(await page.locator('h1').textContent()).toBe('重新登录');
  });

  it('every page answers with a strict Content Security Policy, which admits the inline stylesheet by its hash', async () => {
    const page = await b.open();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) refused.push(m.text());
    });
    for (const mode of ['standard', 'elder']) {
      const res = await page.goto(`/prefs?mode=${mode}&back=/units/${WORLD.county}`);
      const csp = res!.headers()['content-security-policy']!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      // The inline stylesheet applies: the brand colour of the header, and in elder mode its larger text.
      expect(await page.evaluate<string>("getComputedStyle(document.querySelector('header.top')).backgroundColor")).toBe('rgb(164, 22, 26)');
      expect(await page.evaluate<string>('getComputedStyle(document.documentElement).fontSize')).toBe(mode === 'elder' ? '20px' : '16px');
    }
    expect(refused).toEqual([]);
  });
});
