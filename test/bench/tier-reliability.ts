// Tier transport under faults, on the local runtime: events counted across the 浙江省 tree while a fifth of the
// consumer invocations fail, the queue drops a message and the runtime restarts (fauxqs then loses everything in
// flight); then every unit's own counters and the province's subtree totals are compared with what was counted.
// And the time a roll-up of many village events takes to reach the province exactly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, DeleteMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { countEvent, EVENT_KINDS, statsKey, type Counts, type EventKind } from '../../functions/stats/rollup';
import { handler as consumer } from '../../functions/tiers/consumer';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { QueuePoller } from '../../infra/local/pollers';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import { depth, levelOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { LEVELS } from '../../shared/levels';
import { inboxOf, QUEUE_SPEC } from '../../shared/resources';
import { outboxBacklog } from '../../shared/tiers/reconcile';
import type { Item } from '../../shared/store/store';
import { zhejiangItems } from './import-rate';

const DAY = '2026-03-02';
const PROVINCE = '330000000000';
const INBOXES = LEVELS.map(inboxOf);

export interface TierFigures {
  messages: number;
  events: number;
  failedInvocations: number;
  restarts: number;
  dropped: number;
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

async function ownCounts(deps: Deps, units: string[]): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  for (const level of LEVELS) {
    const keys = units.filter((u) => levelOf(u) === level).map((u) => statsKey(u, DAY));
    for (let i = 0; i < keys.length; i += 100) {
      for (const row of await deps.store.getMany(level, keys.slice(i, i + 100))) out.set(row.unit as string, row.own as Counts);
    }
  }
  return out;
}

const provinceTotals = async (deps: Deps) => ((await deps.store.get('province', statsKey(PROVINCE, DAY)))?.subtree ?? {}) as Partial<Counts>;

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`tier bench: ${what} not reached in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function tierReliability(opts: { messages?: number; rollupEvents?: number; log?: (l: string) => void } = {}): Promise<TierFigures> {
  const target = opts.messages ?? 10_000;
  const rollupEvents = opts.rollupEvents ?? 100_000;
  const log = opts.log ?? (() => {});
  // Resends after 5 s, so what a restart loses comes back within the run.
  process.env.TIER_RESEND_AFTER_SECONDS = '5';
  const dataDir = await mkdtemp(join(tmpdir(), 'govtiers-tier-bench-'));
  const rnd = random(20261201);
  const port = (url: string) => Number(new URL(url).port);
  let rt = await startLocalRuntime({ dataDir, port: 0, polling: 'manual', log });
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
  let net = new Network(rt, 0.2, rnd);
  try {
    const deps = await depsFromEnv();
    const units: Item[] = await zhejiangItems();
    await deps.store.putMany('registry', units);
    const codes = units.map((u) => u.code as string);

    // Events at random units of every level until their messages (one per hop up to the province) make the target.
    const expected = new Map<string, Counts>();
    const totals = Object.fromEntries(EVENT_KINDS.map((k) => [k, 0])) as Counts;
    let messages = 0;
    const events: { unit: string; kind: EventKind }[] = [];
    while (messages < target) {
      const unit = codes[Math.floor(rnd() * codes.length)]!;
      const kind = EVENT_KINDS[Math.floor(rnd() * EVENT_KINDS.length)]!;
      events.push({ unit, kind });
      messages += depth(levelOf(unit)) + 1;
      const c = expected.get(unit) ?? (Object.fromEntries(EVENT_KINDS.map((k) => [k, 0])) as Counts);
      c[kind]++;
      expected.set(unit, c);
      totals[kind]++;
    }

    const t0 = performance.now();
    net.start();
    let dropped = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      await deps.store.transact([countEvent({ unit: e.unit, kind: e.kind, day: DAY, eventId: `bench/${i}` }, new Date())]);
      if (i === Math.floor(events.length / 3)) {
        // The queue loses one message: taken and deleted without being handled.
        const sqs = new SQSClient({});
        for (let tries = 0; tries < 50 && dropped === 0; tries++) {
          const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: rt.resources.queues['inbox-village'].url, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
          for (const m of Messages) {
            await sqs.send(new DeleteMessageCommand({ QueueUrl: rt.resources.queues['inbox-village'].url, ReceiptHandle: m.ReceiptHandle! }));
            dropped++;
          }
        }
      }
      if (i === Math.floor((2 * events.length) / 3)) await restart();
    }
    log(`tier bench: ${events.length} events written; waiting for the province's totals`);
    await until('every message acknowledged', async () => (await outboxBacklog(deps, ['33'], 1)) === 0, 20 * 60_000);
    const seconds = (performance.now() - t0) / 1000;

    const own = await ownCounts(deps, [...expected.keys()]);
    let lost = 0;
    let duplicated = 0;
    for (const [unit, want] of expected) {
      const got = own.get(unit);
      for (const k of EVENT_KINDS) {
        const d = (got?.[k] ?? 0) - want[k];
        if (d < 0) lost -= d;
        else duplicated += d;
      }
    }
    const province = await provinceTotals(deps);
    for (const k of EVENT_KINDS) {
      const d = (province[k] ?? 0) - totals[k];
      if (d < 0) lost -= d;
      else duplicated += d;
    }
    const failedInvocations = net.failed;

    // Roll-up: many events over the villages of one city, timed until the province's totals are exact.
    const city = '330100000000';
    const villages = codes.filter((c) => c.startsWith('3301') && levelOf(c) === 'village');
    const before = await provinceTotals(deps);
    const r0 = performance.now();
    for (let i = 0; i < rollupEvents; i += 25) {
      const batch = Array.from({ length: Math.min(25, rollupEvents - i) }, (_, j) =>
        countEvent({ unit: villages[(i + j) % villages.length]!, kind: 'opened', day: DAY, eventId: `rollup/${i + j}` }, new Date()),
      );
      await deps.store.transact(batch);
    }
    await until('the province totals', async () => ((await provinceTotals(deps)).opened ?? 0) === (before.opened ?? 0) + rollupEvents, 60 * 60_000);
    const secondsToExact = (performance.now() - r0) / 1000;

    return {
      messages,
      events: events.length,
      failedInvocations,
      restarts: 1,
      dropped,
      lostEffects: lost,
      duplicatedEffects: duplicated,
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

/** The section's lines and its two targets (lost and duplicated effects: none). */
export function tierReport(r: TierFigures, print: (line: string) => void): { figure: string; target: string; measured: string; pass: boolean }[] {
  print('\nTier messages under faults — local runtime, 浙江省 tree');
  print(`  ${r.events.toLocaleString('en')} events → ${r.messages.toLocaleString('en')} tier messages in ${r.seconds} s`);
  print(`  faults: ${r.failedInvocations} consumer invocations failed (20%), ${r.dropped} message dropped by the queue, ${r.restarts} restart`);
  print(`  lost effects ${r.lostEffects}, duplicated effects ${r.duplicatedEffects}`);
  print(`  roll-up: ${r.rollup.events.toLocaleString('en')} events over the villages of ${r.rollup.city} (${r.rollup.messages.toLocaleString('en')} messages) exact at the province after ${r.rollup.secondsToExact} s`);
  return [
    { figure: 'tier messages: lost effects', target: '0', measured: String(r.lostEffects), pass: r.lostEffects === 0 },
    { figure: 'tier messages: duplicated effects', target: '0', measured: String(r.duplicatedEffects), pass: r.duplicatedEffects === 0 },
  ];
}
