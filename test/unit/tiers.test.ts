import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { consumerHandler, deliver } from '../../functions/tiers/consumer';
import { countEvent, readStats, statsKey, zeroCounts } from '../../functions/stats/rollup';
import { readStatsOp } from '../../functions/stats/api';
import { reconcile } from '../../functions/tiers/reconciler';
import { levelOf } from '../../shared/codes';
import { queueArnEnv } from '../../shared/resources';
import { processedKey } from '../../shared/tiers/inbox';
import { newTierMessage, type TierMessage } from '../../shared/tiers/message';
import { outboxKey, resendAfterMs } from '../../shared/tiers/outbox';

const RESEND_AFTER_MS = resendAfterMs();
import { seedAccounts } from '../support/accounts';
import { inProcessApi } from '../support/in-process-api';
import { memoryDeps } from '../support/memory-deps';
import { CHAIN, pendingMessages, seedChain } from '../support/tier-network';
import { testTokens } from '../support/tokens';

const DAY = '2026-03-02';

/** A seeded shuffle, so a failing order can be replayed. */
function shuffle<T>(xs: T[], seed: number): T[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function setup() {
  const env = memoryDeps();
  await seedChain(env.deps);
  return env;
}

describe('tier messages at the receiver', () => {
  it('a redelivered message has no second effect and is acknowledged again', async () => {
    const { deps } = await setup();
    await deps.store.transact([countEvent({ unit: CHAIN.village, kind: 'opened', day: DAY, eventId: 'ticket/1/opened' }, deps.now())]);
    const [m] = await pendingMessages(deps.store);
    expect(m).toMatchObject({ kind: 'rollup', from: CHAIN.village, to: CHAIN.village });

    expect((await deliver(deps, JSON.stringify(m))).outcome).toBe('applied');
    // The sender's outbox item is gone with the effect: acknowledged in the same transaction.
    expect(await deps.store.get('village', outboxKey(m!))).toBeUndefined();
    // The queue delivers it again, and the reconciler's copy too.
    expect((await deliver(deps, JSON.stringify(m))).outcome).toBe('duplicate');
    expect((await deliver(deps, JSON.stringify(m))).outcome).toBe('duplicate');
    const row = await deps.store.get('village', statsKey(CHAIN.village, DAY));
    expect(row).toMatchObject({ own: { opened: 1 }, subtree: { opened: 1 }, v: 1 });
    // Only the kinds that counted are stored: a day's item stays small however many kinds there are.
    expect(row!.own).toEqual({ opened: 1 });
  });

  it('a message that fails its schema is refused with the reason and writes nothing', async () => {
    const { deps } = await setup();
    const before = JSON.stringify(await pendingMessages(deps.store));
    const good = newTierMessage({ kind: 'rollup', from: CHAIN.village, to: CHAIN.township, subject: 'x', payload: { day: DAY, counts: { opened: 1 } } }, deps.now());
    await expect(deliver(deps, JSON.stringify({ ...good, to: '33' }))).rejects.toThrow(/fails the tier message schema: to:/);
    await expect(deliver(deps, '{not json')).rejects.toThrow(/not JSON/);
    await expect(deliver(deps, JSON.stringify({ ...good, payload: { day: '2026-02-30', counts: { opened: -1 } } }))).rejects.toThrow(
      /validation_failed.*payload\.day.*payload\.counts\.opened/,
    );
    // A rollup from a unit that is not the receiver's child.
    await expect(deliver(deps, JSON.stringify({ ...good, from: CHAIN.city }))).rejects.toThrow(/not a child/);
    // A data request whose payload is a roll-up's.
    await expect(deliver(deps, JSON.stringify({ ...good, kind: 'data-request' }))).rejects.toThrow(/title/);
    expect(await deps.store.get('township', statsKey(CHAIN.township, DAY))).toBeUndefined();
    expect(await deps.store.get('township', processedKey(good))).toBeUndefined();
    expect(JSON.stringify(await pendingMessages(deps.store))).toBe(before);
  });

  it('an effect that throws leaves nothing behind, and the message applies once it can', async () => {
    const { deps } = await setup();
    const m = newTierMessage({ kind: 'rollup', from: CHAIN.village, to: CHAIN.village, subject: 'e', payload: { day: DAY, counts: { closed: 1 } } }, deps.now());
    let fail = true;
    const flaky = async (d: typeof deps, msg: TierMessage) => {
      if (fail) throw new Error('the store is having a bad day');
      const { rollupEffect } = await import('../../functions/stats/rollup');
      return rollupEffect(d, msg);
    };
    await expect(deliver(deps, JSON.stringify(m), { rollup: flaky })).rejects.toThrow(/bad day/);
    expect(await deps.store.get('village', processedKey(m))).toBeUndefined();
    fail = false;
    expect((await deliver(deps, JSON.stringify(m), { rollup: flaky })).outcome).toBe('applied');
  });
});

describe('roll-ups', () => {
  it('every event counts exactly once at every ancestor, whatever the order, with every message delivered up to three times', async () => {
    const { deps } = await setup();
    const kinds = ['opened', 'closed', 'overdue', 'escalated', 'returned'] as const;
    const expected = { v1: zeroCounts(), v2: zeroCounts() };
    for (let i = 0; i < 60; i++) {
      const unit = i % 3 === 0 ? CHAIN.village2 : CHAIN.village;
      const kind = kinds[i % kinds.length]!;
      expected[unit === CHAIN.village ? 'v1' : 'v2'][kind]++;
      await deps.store.transact([countEvent({ unit, kind, day: DAY, eventId: `ticket/${i}/${kind}` }, deps.now())]);
    }
    // The network: every pending message, shuffled, each delivered 1-3 times, until nothing is pending.
    let round = 0;
    for (let pending = await pendingMessages(deps.store); pending.length > 0; pending = await pendingMessages(deps.store)) {
      const copies = pending.flatMap((m, i) => Array.from({ length: 1 + ((i + round) % 3) }, () => m));
      for (const m of shuffle(copies, ++round)) await deliver(deps, JSON.stringify(m));
    }
    expect(round).toBe(5); // village itself, then township, county, city, province

    const total = zeroCounts();
    for (const k of kinds) total[k] = expected.v1[k] + expected.v2[k];
    const stats = await readStats(deps, CHAIN.township, DAY, DAY);
    expect(stats.own).toEqual(zeroCounts());
    expect(stats.subtree).toEqual(total);
    expect(stats.children).toEqual([
      { code: CHAIN.village, name: '清波门社区', subtree: expected.v1 },
      { code: CHAIN.village2, name: '劳动路社区', subtree: expected.v2 },
    ]);
    for (const code of [CHAIN.county, CHAIN.city, CHAIN.province]) {
      expect((await readStats(deps, code, DAY, DAY)).subtree, code).toEqual(total);
    }
    expect((await readStats(deps, CHAIN.village, DAY, DAY)).own).toEqual(expected.v1);
  });

  it('GET /v1/units/{code}/stats: figures for readers of the subtree, 400 with field errors for a bad range, 403 outside', async () => {
    const { deps } = await setup();
    await deps.store.transact([countEvent({ unit: CHAIN.village, kind: 'opened', day: DAY, eventId: 'a' }, deps.now())]);
    for (let p = await pendingMessages(deps.store); p.length; p = await pendingMessages(deps.store)) for (const m of p) await deliver(deps, JSON.stringify(m));
    const tokens = await testTokens();
    const api = await inProcessApi(deps, tokens.verifier);
    const auditor = { sub: 'aud', role: 'auditor' as const, unit: CHAIN.county };
    const staff = { sub: 'clerk', role: 'staff' as const, unit: CHAIN.village2 };
    await seedAccounts(deps.store, [auditor, staff]);

    const ok = await api(readStatsOp, { params: { code: CHAIN.township }, query: { from: '2026-03-01', to: '2026-03-31' }, token: await tokens.sign(auditor) });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ unit: CHAIN.township, subtree: { opened: 1 }, children: [{ code: CHAIN.village, subtree: { opened: 1 } }, { code: CHAIN.village2 }] });

    const bad = await api(readStatsOp, {
      params: { code: CHAIN.township },
      query: { from: '2026-03-31', to: '2026-02-30' },
      token: await tokens.sign(auditor),
      headers: { 'accept-language': 'en' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ path: 'query.to', message: 'must be a real date written YYYY-MM-DD' }]);
    const reversed = await api(readStatsOp, { params: { code: CHAIN.township }, query: { from: '2026-03-31', to: '2026-03-01' }, token: await tokens.sign(auditor) });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.fields).toEqual([{ path: 'query.to', message: '结束日期不能早于开始日期' }]);
    const tooLong = await api(readStatsOp, { params: { code: CHAIN.township }, query: { from: '2025-01-01', to: '2026-03-01' }, token: await tokens.sign(auditor) });
    expect(tooLong.status).toBe(400);

    const outside = await api(readStatsOp, { params: { code: CHAIN.village }, query: { from: DAY, to: DAY }, token: await tokens.sign(staff) });
    expect(outside.status).toBe(403);
    const own = await api(readStatsOp, { params: { code: CHAIN.village2 }, query: { from: DAY, to: DAY }, token: await tokens.sign(staff) });
    expect(own.status).toBe(200);
  });
});

