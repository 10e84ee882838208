// `npm run screenshots`: the main pages at phone (360 px) and desktop (1280 px) widths, in both display modes, as
// PNG files in SCREENSHOTS_DIR (default screenshots/), from a local runtime started for the purpose.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from './prepare-path';
import { startWorld, WORLD } from './world';

const dir = resolve(process.env.SCREENSHOTS_DIR || 'screenshots');
const PAGES: [string, string][] = [
  ['home', '/'],
  ['province', `/units/${WORLD.province}`],
  ['county', `/units/${WORLD.county}`],
  ['village', `/units/${WORLD.village}`],
  ['services-birth', `/units/${WORLD.village}/services?life=birth`],
  ['guide', `/units/${WORLD.village}/services/${WORLD.province}/330000-SV-001`],
  ['progress-errors', '/progress?ref=x&name='],
  ['not-found', '/units/330199000000'],
];
const WORKBENCH_PAGES: [string, string][] = [
  ['work-worklist', '/work'],
  ['work-inbox', '/work/inbox'],
  ['work-units', `/work/units/${WORLD.county}`],
  ['work-people', `/work/people/${WORLD.township}`],
  ['work-settings', `/work/settings/${WORLD.township}`],
  ['work-dashboard', `/work/dashboard/${WORLD.city}`],
];
const WIDTHS = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 900 } };

await mkdir(dir, { recursive: true });
const world = await startWorld();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
try {
  for (const [width, viewport] of Object.entries(WIDTHS)) {
    for (const mode of ['standard', 'elder']) {
      const context = await browser.newContext({ viewport, baseURL: world.url, locale: 'zh-CN' });
      await context.addCookies([{ name: 'mode', value: mode, url: world.url }]);
      const page = await context.newPage();
      for (const [name, path] of PAGES) {
        await page.goto(path);
        const file = join(dir, `${name}-${width}-${mode}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(file);
      }
      await context.close();
    }
    // The staff workbench, signed in as the province admin through the local issuer's account chooser.
    const staff = await browser.newContext({ viewport, baseURL: world.url, locale: 'zh-CN' });
    const page = await staff.newPage();
    await page.goto(`/sign-in?back=/work`);
    await page.getByRole('button', { name: '省管理员 Province admin' }).click();
    await page.waitForURL('**/work');
    for (const [name, path] of WORKBENCH_PAGES) {
      await page.goto(path);
      const file = join(dir, `${name}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
    }
    await staff.close();
    // A resident: the complaint form, refused, sent, and the account page that lists it.
    const resident = await browser.newContext({ viewport, baseURL: world.url, locale: 'zh-CN' });
    const citizen = await resident.newPage();
    const shoot = async (name: string) => {
      const file = join(dir, `${name}-${width}.png`);
      await citizen.screenshot({ path: file, fullPage: true });
      console.log(file);
    };
    await citizen.goto(`/sign-in?back=/units/${WORLD.village}/tickets/new`);
    await citizen.getByRole('button', { name: '演示居民 Demo resident' }).click();
    await citizen.waitForURL('**/tickets/new');
    await shoot('ticket-form');
    await citizen.getByRole('button', { name: '提交', exact: true }).click();
    await citizen.waitForLoadState();
    await shoot('ticket-form-errors');
    await citizen.getByLabel('投诉', { exact: true }).check();
    await citizen.getByLabel('环境卫生', { exact: true }).check();
    await citizen.locator('#text').fill('12幢楼下的垃圾桶三天没有清运，气味很大。');
    await citizen.locator('#address').fill('上保社区12幢楼下');
    await citizen.getByRole('button', { name: '提交', exact: true }).click();
    await citizen.waitForURL('**sent=1');
    await shoot('ticket-sent');
    await citizen.goto('/me');
    await shoot('me-tickets');
    await resident.close();
  }
} finally {
  await browser.close();
  await world.stop();
}
