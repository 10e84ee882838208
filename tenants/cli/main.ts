import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { ChainProblem, ChainReport } from '../../shared/audit';
import { isUnitCode, levelOf } from '../../shared/codes';
import { BUCKET_ENV, tableEnv, type TableId } from '../../shared/resources';
import { S3Client } from '@aws-sdk/client-s3';
import { MAC_KEY_DIR_ENV, keysFromEnv } from '../../shared/aws/keys-from-env';
import { createS3Archive } from '../../shared/aws/s3-archive';
import { s3ClientConfig } from '../../shared/aws/s3-files';
import type { Deps } from '../../shared/deps';
import { createDynamoStore } from '../../shared/store/dynamo-store';
import { RUNTIME_FILE, type RuntimeFile } from './runtime-file';
import { loadDivisions } from '../divisions';
import type { Job } from '../imports';
import { bootstrapProvince, setProvinceAdminStatus } from '../people';
import { ApiClient } from './client';

const USAGE = `govtiers — 省级管理员命令行 / command line for provincial admins

  govtiers import <file.json[.gz]> [--under <code>]   导入区划代码树并显示进度 / import a division tree, with progress
  govtiers audit verify <code>                        校验审计日志（哈希链、认证码、检查点）/ verify a unit's audit log
  govtiers bootstrap <province code> <admin sub>      运维步骤：创建省级单位及首位省级管理员（幂等）/
                                                      operator step: the province unit and its first admin (idempotent)
  govtiers revoke <province code> <admin sub>         运维步骤：停用一名省级管理员 / operator step: disable a province admin
  govtiers dlq list|show|redrive <queue>              死信消息：列出原因、显示全文、送回重试 / dead-lettered tier messages:
                                                      list with reasons, show in full, redrive (queue: inbox-city, ...)

Options:
  --url <url>          API 地址 / API address (default: $GOVTIERS_URL or http://127.0.0.1:3000)
  --token <jwt>        访问令牌 / bearer token (default: $GOVTIERS_TOKEN)
  --as <role:code>     本地运行时签发令牌 / mint a token from the local runtime, e.g. province-admin:330000000000

bootstrap and revoke write to the tables directly, with the operator's own AWS credentials (the API cannot be used: no admin
exists yet). Tables: --registry-table and --province-table, or $TABLE_REGISTRY and $TABLE_PROVINCE (physical names
from the stack's resources); without them, the running local runtime's (<data dir>/runtime.json).
  --data-dir <dir>     本地运行时的数据目录 / the local runtime's data folder (default: $DATA_DIR or .data)
  --name <name>        省级单位名称 / the province's name if it must be created (default: the shipped edition's)
  --operator <who>     记入审计日志的运维人员 / the operator named in the audit log (default: the OS user)
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

const PROBLEMS: Record<ChainProblem, string> = {
  altered: '被篡改 / altered',
  missing: '被删除 / removed',
  reordered: '被调换位置 / reordered',
  truncated: '被截断：日志短于最近的检查点 / truncated: the log is shorter than its last checkpoint',
  head: '链头与记录不符 / the chain head does not match the entries',
};

/** The platform verifies (it holds the audit key's VerifyMac and reads the checkpoints); this prints its finding. */
async function verifyAudit(api: ApiClient, code: string): Promise<number> {
  const report = await api.call<ChainReport>('GET', `/v1/units/${code}/audit/verify`);
  if (report.ok) {
    console.log(`审计链完整 / chain intact: ${report.entries} entries`);
    return 0;
  }
  const { seq, problem } = report.firstBroken;
  console.log(`审计链断裂 / chain broken: entry ${seq} ${PROBLEMS[problem]} (${report.entries} entries before it are intact)`);
  return 2;
}

interface BootstrapOptions {
  'data-dir'?: string;
  'registry-table'?: string;
  'province-table'?: string;
  name?: string;
  operator?: string;
}

/**
 * What an operator's step writes with: the tables (flags, else the environment the functions use too, else the running
 * local runtime's file, which also names its DynamoDB Local endpoint, reached with its dummy credentials), the audit
 * key and the audit archive (the environment's `KMS_KEY_AUDIT` and `BUCKET_ARCHIVE` in AWS, the local runtime's own
 * locally), so that its audit entries are signed and checkpointed like every other.
 */
async function operatorDeps(o: BootstrapOptions): Promise<Pick<Deps, 'store' | 'keys' | 'archive' | 'now'>> {
  const now = () => new Date();
  const names: Partial<Record<TableId, string>> = {
    registry: o['registry-table'] ?? process.env[tableEnv('registry')],
    province: o['province-table'] ?? process.env[tableEnv('province')],
  };
  if (!names.registry || !names.province) {
    const file = join(o['data-dir'] ?? process.env.DATA_DIR ?? '.data', RUNTIME_FILE);
    const local = await readFile(file, 'utf8').then((t) => JSON.parse(t) as RuntimeFile, () => undefined);
    if (!local) throw new Error(`no tables named (--registry-table/--province-table or TABLE_REGISTRY/TABLE_PROVINCE) and no running local runtime (${file})`);
    Object.assign(names, { registry: local.tables.registry, province: local.tables.province });
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const client = new DynamoDBClient({ endpoint: local.dynamodb, region: 'us-east-1', credentials });
    const s3 = new S3Client({ ...s3ClientConfig(), endpoint: local.s3, region: 'us-east-1', forcePathStyle: true, credentials });
    return {
      store: await createDynamoStore((id) => names[id] ?? missingTable(id), client),
      keys: keysFromEnv({ [MAC_KEY_DIR_ENV]: local.macKeyDir }),
      archive: await createS3Archive({ [BUCKET_ENV]: local.bucket }, s3),
      now,
    };
  }
  return { store: await createDynamoStore((id) => names[id] ?? missingTable(id)), keys: keysFromEnv(), archive: await createS3Archive(), now };
}

const missingTable = (id: TableId): never => {
  throw new Error(`bootstrap touches only the registry and province tables, not ${id}`);
};

const requireProvince = (code: string) => {
  if (!isUnitCode(code) || levelOf(code) !== 'province') throw new Error(`${code} is not the 12-digit code of a province`);
};
const operatorOf = (o: BootstrapOptions) => `operator:${o.operator ?? userInfo().username}`;

async function bootstrap(o: BootstrapOptions, province: string, sub: string): Promise<number> {
  requireProvince(province);
  const name = o.name ?? (await loadDivisions('chinaTownships')).find((p) => p.code === province)?.name;
  if (!name) throw new Error(`the shipped edition has no province ${province}: give its name with --name`);
  const r = await bootstrapProvince(await operatorDeps(o), operatorOf(o), province, name, sub);
  const account = { created: '已创建 / created', enabled: '已重新启用 / re-enabled', unchanged: '已存在 / already there' }[r.account];
  console.log(`${province} ${name}: ${r.unitCreated ? '单位已创建 / unit created' : '单位已存在 / unit already there'}; 省级管理员 / province admin ${sub}: ${account}`);
  return 0;
}

async function revoke(o: BootstrapOptions, province: string, sub: string): Promise<number> {
  requireProvince(province);
  const changed = await setProvinceAdminStatus(await operatorDeps(o), operatorOf(o), province, sub, 'disabled');
  console.log(`${province} 省级管理员 / province admin ${sub}: ${changed ? '已停用 / disabled' : '已是停用状态 / already disabled'}`);
  return 0;
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
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      as: { type: 'string' },
      under: { type: 'string' },
      'data-dir': { type: 'string' },
      'registry-table': { type: 'string' },
      'province-table': { type: 'string' },
      name: { type: 'string' },
      operator: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  try {
    const [command, ...rest] = positionals;
    if (command === 'import' && rest[0]) return await importTree(await client(values), rest[0], values.under);
    if (command === 'audit' && rest[0] === 'verify' && rest[1]) return await verifyAudit(await client(values), rest[1]);
    if (command === 'bootstrap' && rest[0] && rest[1]) return await bootstrap(values, rest[0], rest[1]);
    if (command === 'revoke' && rest[0] && rest[1]) return await revoke(values, rest[0], rest[1]);
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
