// `npm run screenshots`: the main pages at phone (360 px) and desktop (1280 px) widths, in both display modes, as
// PNG files in SCREENSHOTS_DIR (default screenshots/), from a local runtime started for the purpose.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { apiClient, DEMO_PROVINCE_ADMIN } from '../../infra/local/demo';
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
// The publishing desk with something on it: a published document and a draft past its Art. 26 deadline.
const admin = apiClient(world.url, (await world.runtime.issuer.mint({ sub: DEMO_PROVINCE_ADMIN, role: 'province-admin', unit: WORLD.province })).token);
const docs = `/v1/units/${WORLD.province}/disclosure/documents`;
const published = await admin<{ id: string }>('POST', docs, JSON.stringify({ title: '浙江省关于公共文化设施开放时间的通知', category: 'policy', writtenOn: '2026-11-02', body: '各市、县（市、区）人民政府：\n公共图书馆、文化馆自即日起延长开放时间。' }));
await admin('POST', docs, JSON.stringify({ title: '浙江省2026年三季度统计公报', category: 'statistics', writtenOn: '2026-07-01', body: '三季度主要统计数据。', draft: true }));
WORKBENCH_PAGES.push(['work-documents', `/work/documents/${WORLD.province}`], ['work-document', `/work/documents/${WORLD.province}/${published.json.id}`]);
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
  }
} finally {
  await browser.close();
  await world.stop();
}
