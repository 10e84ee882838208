import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { verifyEntries, type AuditEntry, type ChainHead } from '../../shared/audit';
import type { Job } from '../imports';
import { ApiClient } from './client';

const USAGE = `govtiers — 省级管理员命令行 / command line for provincial admins

  govtiers import <file.json[.gz]> [--under <code>]   导入区划代码树并显示进度 / import a division tree, with progress
  govtiers audit verify <code>                        重新计算审计哈希链 / recompute a unit's audit hash chain
  govtiers dlq list|show|redrive <queue>              死信消息：列出原因、显示全文、送回重试 / dead-lettered tier messages:
                                                      list with reasons, show in full, redrive (queue: inbox-city, ...)

Options:
  --url <url>          API 地址 / API address (default: $GOVTIERS_URL or http://127.0.0.1:3000)
  --token <jwt>        访问令牌 / bearer token (default: $GOVTIERS_TOKEN)
  --as <role:code>     本地运行时签发令牌 / mint a token from the local runtime, e.g. province-admin:330000000000
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function client(values: { url?: string; token?: string; as?: string }): Promise<ApiClient> {
  const api = new ApiClient(values.url ?? process.env.GOVTIERS_URL ?? 'http://127.0.0.1:3000', values.token ?? process.env.GOVTIERS_TOKEN);
  if (values.as) {
    const [role, unit] = values.as.split(':');
    if (!role || !unit) throw new Error('--as takes role:code, e.g. province-admin:330000000000');
    await api.signInLocally(role, unit);
  }
  return api;
}

async function importTree(api: ApiClient, file: string, under?: string): Promise<number> {
  const bytes = await readFile(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const root = under ?? (JSON.parse(text) as { code?: string }).code;
  if (!root) throw new Error('the file holds several trees: say which unit they go under with --under <code>');
  const { jobId } = await api.call<{ jobId: string }>('POST', `/v1/units/${root}/imports`, undefined, text);
  console.log(`任务 / job ${jobId}`);
  const bar = new cliProgress.SingleBar(
    { format: '导入 import [{bar}] {percentage}% | {value}/{total} | 新建 created {created} | 失败 failed {failed} | {state}' },
    cliProgress.Presets.shades_classic,
  );
  let job = await api.call<Job>('GET', `/v1/jobs/${jobId}`);
  bar.start(job.total, job.done, { created: job.created, failed: job.failed, state: job.state });
  while (job.state === 'queued' || job.state === 'running') {
    await sleep(500);
    job = await api.call<Job>('GET', `/v1/jobs/${jobId}`);
    bar.update(job.done, { created: job.created, failed: job.failed, state: job.state });
  }
  bar.stop();
  console.log(`${job.state === 'succeeded' ? '完成' : '有失败'} / ${job.state}: ${job.created} created, ${job.skipped} already there, ${job.failed} failed`);
  for (const e of job.errors) console.log(`  ${e.code}: ${e.message}`);
  return job.state === 'succeeded' ? 0 : 1;
}

async function verifyAudit(api: ApiClient, code: string): Promise<number> {
  const pages = async function* () {
    let cursor: string | undefined;
    do {
      const q = new URLSearchParams({ limit: '200', ...(cursor ? { cursor } : {}) });
      const page = await api.call<{ items: AuditEntry[]; cursor?: string; head: ChainHead }>('GET', `/v1/units/${code}/audit?${q}`);
      yield page;
      cursor = page.cursor;
    } while (cursor);
  };
  const report = await verifyEntries(pages());
  if (report.ok) {
    console.log(`审计链完整 / chain intact: ${report.entries} entries`);
    return 0;
  }
  const what = report.firstBroken.problem === 'altered' ? '被篡改 / altered' : '被删除 / removed';
  console.log(`审计链断裂 / chain broken: entry ${report.firstBroken.seq} ${what} (${report.entries} entries before it are intact)`);
  return 2;
}

interface DeadLetterPage {
  queue: string;
  depth: number;
  items: { messageId: string; reason?: string; failedAt?: string; receives: number; body: string }[];
}

async function deadLetters(api: ApiClient, action: string, queue: string): Promise<number> {
  const path = `/v1/queues/${encodeURIComponent(queue)}/dead-letters`;
  if (action === 'redrive') {
    const { redriven } = await api.call<{ redriven: number }>('POST', `${path}/redrive`);
    console.log(`已送回 / redriven: ${redriven} → ${queue}`);
    return 0;
  }
  const page = await api.call<DeadLetterPage>('GET', path);
  console.log(`${queue}: 死信 / dead letters ${page.depth}，本省 / yours ${page.items.length}`);
  for (const d of page.items) {
    let summary = '';
    try {
      const m = JSON.parse(d.body) as { id?: string; kind?: string; from?: string; to?: string };
      summary = `${m.kind ?? '?'} ${m.from ?? '?'} → ${m.to ?? '?'} ${m.id ?? ''}`;
    } catch {
      summary = '(不是 JSON / not JSON)';
    }
    console.log(`- ${d.messageId}  ${summary}\n  原因 / reason: ${d.reason ?? '未记录（由队列转入）/ not recorded (moved by the queue)'}  ${d.failedAt ?? ''}  (${d.receives}×)`);
    if (action === 'show') console.log(`  ${d.body}`);
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: 'string' }, token: { type: 'string' }, as: { type: 'string' }, under: { type: 'string' }, help: { type: 'boolean' } },
  });
  try {
    const [command, ...rest] = positionals;
    if (command === 'import' && rest[0]) return await importTree(await client(values), rest[0], values.under);
    if (command === 'audit' && rest[0] === 'verify' && rest[1]) return await verifyAudit(await client(values), rest[1]);
    if (command === 'dlq' && ['list', 'show', 'redrive'].includes(rest[0] ?? '') && rest[1]) {
      return await deadLetters(await client(values), rest[0]!, rest[1]);
    }
    console.log(USAGE);
    return values.help ? 0 : 64;
  } catch (e) {
    console.error(`错误 / error: ${(e as Error).message}`);
    return 1;
  }
}
