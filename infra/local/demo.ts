// The demo province every fresh local runtime gets: 浙江省 down to its 25,547 villages, provisioned through the units
// API as a province admin would (an import job), never by writing items behind the API's back. Only the first step is
// the operator's, as in AWS: `govtiers bootstrap` makes the province unit and its first admin.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '../../tenants/imports';
import { loadDivisionText } from '../../tenants/divisions';
import type { Principal, Role } from '../../shared/roles';
import type { DemoContext } from './runtime';
import { seedDemoSites } from './demo-web';
import { seedServices } from './demo-services';
import { seedDemoTickets } from './demo-tickets';
import { seedDisclosure } from './demo-disclosure';
import { seedDemoTiers } from './demo-tiers';

export const DEMO_PROVINCE = '330000000000';
export const DEMO_PROVINCE_ADMIN = `demo-province-admin-${DEMO_PROVINCE}`;

/**
 * The demo accounts besides the province admin, each `demo-<role>-<unit>` (so `POST /local/token` with that sub, role
 * and unit works), in the order they are created and by whom: every one through the API, as people would.
 */
export const DEMO_ACCOUNTS: { role: Exclude<Role, 'citizen' | 'business'>; unit: string; name: string; by: [Role, string]; dept?: string }[] = [
  { role: 'auditor', unit: DEMO_PROVINCE, name: '省审计员', by: ['province-admin', DEMO_PROVINCE] },
  { role: 'unit-admin', unit: '330100000000', name: '杭州市管理员', by: ['province-admin', DEMO_PROVINCE] },
  // Auditors are appointed from above: the province's auditor appoints the county's.
  { role: 'auditor', unit: '330106000000', name: '西湖区审计员', by: ['auditor', DEMO_PROVINCE] },
  { role: 'staff', unit: '330106000000', name: '西湖区工作人员', by: ['province-admin', DEMO_PROVINCE], dept: '区政府办公室' },
  { role: 'unit-admin', unit: '330106002000', name: '北山街道管理员', by: ['province-admin', DEMO_PROVINCE] },
  { role: 'staff', unit: '330106002000', name: '北山街道工作人员', by: ['unit-admin', '330106002000'], dept: '综合办公室' },
  { role: 'unit-admin', unit: '330106002051', name: '上保社区管理员', by: ['province-admin', DEMO_PROVINCE] },
];

/** A demo resident and a demo business: anyone can be one, as at the identity provider. */
export const DEMO_CITIZEN: Principal = { sub: 'demo-citizen-1', role: 'citizen', unit: '330106002051' };
export const DEMO_BUSINESS: Principal = { sub: 'demo-business-1', role: 'business', unit: '330106002000' };

/** The accounts offered on the local sign-in page: the public ones first, then every staff-side demo account. */
export const demoSignIns = (): { principal: Principal; label: string }[] => [
  { principal: DEMO_CITIZEN, label: '演示居民 Demo resident' },
  { principal: DEMO_BUSINESS, label: '演示企业 Demo business' },
  { principal: { sub: DEMO_PROVINCE_ADMIN, role: 'province-admin', unit: DEMO_PROVINCE }, label: '省管理员 Province admin' },
  ...DEMO_ACCOUNTS.map((a) => ({ principal: { sub: `demo-${a.role}-${a.unit}`, role: a.role, unit: a.unit, ...(a.dept ? { dept: a.dept } : {}) }, label: a.name })),
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Provisions the demo province on first start and follows the job, logging its progress. The job id is kept under
 * the data folder, so a restart in the middle resumes that job instead of starting another one.
 */
export async function provisionDemo(ctx: DemoContext, dataDir: string): Promise<void> {
  await ctx.bootstrap(DEMO_PROVINCE, '浙江省', DEMO_PROVINCE_ADMIN);
  const as = async (role: Role, unit: string) => apiClient(ctx.url, await ctx.token(role, unit));
  const api = await as('province-admin', DEMO_PROVINCE);
  if (!(await importProvince(ctx, dataDir, api))) return;
  await seedDemoAccounts(ctx, as);
  await seedDemoTickets(ctx);
  await seedDisclosure(ctx);
  await seedDemoSites(as, ctx.log);
  await seedDemoTiers(ctx);
}

export type Api = <T>(method: string, path: string, body?: string) => Promise<{ status: number; json: T }>;

/** Calls to the API at `url` with a bearer token, JSON in and out. */
export const apiClient =
  (url: string, token: string): Api =>
  async <T>(method: string, path: string, body?: string) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
    });
    return { status: res.status, json: (await res.json()) as T };
  };

