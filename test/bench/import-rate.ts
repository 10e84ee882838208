import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureResources, type LocalResources } from '../../infra/local/resources';
import { loadDivisions, loadDivisionText } from '../../tenants/divisions';
import { planImport } from '../../tenants/division-tree';
import type { Job } from '../../tenants/imports';
import { newUnit } from '../../tenants/units';
import { unitItem, type Unit } from '../../tenants/unit';
import type { Item } from '../../shared/store/store';
import type { Api } from './api';
import type { CountingProxy, OpCounts } from './ddb-proxy';
import { dropTables } from './tables';

export const ZHEJIANG = '330000000000';
/** The sizes of the shipped division files (tenants/divisions/README.md); a job of any other size is wrong. */
const ZHEJIANG_UNITS = 27_036;
const NATIONAL_UNITS = 44_699;

/** The Zhejiang units as the importer writes them, for the raw write rate. */
export async function zhejiangItems(): Promise<Item[]> {
  const { plan } = planImport(await loadDivisions('zhejiang'), ZHEJIANG);
  const at = new Date().toISOString();
  return plan.map((u) => unitItem(newUnit(u.code, u.name, u.parent, at)));
}

/** Drops the platform's tables and makes them anew, empty: each import is then timed from the same start. */
export async function emptyTables(resources: LocalResources): Promise<void> {
  const ddb = new DynamoDBClient({});
  await dropTables(ddb, Object.values(resources.tables));
  ddb.destroy();
  await ensureResources({ queues: [] });
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`import check failed: ${what}`);
}

const finishedAt = (job: Job) => Date.parse(job.updatedAt);

/**
 * 浙江省 down to its villages, imported through the API as its province admin would: the file's text POSTed as it
 * is, the job followed every 250 ms. Timed from the POST to the moment the job records as its finish; the
 * DynamoDB requests of that span are counted too (the progress polls' reads among them).
 */
export async function importZhejiang(api: Api, proxy: CountingProxy) {
  // The operator's bootstrap makes the province unit and its admin; the import creates everything below it.
  await api.bootstrap(ZHEJIANG, '浙江省', 'bench-zhejiang');
  const token = await api.token({ sub: 'bench-zhejiang', role: 'province-admin', unit: ZHEJIANG });
  const text = await loadDivisionText('zhejiang');
  proxy.take();
  const t0 = Date.now();
  const { jobId } = await api.call<{ jobId: string }>('POST', `/v1/units/${ZHEJIANG}/imports`, { token, body: text, expect: 202 });
  const postMs = Date.now() - t0;
  const job = await api.waitForJob(jobId, token);
  const ms = finishedAt(job) - t0;
  const requests: OpCounts = proxy.take();
  check(job.state === 'succeeded' && job.total === ZHEJIANG_UNITS && job.created === ZHEJIANG_UNITS - 1, `Zhejiang job ${JSON.stringify(job)}`);
  return { units: job.created, postMs, ms, perSecond: (job.created / ms) * 1000, requests };
}

/**
 * Every province down to its townships: 31 POSTs, one per province with that province's admin token, one after
 * the other, all jobs then running through the one jobs queue. Timed from the first POST to the last finish.
 */
export async function importNational(api: Api) {
  const provinces = await loadDivisions('chinaTownships');
  for (const p of provinces) await api.bootstrap(p.code, p.name, `bench-${p.code}`);
  const posts = await Promise.all(
    provinces.map(async (p) => ({ code: p.code, body: JSON.stringify(p), token: await api.token({ sub: `bench-${p.code}`, role: 'province-admin', unit: p.code }) })),
  );
  const t0 = Date.now();
  const started: { code: string; jobId: string; token: string }[] = [];
  for (const p of posts) {
    const { jobId } = await api.call<{ jobId: string }>('POST', `/v1/units/${p.code}/imports`, { token: p.token, body: p.body, expect: 202 });
    started.push({ code: p.code, jobId, token: p.token });
  }
  const postsMs = Date.now() - t0;
  const deadline = Date.now() + 300_000;
  const jobs: Job[] = [];
  for (const s of started) jobs.push(await api.waitForJob(s.jobId, s.token, deadline));
  const ms = Math.max(...jobs.map(finishedAt)) - t0;
  const units = jobs.reduce((n, j) => n + j.created, 0);

  // Each province unit itself came with its bootstrap.
  for (const j of jobs) check(j.state === 'succeeded' && j.created === j.total - 1, `job ${j.jobId}: ${j.state}, ${j.created}/${j.total} created`);
  check(units === NATIONAL_UNITS - provinces.length, `${units} units created, expected ${NATIONAL_UNITS - provinces.length}`);
  const zhejiang = started.find((s) => s.code === ZHEJIANG)!;
  const cities = await api.call<{ items: Unit[]; cursor?: string }>('GET', `/v1/units/${ZHEJIANG}/children?limit=200`, { token: zhejiang.token, expect: 200 });
  check(cities.items.length === 11 && !cities.cursor, `浙江省 has ${cities.items.length} cities, expected 11`);
  const guangdong = started.find((s) => s.code === '440000000000')!;
  // 东莞市 has no counties: its townships hang from the city itself.
  const dongcheng = await api.call<Unit>('GET', '/v1/units/441900003000', { token: guangdong.token, expect: 200 });
  check(dongcheng.parent === '441900000000', `441900003000 has parent ${dongcheng.parent}, expected 441900000000`);

  return { provinces: jobs.length, units, postsMs, ms, perSecond: (units / ms) * 1000, checks: ['浙江省 has 11 cities', '441900003000 东城街道 under 441900000000 东莞市'] };
}