describe('the reconciler', () => {
  it('sends again only what is overdue, backs off, and forgets what was acknowledged', async () => {
    let now = new Date('2026-03-02T01:00:00Z');
    const { deps, sent } = memoryDeps(() => now);
    await seedChain(deps);
    await deps.store.transact([countEvent({ unit: CHAIN.village, kind: 'opened', day: DAY, eventId: 'a' }, now)]);
    await deps.store.transact([countEvent({ unit: CHAIN.village2, kind: 'opened', day: DAY, eventId: 'b' }, now)]);
    const [a, b] = (await pendingMessages(deps.store)).sort((x, y) => x.from.localeCompare(y.from));

    expect(await reconcile(deps)).toMatchObject({ resent: 0, backlog: 2 });
    now = new Date(now.getTime() + RESEND_AFTER_MS + 1000);
    // One was lost by the queue; the other arrives and is acknowledged before the reconciler looks.
    await deliver(deps, JSON.stringify(b));
    // Pending: a, and what b's effect passes on to the township.
    expect(await reconcile(deps)).toMatchObject({ resent: 1, repeated: 0, backlog: 2 });
    expect(sent).toEqual([{ queue: 'inbox-village', body: a }]);
    // Not again until its next, later due time (twice the first wait).
    const copiesOfA = () => sent.filter((x) => (x.body as TierMessage).id === a!.id).length;
    now = new Date(now.getTime() + RESEND_AFTER_MS + 1000);
    await reconcile(deps);
    expect(copiesOfA()).toBe(1);
    now = new Date(now.getTime() + RESEND_AFTER_MS);
    expect((await reconcile(deps)).repeated).toBe(1);
    expect(copiesOfA()).toBe(2);
    const item = await deps.store.get(levelOf(a!.from), outboxKey(a!));
    expect(item).toMatchObject({ resends: 2, state: 'pending' });
    expect((await deliver(deps, JSON.stringify(sent[0]!.body))).outcome).toBe('applied');
    expect(await deps.store.get(levelOf(a!.from), outboxKey(a!))).toBeUndefined();
    expect((await pendingMessages(deps.store)).map((m) => [m.from, m.to]).sort()).toEqual([
      [CHAIN.village, CHAIN.township],
      [CHAIN.village2, CHAIN.township],
    ]);
  });
});