/** The demo accounts, through the API; those already there (409) are kept. */
async function seedDemoAccounts(ctx: DemoContext, as: (role: Role, unit: string) => Promise<Api>) {
  for (const a of DEMO_ACCOUNTS) {
    const api = await as(...a.by);
    let deptId: string | undefined;
    if (a.dept) {
      const list = await api<{ items: { id: string; name: string }[] }>('GET', `/v1/units/${a.unit}/departments?limit=100`);
      deptId = list.json.items.find((d) => d.name === a.dept)?.id;
      deptId ??= (await api<{ id: string }>('POST', `/v1/units/${a.unit}/departments`, JSON.stringify({ name: a.dept }))).json.id;
    }
    const body = { sub: `demo-${a.role}-${a.unit}`, name: a.name, role: a.role, ...(deptId ? { deptId } : {}) };
    const r = await api('POST', `/v1/units/${a.unit}/staff`, JSON.stringify(body));
    if (r.status !== 201 && r.status !== 409) throw new Error(`demo account ${body.sub} was refused: ${r.status} ${JSON.stringify(r.json)}`);
  }
  ctx.log(`demo: accounts ${[DEMO_PROVINCE_ADMIN, ...DEMO_ACCOUNTS.map((a) => `demo-${a.role}-${a.unit}`)].join(', ')} (README: Demo accounts)`);
  await seedServices(ctx.log, as);
}

/** Imports the province (or resumes the import) and follows the job; true once the tree is there. */
async function importProvince(ctx: DemoContext, dataDir: string, api: Api): Promise<boolean> {
  const marker = dataDir === ':memory:' ? undefined : join(dataDir, 'demo-job.json');
  let jobId = marker ? await readFile(marker, 'utf8').then((t) => (JSON.parse(t) as { jobId: string }).jobId, () => undefined) : undefined;

  if (jobId) {
    const { json: job } = await api<Job>('GET', `/v1/jobs/${jobId}`);
    if (job.state === 'succeeded' || job.state === 'failed') return job.state === 'succeeded';
    ctx.log(`demo: resuming the import of ${DEMO_PROVINCE} 浙江省 (${job.done}/${job.total} done before the restart)`);
    await api('POST', `/v1/jobs/${jobId}/resume`);
  } else {
    // The bootstrap made the province unit; its cities tell whether the tree is there already.
    const children = await api<{ items: unknown[] }>('GET', `/v1/units/${DEMO_PROVINCE}/children?limit=1`);
    if (children.status === 200 && children.json.items.length > 0) return true;
    ctx.log(`demo: provisioning the demo province ${DEMO_PROVINCE} 浙江省 (27,036 units) through POST /v1/units/${DEMO_PROVINCE}/imports…`);
    const started = await api<{ jobId: string }>('POST', `/v1/units/${DEMO_PROVINCE}/imports`, await loadDivisionText('zhejiang'));
    if (started.status !== 202) throw new Error(`the demo import was refused: ${started.status} ${JSON.stringify(started.json)}`);
    jobId = started.json.jobId;
    if (marker) await writeFile(marker, JSON.stringify({ jobId }));
  }

  const t0 = Date.now();
  let reported = -1;
  for (;;) {
    const { json: job } = await api<Job>('GET', `/v1/jobs/${jobId}`);
    const tenth = Math.floor((job.done / Math.max(1, job.total)) * 10);
    if (tenth !== reported) {
      reported = tenth;
      ctx.log(`demo: ${job.done}/${job.total} units (${tenth * 10}%)`);
    }
    if (job.state === 'succeeded' || job.state === 'failed') {
      ctx.log(`demo: 浙江省 ${job.state}: ${job.created} units created, ${job.skipped} already there, ${job.failed} failed, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return job.state === 'succeeded';
    }
    await sleep(1000);
  }
}
