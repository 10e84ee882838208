// The tier transport on the local runtime, 浙江省 tree: a case escalated from a village to the province, timed; then
// messages of every kind (counted events, assignments and data requests, their steps, escalations, supervision) while a fifth of the
// consumer invocations fail, the queue drops a message and the runtime restarts (fauxqs then loses everything in
// flight), every effect compared with what the operations should have caused; and the time a roll-up of many
// village events takes to reach the province exactly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, DeleteMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { countEvent, EVENT_KINDS, statsKey, zeroCounts, type Counts, type EventKind } from '../../functions/stats/rollup';
import { actOnTask, ASSIGNMENTS, createTask, readTask, taskRules, type TaskKind } from '../../functions/tiers/assignments';
import { DATA_REQUESTS } from '../../functions/tiers/data-requests';
import { checkRows, type Column } from '../../functions/tiers/data-table';
import { escalate, getCase, heldCase, supervise } from '../../functions/tiers/escalation';
import { handler as consumer } from '../../functions/tiers/consumer';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { QueuePoller } from '../../infra/local/pollers';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import { depth, levelOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError } from '../../shared/errors';
import { LEVELS } from '../../shared/levels';
import { inboxOf, QUEUE_SPEC } from '../../shared/resources';
import { outboxBacklog } from '../../shared/tiers/reconcile';
import type { Principal } from '../../shared/roles';
import type { Item } from '../../shared/store/store';
import { toChinaDate } from '../../shared/working-days';
import { apiClient } from './api';
import { zhejiangItems } from './import-rate';
import { escalationLatency, type EscalationFigures } from './tier-escalation';

const DAY = '2026-03-02';
const PROVINCE = '330000000000';
const INBOXES = LEVELS.map(inboxOf);

export interface TierFigures {
  escalation: EscalationFigures;
  /** Tier messages the run's operations cause, by kind (resends and redeliveries not counted). */
  messages: Record<string, number>;
  operations: Record<string, number>;
  failedInvocations: number;
  restarts: number;
  dropped: number;
  lost: Record<string, number>;
  duplicated: Record<string, number>;
  lostEffects: number;
  duplicatedEffects: number;
  seconds: number;
  rollup: { events: number; city: string; secondsToExact: number; messages: number };
}

/** A seeded generator: the same run every time. */
function random(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

class Network {
  pollers: QueuePoller[] = [];
  failed = 0;
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(
    private rt: LocalRuntime,
    private failRate: number,
    private rnd: () => number,
  ) {}

  /** Consumers as Lambda runs them, a fraction of invocations failing whole; the relay and the reconciler beside them. */
  start() {
    this.stopped = false;
    const flaky = async (event: SQSEvent, context: Context) => {
      if (this.rnd() < this.failRate) {
        this.failed++;
        throw new Error('injected failure');
      }
      return consumer(event, context);
    };
    this.pollers = INBOXES.map(
      (q) =>
        new QueuePoller({
          queueId: q,
          queueUrl: this.rt.resources.queues[q].url,
          queueArn: this.rt.resources.queues[q].arn,
          handler: flaky,
          batchSize: QUEUE_SPEC[q].batchSize,
          waitTimeSeconds: 1,
        }),
    );
    for (const p of this.pollers) p.start();
    const loop = async (every: number, step: () => Promise<unknown>) => {
      while (!this.stopped) {
        await step().catch(() => undefined);
        await new Promise((r) => setTimeout(r, every));
      }
    };
    this.loops = [loop(100, () => this.rt.streams.pollOnce()), loop(2000, () => this.rt.schedules.runOnce('tiersReconciler'))];
  }

  async stop() {
    this.stopped = true;
    await Promise.all([...this.pollers.map((p) => p.stop()), ...this.loops]);
  }
}

type Step = 'complete' | 'return' | 'escalate' | 'accept';

/** What the run should have caused, kept as it goes: the effects the stores must show exactly once. */
class Ledger {
  own = new Map<string, Counts>();
  messages: Record<string, number> = {};
  operations: Record<string, number> = {};
  constructor(private depthOf: (unit: string) => number) {}
  count(unit: string, kind: EventKind) {
    const c = this.own.get(unit) ?? zeroCounts();
    c[kind]++;
    this.own.set(unit, c);
    // The unit's message to itself, then one per hop up to the province.
    this.sent('rollup', this.depthOf(unit) + 1);
  }
  sent(kind: string, n = 1) {
    this.messages[kind] = (this.messages[kind] ?? 0) + n;
  }
  did(operation: string) {
    this.operations[operation] = (this.operations[operation] ?? 0) + 1;
  }
  get total() {
    return Object.values(this.messages).reduce((a, b) => a + b, 0);
  }
}

/** A data request's table in the run: one required figure per unit. */
const COLUMNS: Column[] = [{ key: 'households', label: '户数', type: 'integer', required: true }];

interface PlannedCase {
  task: TaskKind;
  assigner: string;
  assignee: string;
  steps: Step[];
  supervise: boolean;
  id?: string;
  ref?: string;
}

async function ownCounts(deps: Deps, units: string[], days: string[]): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  for (const level of LEVELS) {
    const keys = units.filter((u) => levelOf(u) === level).flatMap((u) => days.map((d) => statsKey(u, d)));
    for (let i = 0; i < keys.length; i += 100) {
      for (const row of await deps.store.getMany(level, keys.slice(i, i + 100))) {
        const c = out.get(row.unit as string) ?? zeroCounts();
        for (const k of EVENT_KINDS) c[k] += (row.own as Counts)[k] ?? 0;
        out.set(row.unit as string, c);
      }
    }
  }
  return out;
}