describe('a consumer batch', () => {
  const ARN = 'arn:aws:sqs:us-east-1:000000000000:govtiers-inbox-township';
  // The consumer knows its queues by the ARNs the stack gives it.
  beforeAll(() => vi.stubEnv(queueArnEnv('inbox-township'), ARN));
  afterAll(() => vi.unstubAllEnvs());
  const record = (m: unknown, n: number, receives = 1): SQSRecord =>
    ({
      messageId: `r${n}`,
      body: JSON.stringify(m),
      eventSourceARN: ARN,
      attributes: { ApproximateReceiveCount: String(receives) },
    }) as unknown as SQSRecord;

  it('merges the roll-ups to one unit for one day: one counter write, one message on up, each message once', async () => {
    const { deps, dead } = await setup();
    const rollup = (from: string, n: number, day = DAY) =>
      newTierMessage({ kind: 'rollup', from, to: CHAIN.township, subject: `e${n}`, payload: { day, counts: { opened: n } } }, deps.now());
    const a = rollup(CHAIN.village, 1);
    const b = rollup(CHAIN.village2, 2);
    const own = rollup(CHAIN.township, 4);
    const otherDay = rollup(CHAIN.village, 8, '2026-03-03');
    const stranger = rollup(CHAIN.city, 16);
    // `a` was applied once already; `b` comes twice in this very batch.
    await deliver(deps, JSON.stringify(a));
    const handler = consumerHandler(undefined, undefined, async () => deps);
    const out = await handler({ Records: [a, b, b, own, otherDay, stranger].map((m, i) => record(m, i)) } as SQSEvent);

    expect(out.batchItemFailures).toEqual([]);
    // The stranger (not a child of the township) is dead-lettered with its reason; the rest of its group applied.
    expect(dead.get('inbox-township')?.map((d) => d.reason)).toEqual([expect.stringMatching(/not a child/)]);
    const row = await deps.store.get('township', statsKey(CHAIN.township, DAY));
    expect(row).toMatchObject({ own: { opened: 4 }, subtree: { opened: 1 + 2 + 4 } });
    // `a`'s first delivery, then this batch's group: two writes of the day's item.
    expect(row!.v).toBe(2);
    const up = (await pendingMessages(deps.store)).filter((m) => m.from === CHAIN.township);
    expect(up.map((m) => `${m.to} ${JSON.stringify(m.payload)}`).sort()).toEqual(
      [
        `${CHAIN.county} ${JSON.stringify({ day: DAY, counts: { opened: 1 } })}`,
        `${CHAIN.county} ${JSON.stringify({ day: DAY, counts: { opened: 6 } })}`,
        `${CHAIN.county} ${JSON.stringify({ day: '2026-03-03', counts: { opened: 8 } })}`,
      ].sort(),
    );
    // Every message now has its processed record; none is left in its sender's outbox.
    for (const m of [a, b, own, otherDay]) expect(await deps.store.get('township', processedKey(m))).toBeDefined();
  });

  it('a failure of the store fails the records of the group, for the queue to bring back, and writes nothing', async () => {
    const { deps } = await setup();
    const m = newTierMessage({ kind: 'rollup', from: CHAIN.village, to: CHAIN.township, subject: 'e', payload: { day: DAY, counts: { closed: 1 } } }, deps.now());
    const failing = { ...deps, store: Object.assign(Object.create(deps.store), { transact: async () => Promise.reject(new Error('throttled')) }) };
    const handler = consumerHandler(undefined, undefined, async () => failing);
    const out = await handler({ Records: [record(m, 1), record(m, 2)] } as SQSEvent);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'r1' }, { itemIdentifier: 'r2' }]);
    expect(await deps.store.get('township', statsKey(CHAIN.township, DAY))).toBeUndefined();
  });
});
