// The demo province every fresh local runtime gets: 浙江省 down to its 25,547 villages, provisioned through the units
// API as a province admin would (an import job), never by writing items behind the API's back.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '../../tenants/imports';
import { loadDivisionText } from '../../tenants/divisions';
import type { DemoContext } from './runtime';

export const DEMO_PROVINCE = '330000000000';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Provisions the demo province on first start and follows the job, logging its progress. The job id is kept under
 * the data folder, so a restart in the middle resumes that job instead of starting another one.
 */
export async function provisionDemo(ctx: DemoContext, dataDir: string): Promise<void> {
  const token = await ctx.token('province-admin', DEMO_PROVINCE);
  const api = async <T>(method: string, path: string, body?: string): Promise<{ status: number; json: T }> => {
    const res = await fetch(`${ctx.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
    });
    return { status: res.status, json: (await res.json()) as T };
  };
  const marker = dataDir === ':memory:' ? undefined : join(dataDir, 'demo-job.json');
  let jobId = marker ? await readFile(marker, 'utf8').then((t) => (JSON.parse(t) as { jobId: string }).jobId, () => undefined) : undefined;

  if (jobId) {
    const { json: job } = await api<Job>('GET', `/v1/jobs/${jobId}`);
    if (job.state === 'succeeded' || job.state === 'failed') return;
    ctx.log(`demo: resuming the import of ${DEMO_PROVINCE} 浙江省 (${job.done}/${job.total} done before the restart)`);
    await api('POST', `/v1/jobs/${jobId}/resume`);
  } else {
    if ((await api('GET', `/v1/units/${DEMO_PROVINCE}`)).status === 200) return;
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
      return;
    }
    await sleep(1000);
  }
}
