import * as z from '../shared/zod';
import { ulid } from 'ulid';
import { commitAudited } from '../shared/audit';
import type { Deps } from '../shared/deps';
import { ApiError, notFound } from '../shared/errors';
import type { Principal } from '../shared/roles';
import { ConditionFailed, type Item } from '../shared/store/store';
import { isUnitCode, levelOf, prefixOf } from '../shared/codes';
import type { DivisionNode, PlannedUnit } from './division-tree';
import { planImport } from './division-tree';
import { nearestAncestor, newUnit } from './units';
import { unitItem, unitKey } from './unit';

/**
 * Importing a division tree as a background job. The request checks the whole tree and stores it as a plan
 * (parents before children) in the bucket; the job worker then provisions it in chunks. Every unit is written
 * with "only if absent", so a rerun, a duplicated message or a restart after a crash changes nothing that is
 * already there, and the job's cursor lets a new invocation resume where the last one stopped.
 */

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;

export const jobSchema = z.object({
  jobId: z.string(),
  kind: z.literal('unit-import'),
  under: z.string(),
  state: z.enum(JOB_STATES),
  total: z.int(),
  done: z.int(),
  created: z.int(),
  skipped: z.int(),
  failed: z.int(),
  errors: z.array(z.object({ code: z.string(), message: z.string() })),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Job = z.infer<typeof jobSchema>;

interface JobItem extends Job {
  actor: Principal;
  cursor: number;
  plan: string;
  leaseUntil: number;
  v: number;
}

export const jobMessageSchema = z.object({ kind: z.literal('unit-import'), jobId: z.string() });

const CHUNK = 100; // DynamoDB's limit of writes in one transaction
const WAVE = 4; // chunks written at once
const LEASE_MS = 170_000; // a little under the jobs queue's visibility timeout
const STALE_MS = 300_000; // no progress for this long: the job's message was lost
const MAX_ERRORS = 100;

const jobKey = (under: string, id: string) => ({ pk: `${prefixOf(under)}#job`, sk: id });

/** Job ids name the unit they were started under, so a job is found (and scoped) without a lookup. */
export function parseJobId(jobId: string): { under: string; id: string } | undefined {
  const m = /^(\d{12})-([0-9A-HJKMNP-TV-Z]{26})$/.exec(jobId);
  return m && isUnitCode(m[1]!) ? { under: m[1]!, id: m[2]! } : undefined;
}

const publicJob = (j: Item): Job => jobSchema.parse(j);

export async function startImport(deps: Deps, actor: Principal, under: string, tree: DivisionNode | DivisionNode[]): Promise<Job> {
  const { plan, problems } = planImport(tree, under);
  if (problems.length > 0) throw new ApiError('validation_failed', problems);
  const underExists = await deps.store.get('registry', unitKey(under));
  if (!underExists && !(levelOf(under) === 'province' && plan[0]?.code === under)) {
    throw notFound();
  }
  const id = ulid();
  const jobId = `${under}-${id}`;
  const at = deps.now().toISOString();
  const planKey = `imports/${jobId}.json`;
  await deps.files.put(planKey, JSON.stringify(plan), 'application/json');
  const job: JobItem = {
    jobId, kind: 'unit-import', under, state: 'queued', total: plan.length, done: 0, created: 0, skipped: 0, failed: 0,
    errors: [], createdBy: actor.sub, actor, createdAt: at, updatedAt: at, cursor: 0, plan: planKey, leaseUntil: 0, v: 1,
  };
  // The province itself may not exist yet when its own tree is imported; its chain starts with this entry.
  await commitAudited(deps, deps.now(), under, {
    actor, action: 'units.import.start', subject: jobId, after: { jobId, plan: planKey, total: plan.length },
  }, [{ op: 'put', table: 'registry', item: { ...jobKey(under, id), ...job }, expect: { absent: true } }]);
  await deps.queues.send('jobs', { kind: 'unit-import', jobId });
  return publicJob(job as unknown as Item);
}

async function loadJob(deps: Deps, jobId: string): Promise<JobItem | undefined> {
  const parsed = parseJobId(jobId);
  if (!parsed) return undefined;
  return (await deps.store.get('registry', jobKey(parsed.under, parsed.id))) as JobItem | undefined;
}

const unfinished = (j: JobItem) => j.state === 'queued' || j.state === 'running';

/** A job's progress. A job that has made no progress for a while had its message lost: it is sent again. */
export async function getJob(deps: Deps, jobId: string): Promise<Job> {
  const job = await loadJob(deps, jobId);
  if (!job) throw notFound();
  const idle = deps.now().getTime() - Date.parse(job.updatedAt);
  if (unfinished(job) && idle > STALE_MS && job.leaseUntil < deps.now().getTime()) {
    await deps.queues.send('jobs', { kind: 'unit-import', jobId });
  }
  return publicJob(job as unknown as Item);
}

/** Asks for an unfinished job to be picked up again now (after a restart lost its message, say). */
export async function resumeJob(deps: Deps, jobId: string): Promise<Job> {
  const job = await loadJob(deps, jobId);
  if (!job) throw notFound();
  if (unfinished(job)) await deps.queues.send('jobs', { kind: 'unit-import', jobId });
  return publicJob(job as unknown as Item);
}

interface ChunkResult {
  created: number;
  skipped: number;
  errors: { code: string; message: string }[];
}

/**
 * Writes the absent units of one chunk in one transaction. The first attempt assumes none exists, as in a first
 * import, and reads which do only when a condition fails: a rerun, a resumed chunk, or another writer got there first.
 */
async function writeChunk(deps: Deps, units: PlannedUnit[], rootParent: (code: string) => Promise<string | undefined | null>): Promise<ChunkResult> {
  for (let attempt = 0; ; attempt++) {
    const existing =
      attempt === 0 ? new Set<string>() : new Set((await deps.store.getMany('registry', units.map((u) => unitKey(u.code)))).map((i) => i.code as string));
    const errors: ChunkResult['errors'] = [];
    const items: Item[] = [];
    const at = deps.now().toISOString();
    for (const u of units) {
      if (existing.has(u.code)) continue;
      const parent = u.parent ?? (await rootParent(u.code));
      if (parent === null) {
        errors.push({ code: u.code, message: '上级单位不存在 / no ancestor unit exists' });
        continue;
      }
      items.push(unitItem(newUnit(u.code, u.name, parent, at)));
    }
    try {
      await deps.store.transact(items.map((item) => ({ op: 'put', table: 'registry', item, expect: { absent: true } })));
      return { created: items.length, skipped: existing.size, errors };
    } catch (e) {
      if (!(e instanceof ConditionFailed) || attempt >= 3) throw e;
    }
  }
}

export type RunOutcome = 'finished' | 'continued' | 'busy' | 'gone';

/**
 * Works on a job until it is finished or `remainingMs()` runs low, then saves its place and asks for another
 * invocation. Holding the job's lease (a versioned write) keeps a duplicated message from running it twice.
 */
export async function runImport(deps: Deps, jobId: string, remainingMs: () => number): Promise<RunOutcome> {
  let job = await loadJob(deps, jobId);
  if (!job) return 'gone';
  if (job.state === 'succeeded' || job.state === 'failed') return 'finished';
  const now = () => deps.now().getTime();
  const busy = async (): Promise<RunOutcome> => {
    // Someone holds the lease: look again once it has run out, in case its holder died.
    const wait = Math.ceil((job!.leaseUntil - now()) / 1000) + 1;
    await deps.queues.send('jobs', { kind: 'unit-import', jobId }, { delaySeconds: Math.max(1, Math.min(900, wait)) });
    return 'busy';
  };
  if (job.state === 'running' && job.leaseUntil > now()) return busy();

  const save = async (patch: Partial<JobItem>): Promise<boolean> => {
    const next: JobItem = { ...job!, ...patch, updatedAt: deps.now().toISOString(), v: job!.v + 1 };
    try {
      await deps.store.write({ op: 'put', table: 'registry', item: next as unknown as Item, expect: { version: job!.v } });
    } catch (e) {
      if (e instanceof ConditionFailed) return false; // another invocation took the job over
      throw e;
    }
    job = next;
    return true;
  };
  if (!(await save({ state: 'running', leaseUntil: now() + LEASE_MS }))) return busy();

  const planText = await deps.files.get(job.plan);
  if (planText === undefined) throw new Error(`plan ${job.plan} of job ${jobId} is missing`);
  const plan = JSON.parse(planText) as PlannedUnit[];
  const rootParents = new Map<string, Promise<string | null | undefined>>();
  const rootParent = (code: string) => {
    if (!rootParents.has(code)) {
      rootParents.set(code, nearestAncestor(deps.store, code).then((a) => a?.code ?? (levelOf(code) === 'province' ? undefined : null)));
    }
    return rootParents.get(code)!;
  };

  while (job.cursor < plan.length) {
    if (remainingMs() < 20_000) {
      // Lease released before the next message goes out, so that message finds the job free.
      if (!(await save({ leaseUntil: 0 }))) return 'busy';
      await deps.queues.send('jobs', { kind: 'unit-import', jobId });
      return 'continued';
    }
    const waveEnd = Math.min(plan.length, job.cursor + CHUNK * WAVE);
    const chunks: PlannedUnit[][] = [];
    for (let i = job.cursor; i < waveEnd; i += CHUNK) chunks.push(plan.slice(i, Math.min(i + CHUNK, waveEnd)));
    const results = await Promise.all(chunks.map((c) => writeChunk(deps, c, rootParent)));
    const errors = results.flatMap((r) => r.errors);
    const saved = await save({
      cursor: waveEnd,
      done: waveEnd,
      created: job.created + results.reduce((n, r) => n + r.created, 0),
      skipped: job.skipped + results.reduce((n, r) => n + r.skipped, 0),
      failed: job.failed + errors.length,
      errors: [...job.errors, ...errors].slice(0, MAX_ERRORS),
      leaseUntil: now() + LEASE_MS,
    });
    if (!saved) return 'busy';
  }

  const finished: JobItem = { ...job, state: job.failed > 0 ? 'failed' : 'succeeded', leaseUntil: 0, updatedAt: deps.now().toISOString(), v: job.v + 1 };
  await commitAudited(deps, deps.now(), job.under, {
    actor: job.actor, action: 'units.import.finish', subject: jobId,
    after: { created: job.created, skipped: job.skipped, failed: job.failed },
  }, [{ op: 'put', table: 'registry', item: finished as unknown as Item, expect: { version: job.v } }]);
  return 'finished';
}
