// `npm run screenshots`: the main pages at phone (360 px) and desktop (1280 px) widths, in both display modes, as
// PNG files in SCREENSHOTS_DIR (default screenshots/), from a local runtime started for the purpose.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from './prepare-path';
import { apiClient, DEMO_CITIZEN, DEMO_PROVINCE_ADMIN } from '../../infra/local/demo';
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
  ['documents-search', `/units/${WORLD.village}/documents?q=${encodeURIComponent('数字乡村')}`],
  ['unknown-address', `/units/${WORLD.village}/nothing`],
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
// 政务公开: a province document (changed once, so it has versions) and a withdrawn one, published through the API.
const province = apiClient(world.url, (await world.runtime.issuer.mint({ sub: DEMO_PROVINCE_ADMIN, role: 'province-admin', unit: WORLD.province })).token);
const publish = async (body: object) => (await province<{ id: string; v: number }>('POST', `/v1/units/${WORLD.province}/disclosure/documents`, JSON.stringify(body))).json;
const shown = await publish({
  title: '浙江省关于推进数字乡村建设的实施意见',
  category: 'policy',
  docNumber: '浙政发〔2026〕5号',
  subjects: ['数字乡村', '乡村振兴'],
  writtenOn: '2026-01-15',
  body: '各市、县（市、区）人民政府，省政府直属各单位：\n为加快数字乡村建设，推动乡村振兴，现提出如下意见。\n一、完善乡村信息基础设施。推进光纤网络和移动通信网络向行政村、自然村延伸。\n二、推进涉农服务事项线上办理。村（社区）可通过政务服务平台代办、帮办。\n三、加强组织保障。各地要明确责任分工，确保各项任务落到实处。',
});
await province('PATCH', `/v1/units/${WORLD.province}/disclosure/documents/${shown.id}`, JSON.stringify({ v: shown.v, validUntil: '2028-12-31' }));
const old = await publish({ title: '关于2025年冬季农田水利建设的通知', category: 'other', writtenOn: '2026-01-05', body: '冬季农田水利建设有关事项通知如下。' });
await province('POST', `/v1/units/${WORLD.province}/disclosure/documents/${old.id}/withdrawal`, JSON.stringify({ v: old.v, reason: '已过时' }));
PAGES.push(
  ['documents', `/units/${WORLD.village}/documents`],
  ['document', `/documents/${WORLD.province}/${shown.id}`],
  ['document-withdrawn', `/documents/${WORLD.province}/${old.id}`],
);

