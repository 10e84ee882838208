// `npm run screenshots`: the main pages at phone (360 px) and desktop (1280 px) widths, in both display modes, as
// PNG files in SCREENSHOTS_DIR (default screenshots/), from a local runtime started for the purpose.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from './prepare-path';
import { apiClient, DEMO_CITIZEN } from '../../infra/local/demo';
import type { Role } from '../../shared/roles';
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

/** The demo resident's application at 北山街道, taken by its clerk to a 补正 or to the end, and rated. */
async function cases(): Promise<[string, string][]> {
  const as = async (role: Role, unit: string, sub = `demo-${role}-${unit}`) => apiClient(world.url, (await world.runtime.issuer.mint({ sub, role, unit })).token);
  const ok = <T>(what: string, r: { status: number; json: T }, status = 200) => {
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const unit = WORLD.township;
  const admin = await as('unit-admin', unit);
  const depts = ok('departments', await admin<{ items: { id: string; name: string }[] }>('GET', `/v1/units/${unit}/departments`));
  const deptId = depts.items.find((d) => d.name === '综合办公室')!.id;
  const made = await admin('POST', `/v1/units/${unit}/staff`, JSON.stringify({ sub: `demo-staff-${unit}`, name: '北山街道工作人员', role: 'staff', deptId }));
  if (made.status !== 201 && made.status !== 409) throw new Error(`clerk: ${made.status}`);
  const citizen = await as('citizen', DEMO_CITIZEN.unit, DEMO_CITIZEN.sub);
  const clerk = await as('staff', unit);
  const apply = async () =>
    ok(
      'application',
      await citizen<{ id: string }>('POST', `/v1/units/${unit}/applications`, JSON.stringify({
        definer: WORLD.province,
        item: '330000-SV-001',
        form: { applicantName: '王小明', phone: '13800000000', babyName: '王小宝', birthDate: '2026-02-20', hospital: '杭州市妇产科医院' },
        applicant: { name: '王小明', idNumber: '11010519491231002X', phone: '13800000000' },
      })),
      201,
    ).id;
  const step = async (id: string, action: string, extra: object = {}) =>
    ok(action, await clerk('POST', `/v1/units/${unit}/applications/${id}/steps`, JSON.stringify({ action, reason: '材料已核实', ...extra })));
  const asked = await apply();
  await step(asked, 'request-supplement', { missing: ['新生儿姓名与出生医学证明不一致', '出生医学证明首页扫描件'], reason: '请核对新生儿姓名，并补充出生医学证明首页扫描件' });
  const done = await apply();
  for (const a of ['accept', 'review', 'approve', 'complete']) await step(done, a);
  return [
    ['case-supplement', `/me/applications/${unit}/${asked}`],
    ['case-completed', `/me/applications/${unit}/${done}`],
  ];
}

try {
  const CASE_PAGES = await cases();
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
    // The resident's own cases, signed in as the demo resident.
    const resident = await browser.newContext({ viewport, baseURL: world.url, locale: 'zh-CN' });
    const mine = await resident.newPage();
    await mine.goto(`/sign-in?back=/me`);
    await mine.getByRole('button', { name: /演示居民/ }).click();
    await mine.waitForURL('**/me');
    for (const [name, path] of CASE_PAGES) {
      await mine.goto(path);
      const file = join(dir, `${name}-${width}.png`);
      await mine.screenshot({ path: file, fullPage: true });
      console.log(file);
    }
    await resident.close();
  }
} finally {
  await browser.close();
  await world.stop();
}