async function provinceTotals(deps: Deps, days: string[]): Promise<Counts> {
  const rows = await deps.store.getMany('province', days.map((d) => statsKey(PROVINCE, d)));
  const c = zeroCounts();
  for (const row of rows) for (const k of EVENT_KINDS) c[k] += (row.subtree as Counts)[k] ?? 0;
  return c;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`tier bench: ${what} not reached in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function retryOnConflict<T>(act: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await act();
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'conflict') || attempt >= 10) throw e;
    }
  }
}

const settled = (deps: Deps) => until('every message acknowledged', async () => (await outboxBacklog(deps, ['33'], 1)) === 0, 30 * 60_000);

export async function tierReliability(
  opts: { messages?: number; rollupEvents?: number; escalationRounds?: number; log?: (l: string) => void } = {},
): Promise<TierFigures> {
  const target = opts.messages ?? 10_000;
  const rollupEvents = opts.rollupEvents ?? 100_000;
  const log = opts.log ?? (() => {});
  // Resends after 5 s, so what a restart loses comes back within the run.
  process.env.TIER_RESEND_AFTER_SECONDS = '5';
  const dataDir = await mkdtemp(join(tmpdir(), 'govtiers-tier-bench-'));
  const rnd = random(20261201);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const port = (url: string) => Number(new URL(url).port);
  let rt = await startLocalRuntime({ dataDir, port: 0, polling: 'manual', log });
  let net = new Network(rt, 0, rnd);
  const restart = async () => {
    await net.stop();
    const old = rt;
    await old.stop();
    rt = await startLocalRuntime({
      dataDir,
      port: port(old.url),
      emulatorPorts: { dynamodb: port(old.endpoints.dynamodb), sqs: port(old.endpoints.sqs), s3: port(old.endpoints.s3) },
      polling: 'manual',
      log,
    });
    net = new Network(rt, 0.2, rnd);
    net.start();
  };
  try {
    const deps = await depsFromEnv();
    const units: Item[] = await zhejiangItems();
    // Four writers at once: the registry is the run's setup, not what it measures.
    const quarter = Math.ceil(units.length / 4);
    await Promise.all([0, 1, 2, 3].map((i) => deps.store.putMany('registry', units.slice(i * quarter, (i + 1) * quarter))));
    const codes = units.map((u) => u.code as string);
    const parentOf = new Map(units.map((u) => [u.code as string, u.parent as string | undefined]));
    const children = new Map<string, string[]>();
    for (const [code, parent] of parentOf) if (parent) children.set(parent, [...(children.get(parent) ?? []), code]);
    const assigners = [...children.keys()];

    log(`tier bench: ${units.length} units in the registry`);
    // 1. Escalation, village to province, on a transport without faults.
    net.start();
    const escalation = await escalationLatency(apiClient(rt.url, rt.issuer), deps, opts.escalationRounds);
    await settled(deps);
    await net.stop();
    log(`tier bench: escalation measured, median ${escalation.endToEnd.medianMs} ms`);

    // 2. Messages of every kind while a fifth of the consumer invocations fail, the queue drops one and the runtime
    // restarts. Planned first (seeded), so the ledger knows every effect each operation must have.
    const ledger = new Ledger((u) => depth(levelOf(u)));
    const directEvents: { unit: string; kind: EventKind }[] = [];
    const assignments: PlannedCase[][] = [];
    while (ledger.total < target) {
      if (rnd() < 0.5) {
        const e = { unit: pick(codes), kind: pick(EVENT_KINDS) };
        directEvents.push(e);
        ledger.did('event');
        ledger.count(e.unit, e.kind);
        continue;
      }
      const assigner = pick(assigners);
      const below = children.get(assigner)!;
      const assignees = [...new Set([pick(below), pick(below)])];
      // A quarter of the tasks sent down are data requests (数据报送): the same flow with rows coming back.
      const task = rnd() < 0.25 ? DATA_REQUESTS : ASSIGNMENTS;
      ledger.did(task.kind);
      const group: PlannedCase[] = [];
      assignments.push(group);
      for (const assignee of assignees) {
        const r = rnd();
        const steps: Step[] = r < 0.5 ? ['accept', 'complete'] : r < 0.7 ? ['return'] : r < 0.9 ? ['accept', 'escalate'] : ['accept'];
        const c: PlannedCase = { task, assigner, assignee, steps, supervise: rnd() < 0.25 };
        group.push(c);
        ledger.sent(task.down);
        ledger.count(assignee, 'opened');
        for (const s of steps) {
          ledger.did(s);
          ledger.sent(task.up);
          if (s === 'complete') ledger.count(assignee, 'closed');
          if (s === 'return') ledger.count(assignee, 'returned');
          if (s === 'escalate') {
            ledger.count(assignee, 'escalated');
            ledger.sent('escalation');
          }
        }
        if (c.supervise) {
          ledger.did('supervise');
          ledger.sent('supervision');
        }
      }
    }
    const cases = assignments.flat();
    const startDay = toChinaDate(new Date());
    // What the escalation rounds counted already (a run across midnight, China time, starts a new day at zero).
    const ownBefore = await ownCounts(deps, [...ledger.own.keys()], [startDay]);
    const provinceBefore = await provinceTotals(deps, [startDay]);
    const t0 = performance.now();
    net = new Network(rt, 0.2, rnd);
    net.start();
    let dropped = 0;
    const dropOne = async () => {
      // The queue loses one message: taken and deleted without being handled.
      const sqs = new SQSClient({});
      for (let tries = 0; tries < 50 && dropped === 0; tries++) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: rt.resources.queues['inbox-village'].url, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
        for (const m of Messages) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: rt.resources.queues['inbox-village'].url, ReceiptHandle: m.ReceiptHandle! }));
          dropped++;
        }
      }
    };
    const actor = (unit: string): Principal => ({ sub: `bench-reliability-${unit}`, role: 'staff', unit });
    // Phase A: events counted, tasks assigned (each assignee receives its case by message).
    const work = [...directEvents.map((event, i) => ({ event, i })), ...assignments.map((group) => ({ group }))].sort(() => rnd() - 0.5);
    for (let n = 0; n < work.length; n++) {
      const w = work[n]!;
      if ('event' in w) {
        await deps.store.transact([countEvent({ unit: w.event.unit, kind: w.event.kind, day: toChinaDate(new Date()), eventId: `bench/${w.i}` }, new Date())]);
      } else {
        const { assigner, task } = w.group[0]!;
        const a = await createTask(task, deps, actor(assigner), assigner, {
          title: task === DATA_REQUESTS ? '基准报送' : '基准交办',
          body: '请按期办理',
          assignees: w.group.map((c) => c.assignee),
          workingDays: 5,
          ...(task === DATA_REQUESTS ? { columns: COLUMNS } : {}),
        });
        for (const c of w.group) c.id = a.id;
      }
      if (n === Math.floor(work.length / 3)) await dropOne();
    }
    log(`tier bench: phase A written (${work.length} operations); waiting for every message`);
    await settled(deps);
    log('tier bench: phase A settled');
    // Phase B: each assignee works its case; some are supervised from above first; the runtime restarts halfway.
    for (let n = 0; n < cases.length; n++) {
      const c = cases[n]!;
      if (c.supervise) c.ref = (await supervise(deps, actor(c.assigner), c.assigner, c.assignee, c.task.kind, c.id!, '请加快办理')).ref;
      for (const s of c.steps) {
        // The supervision flag may land on the case between a clerk's read and write: the clerk gets 409 and tries again.
        await retryOnConflict(() =>
          s === 'escalate'
            ? heldCase(deps, c.assignee, c.task.kind, c.id!).then((held) => escalate(deps, actor(c.assignee), held, taskRules(c.task), '需上级协调'))
            : actOnTask(c.task, deps, actor(c.assignee), c.assignee, c.id!, s, s === 'return' ? '不属于本单位职责' : undefined, () =>
                checkRows(COLUMNS, [{ households: c.assignee.length }]),
              ),
        );
      }
      if (n === Math.floor(cases.length / 2)) await restart();
    }
    log('tier bench: phase B written; waiting for every message');
    await settled(deps);
    const seconds = (performance.now() - t0) / 1000;
    log(`tier bench: reliability run settled after ${Math.round(seconds)} s`);
    const days = [...new Set([startDay, toChinaDate(new Date())])];

    // Every effect, exactly once.
    const lost: Record<string, number> = {};
    const duplicated: Record<string, number> = {};
    const tally = (kind: string, d: number) => {
      if (d < 0) lost[kind] = (lost[kind] ?? 0) - d;
      else if (d > 0) duplicated[kind] = (duplicated[kind] ?? 0) + d;
    };
    const own = await ownCounts(deps, [...ledger.own.keys()], days);
    for (const [unit, want] of ledger.own) {
      for (const k of EVENT_KINDS) tally('rollup (own)', (own.get(unit)?.[k] ?? 0) - (ownBefore.get(unit)?.[k] ?? 0) - want[k]);
    }
    const wanted = zeroCounts();
    for (const c of ledger.own.values()) for (const k of EVENT_KINDS) wanted[k] += c[k];
    const province = await provinceTotals(deps, days);
    for (const k of EVENT_KINDS) tally('rollup (province)', province[k] - provinceBefore[k] - wanted[k]);
    for (const c of cases) {
      const held = await getCase(deps, c.assignee, c.task.kind, c.id!);
      tally(c.task.down, held ? 0 : -1);
      if (!held) continue;
      const view = await readTask(c.task, deps, c.assigner, c.id!);
      const mine = view.assignees.find((a) => a.unit === c.assignee);
      tally(c.task.up, (mine?.steps.length ?? 0) - c.steps.length);
      // A completed data request's rows reached the requester with its last step.
      if (c.task === DATA_REQUESTS && c.steps.includes('complete')) tally('data-response (rows)', mine?.rows ? 0 : -1);
      if (c.steps.includes('escalate')) {
        // The parent's copy (which two assignees of one task may share) keeps this assignee's escalation once.
        const up = await getCase(deps, parentOf.get(c.assignee)!, c.task.kind, c.id!);
        tally('escalation', (up?.history.filter((s) => s.action === 'escalate' && s.unit === c.assignee).length ?? 0) - 1);
      }
      if (c.supervise) {
        // The flag lands where the case is when it arrives: the assignee, or the parent it was escalated to; one that
        // landed before the escalation goes up with the case, so both copies show it. Once in some copy, never twice
        // in one.
        const up = c.steps.includes('escalate') ? await getCase(deps, parentOf.get(c.assignee)!, c.task.kind, c.id!) : undefined;
        const counts = [held, up].map((k) => k?.supervision.filter((s) => s.ref === c.ref).length ?? 0);
        tally('supervision', Math.max(...counts) === 0 ? -1 : Math.max(...counts) - 1);
      }
    }
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const failedInvocations = net.failed;
    await net.stop();

    // 3. Roll-up: many events over the villages of one city, timed until the province's totals are exact.
    net = new Network(rt, 0, rnd);
    net.start();
    const city = '330100000000';
    const villages = codes.filter((c) => c.startsWith('3301') && levelOf(c) === 'village');
    const rollupDay = toChinaDate(new Date());
    const before = (await provinceTotals(deps, [rollupDay])).opened;
    const r0 = performance.now();
    for (let i = 0; i < rollupEvents; i += 25) {
      const batch = Array.from({ length: Math.min(25, rollupEvents - i) }, (_, j) =>
        countEvent({ unit: villages[(i + j) % villages.length]!, kind: 'opened', day: rollupDay, eventId: `rollup/${i + j}` }, new Date()),
      );
      await deps.store.transact(batch);
    }
    await until('the province totals', async () => (await provinceTotals(deps, [rollupDay])).opened === before + rollupEvents, 60 * 60_000);
    const secondsToExact = (performance.now() - r0) / 1000;

    return {
      escalation,
      messages: ledger.messages,
      operations: ledger.operations,
      failedInvocations,
      restarts: 1,
      dropped,
      lost,
      duplicated,
      lostEffects: sum(lost),
      duplicatedEffects: sum(duplicated),
      seconds: Math.round(seconds),
      rollup: { events: rollupEvents, city, secondsToExact: Math.round(secondsToExact), messages: rollupEvents * 5 },
    };
  } finally {
    await net.stop();
    await rt.stop();
    delete process.env.TIER_RESEND_AFTER_SECONDS;
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The section's lines and its targets (escalation p99 under 5 s; lost and duplicated effects: none). */
export function tierReport(r: TierFigures, print: (line: string) => void): { figure: string; target: string; measured: string; pass: boolean }[] {
  const list = (o: Record<string, number>) => Object.entries(o).map(([k, n]) => `${k} ${n.toLocaleString('en')}`).join(', ') || 'none';
  const total = Object.values(r.messages).reduce((a, b) => a + b, 0);
  print('\nTier messages — local runtime, 浙江省 tree');
  print(`  escalation village → province (4 hops), ${r.escalation.rounds} rounds: median ${r.escalation.endToEnd.medianMs} ms, p99 ${r.escalation.endToEnd.p99Ms} ms (one hop: median ${r.escalation.hop.medianMs} ms, p99 ${r.escalation.hop.p99Ms} ms)`);
  print(`  under faults: ${total.toLocaleString('en')} tier messages (${list(r.messages)}) from ${list(r.operations)}, in ${r.seconds} s`);
  print(`  faults: ${r.failedInvocations} consumer invocations failed (20%), ${r.dropped} message dropped by the queue, ${r.restarts} restart`);
  print(`  lost effects ${r.lostEffects} (${list(r.lost)}), duplicated effects ${r.duplicatedEffects} (${list(r.duplicated)})`);
  print(`  roll-up: ${r.rollup.events.toLocaleString('en')} events over the villages of ${r.rollup.city} (${r.rollup.messages.toLocaleString('en')} messages) exact at the province after ${r.rollup.secondsToExact} s`);
  return [
    { figure: 'escalation village → province, p99', target: '< 5 s', measured: `${r.escalation.endToEnd.p99Ms} ms`, pass: r.escalation.endToEnd.p99Ms < 5000 },
    { figure: 'tier messages: lost effects', target: '0', measured: String(r.lostEffects), pass: r.lostEffects === 0 },
    { figure: 'tier messages: duplicated effects', target: '0', measured: String(r.duplicatedEffects), pass: r.duplicatedEffects === 0 },
  ];
}