/** Two similar tickets and a disclosure request at 北山街道, filed by a resident through the API, for its clerk's screens. */
async function seedRecords(): Promise<[string, string][]> {
  const { token } = await world.runtime.issuer.mint({ sub: 'screenshot-resident', role: 'citizen', unit: WORLD.village });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${world.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  const lamp = { type: 'complaint', category: 'streetlight', text: '保俶路与北山街路口往东几盏路灯晚上都不亮，走夜路很危险。', location: { lat: 30.2601, lng: 120.1451, address: '保俶路北山街路口' } };
  await post(`/v1/units/${WORLD.township}/tickets`, lamp);
  const ticket = await post(`/v1/units/${WORLD.township}/tickets`, { ...lamp, text: '北山街路口东边一排路灯坏了好几天，天黑以后整条人行道漆黑一片。' });
  const request = await post(`/v1/units/${WORLD.township}/disclosure/requests`, {
    title: '申请公开北山街道2025年老旧小区改造资金使用情况',
    description: '请提供2025年度老旧小区改造项目资金的拨付和使用明细。',
  });
  // An application awaiting its 补正: the township's clerk in 综合办公室 (which handles its items) asks for it.
  const application = await post(`/v1/units/${WORLD.township}/applications`, {
    definer: WORLD.province,
    item: '330000-SV-012',
    form: { applicantName: '赵晓雨', phone: '13800000001', address: '保俶路' },
    applicant: { name: '赵晓雨', idNumber: '11010519491231002X', phone: '13800000001' },
  });
  const township = apiClient(world.url, (await world.runtime.issuer.mint({ sub: `demo-unit-admin-${WORLD.township}`, role: 'unit-admin', unit: WORLD.township })).token);
  const depts = await township<{ items: { id: string; name: string }[] }>('GET', `/v1/units/${WORLD.township}/departments`);
  const deptId = depts.json.items.find((d) => d.name === '综合办公室')!.id;
  await township('POST', `/v1/units/${WORLD.township}/staff`, JSON.stringify({ sub: `demo-staff-${WORLD.township}`, name: '北山街道工作人员', role: 'staff', deptId }));
  const clerk = apiClient(world.url, (await world.runtime.issuer.issue({ sub: `demo-staff-${WORLD.township}`, role: 'staff', unit: WORLD.township })).token);
  const asked = await clerk('POST', `/v1/units/${WORLD.township}/applications/${application}/steps`, JSON.stringify({ action: 'request-supplement', reason: '租住地址不完整，租赁合同未上传', missing: ['租赁合同', '完整的租住地址'] }));
  if (asked.status !== 200) throw new Error(`supplement: ${asked.status} ${JSON.stringify(asked.json)}`);
  return [
    ['work-ticket', `/work/tickets/${WORLD.township}/${ticket}`],
    ['work-request', `/work/requests/${WORLD.township}/${request}`],
    ['work-application-supplement', `/work/applications/${WORLD.township}/${application}`],
  ];
}
const RECORD_PAGES = await seedRecords();
// The publishing desk with something on it: a published document and a draft past its Art. 26 deadline.
const docs = `/v1/units/${WORLD.province}/disclosure/documents`;
const published = await province<{ id: string }>('POST', docs, JSON.stringify({ title: '浙江省关于公共文化设施开放时间的通知', category: 'policy', writtenOn: '2026-11-02', body: '各市、县（市、区）人民政府：\n公共图书馆、文化馆自即日起延长开放时间。' }));
await province('POST', docs, JSON.stringify({ title: '浙江省2026年三季度统计公报', category: 'statistics', writtenOn: '2026-07-01', body: '三季度主要统计数据。', draft: true }));
WORKBENCH_PAGES.push(['work-documents', `/work/documents/${WORLD.province}`], ['work-document', `/work/documents/${WORLD.province}/${published.json.id}`]);
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
    // The staff workbench, signed in through the local issuer's account chooser: the province admin, and the
    // township's admin for the records it dispatches and answers.
    for (const [account, pages] of [['省管理员 Province admin', WORKBENCH_PAGES], ['北山街道管理员', RECORD_PAGES]] as const) {
      const staff = await browser.newContext({ viewport, baseURL: world.url, locale: 'zh-CN' });
      const page = await staff.newPage();
      await page.goto(`/sign-in?back=/work`);
      await page.getByRole('button', { name: account }).click();
      await page.waitForURL('**/work');
      for (const [name, path] of pages) {
        await page.goto(path);
        const file = join(dir, `${name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(file);
      }
      await staff.close();
    }
    // A resident's disclosure request: the form refused, then the confirmation.
    const resident = await browser.newContext({ viewport, baseURL: world.url, locale: 'zh-CN' });
    const form = await resident.newPage();
    await form.goto(`/sign-in?back=/units/${WORLD.village}/documents/request`);
    await form.getByRole('button', { name: /演示居民/ }).click();
    await form.waitForURL('**/documents/request');
    await form.getByLabel('所需信息名称').fill('上保社区2025年度集体资产收支情况');
    await form.getByRole('button', { name: '提交申请' }).click();
    await form.locator('.errors').waitFor();
    await form.screenshot({ path: join(dir, `request-errors-${width}.png`), fullPage: true });
    await form.getByLabel('所需信息的描述及用途').fill('了解集体资产收支，用于村务监督');
    await form.getByRole('button', { name: '提交申请' }).click();
    await form.waitForURL('**/me/disclosure/**');
    await form.screenshot({ path: join(dir, `request-sent-${width}.png`), fullPage: true });
    console.log(join(dir, `request-{errors,sent}-${width}.png`));
    // The resident's own cases, signed in as the demo resident.
    const own = await browser.newContext({ viewport, baseURL: world.url, locale: 'zh-CN' });
    const mine = await own.newPage();
    await mine.goto(`/sign-in?back=/me`);
    await mine.getByRole('button', { name: /演示居民/ }).click();
    await mine.waitForURL('**/me');
    for (const [name, path] of CASE_PAGES) {
      await mine.goto(path);
      const file = join(dir, `${name}-${width}.png`);
      await mine.screenshot({ path: file, fullPage: true });
      console.log(file);
    }
    // A resident filing: the complaint form, refused, sent, and the account page that lists it.
    const filer = await browser.newContext({ viewport, baseURL: world.url, locale: 'zh-CN' });
    const citizen = await filer.newPage();
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
