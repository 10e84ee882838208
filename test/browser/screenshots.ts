// `npm run screenshots`: the main pages at phone (360 px) and desktop (1280 px) widths, in both display modes, as
// PNG files in SCREENSHOTS_DIR (default screenshots/), from a local runtime started for the purpose.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { apiClient, DEMO_PROVINCE_ADMIN } from '../../infra/local/demo';
import type { Role } from '../../shared/roles';
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
  /** Someone's API calls, with a token from the local issuer. */
  const as = async (sub: string, role: Role, unit: string) => apiClient(world.url, (await world.runtime.issuer.mint({ sub, role, unit })).token);
  // The community's admin dispatches tickets to its office, whose clerk answers them.
  const office = await as(`demo-unit-admin-${WORLD.village}`, 'unit-admin', WORLD.village);
  const clerk = await as(`demo-staff-${WORLD.village}`, 'staff', WORLD.village);
  const villageDept = await (async () => {
    const admin = await as(DEMO_PROVINCE_ADMIN, 'province-admin', WORLD.province);
    const dept = await admin<{ id: string }>('POST', `/v1/units/${WORLD.village}/departments`, JSON.stringify({ name: '村（居）务办公室' }));
    for (const body of [
      { sub: `demo-unit-admin-${WORLD.village}`, name: '上保社区管理员', role: 'unit-admin' },
      { sub: `demo-staff-${WORLD.village}`, name: '上保社区工作人员', role: 'staff', deptId: dept.json.id },
    ]) {
      await admin('POST', `/v1/units/${WORLD.village}/staff`, JSON.stringify(body));
    }
    return dept.json.id;
  })();
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
    // Answered and followed up through the API: the ticket's page with the reply and the rating form.
    const ticket = new URL(citizen.url()).pathname;
    const act = (call: typeof office, body: object) => call('POST', `/v1${ticket.replace('/me/tickets/', '/units/').replace(/\/([0-9A-Z]{26})$/, '/tickets/$1')}/actions`, JSON.stringify(body));
    await act(office, { action: 'accept' });
    await act(office, { action: 'dispatch', to: { dept: villageDept } });
    await act(clerk, { action: 'sign' });
    await act(clerk, { action: 'answer', note: '已联系保洁公司，今天下午清运完毕，今后每天清运一次。' });
    await act(office, { action: 'callback', note: '电话回访，居民确认已清运' });
    await citizen.goto(ticket);
    await shoot('ticket-answered');
    await citizen.goto('/me');
    await shoot('me-tickets');
    await resident.close();
  }
} finally {
  await browser.close();
  await world.stop();
}
