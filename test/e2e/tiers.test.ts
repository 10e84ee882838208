import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PurgeQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { countEvent, statsKey } from '../../functions/stats/rollup';
import { createAssignment, KIND as ASSIGNMENT } from '../../functions/tiers/assignments';
import { getCase } from '../../functions/tiers/escalation';
import { putSettings, readSettings } from '../../tenants/settings';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { main } from '../../tenants/cli/main';
import { bootstrapProvince } from '../../tenants/people';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import { levelOf } from '../../shared/codes';
import { LEVELS } from '../../shared/levels';
import { inboxOf } from '../../shared/resources';
import { newTierMessage } from '../../shared/tiers/message';
import { seedAccounts } from '../support/accounts';
import { CHAIN, pendingMessages, seedChain } from '../support/tier-network';

const DAY = '2026-03-02';
const INBOXES = LEVELS.map(inboxOf);

/**
 * The tier transport on the local runtime, polled by hand so each failure lands where the test wants it: a process
 * that stops between the state write and the send, a queue that drops a message, duplicate deliveries, poison
 * messages, and a restart in the middle.
 */
describe('tier messages on the local runtime', () => {
  let dataDir: string;
  let rt: LocalRuntime;
  const sqs = () => new SQSClient({});

  const start = (again?: LocalRuntime) => {
    // A restart keeps the ports, as `npm start` does: clients made before it (this process's) still reach it.
    const port = (url: string) => Number(new URL(url).port);
    return startLocalRuntime({
      dataDir,
      port: again ? port(again.url) : 0,
      emulatorPorts: again ? { dynamodb: port(again.endpoints.dynamodb), sqs: port(again.endpoints.sqs), s3: port(again.endpoints.s3) } : undefined,
      polling: 'manual',
      log: (l) => process.env.TIERS_DEBUG && console.log(l),
    });
  };
  /** Relay and consumers until nothing moves. */
  async function pump() {
    for (let i = 0; i < 30; i++) {
      let n = await rt.streams.pollOnce();
      for (const q of INBOXES) n += await rt.pollers.pollOnce(q);
      if (n === 0) return;
    }
    throw new Error('still moving after 30 rounds');
  }
  const subtree = async (unit: string) => {
    const deps = await depsFromEnv();
    return ((await deps.store.get(levelOf(unit), statsKey(unit, DAY)))?.subtree ?? {}) as Record<string, number>;
  };
  const count = async (unit: string, eventId: string) => {
    const deps = await depsFromEnv();
    await deps.store.transact([countEvent({ unit, kind: 'opened', day: DAY, eventId }, new Date())]);
  };

  beforeAll(async () => {
    // Overdue after a second, so the reconciler's resends happen within the test.
    process.env.TIER_RESEND_AFTER_SECONDS = '1';
    dataDir = await mkdtemp(join(tmpdir(), 'govtiers-tiers-'));
    rt = await start();
    await seedChain(await depsFromEnv());
  });
  afterAll(async () => {
    await rt?.stop();
    delete process.env.TIER_RESEND_AFTER_SECONDS;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('an event reaches the province through the stream, the relay and the inbox queues, and the stats route shows it', async () => {
    // Other tests of this file count too, in any order: this one judges what its own event adds.
    const before = { province: (await subtree(CHAIN.province)).opened ?? 0, city: (await subtree(CHAIN.city)).opened ?? 0 };
    await count(CHAIN.village, 'e/1');
    await pump();
    expect(await subtree(CHAIN.province)).toMatchObject({ opened: before.province + 1 });
    expect(await pendingMessages((await depsFromEnv()).store)).toEqual([]);

    const admin = { sub: 'admin', role: 'province-admin' as const, unit: CHAIN.province };
    await seedAccounts((await depsFromEnv()).store, [admin]);
    const { token } = await rt.issuer.mint(admin);
    const res = await fetch(`${rt.url}/v1/units/${CHAIN.province}/stats?from=${DAY}&to=${DAY}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { subtree: { opened: number }; children: { code: string; subtree: { opened: number } }[] };
    expect(body.subtree.opened).toBe(before.province + 1);
    expect(body.children.find((c) => c.code === CHAIN.city)?.subtree.opened).toBe(before.city + 1);
  });

  it('a message the queue drops, and duplicates of others, still count exactly once', async () => {
    const before = (await subtree(CHAIN.province)).opened ?? 0;
    await count(CHAIN.village, 'e/2');
    await count(CHAIN.village2, 'e/3');
    expect(await rt.streams.pollOnce()).toBeGreaterThan(0);
    // The village inbox loses both messages.
    await sqs().send(new PurgeQueueCommand({ QueueUrl: rt.resources.queues['inbox-village'].url }));
    await pump();
    expect((await subtree(CHAIN.province)).opened ?? 0).toBe(before);

    await new Promise((r) => setTimeout(r, 1100));
    expect(await rt.schedules.runOnce('tiersReconciler')).toMatchObject({ resent: 2 });
    // Every pending message delivered twice more, besides what the relay and reconciler send.
    for (const m of await pendingMessages((await depsFromEnv()).store)) {
      for (let i = 0; i < 2; i++) await sqs().send(new SendMessageCommand({ QueueUrl: rt.resources.queues[inboxOf('village')].url, MessageBody: JSON.stringify(m) }));
    }
    await pump();
    expect((await subtree(CHAIN.province)).opened).toBe(before + 2);
  });

  it('a process that stops between the state write and the send, and a restart, lose nothing', async () => {
    const before = (await subtree(CHAIN.province)).opened ?? 0;
    await count(CHAIN.village, 'e/4');
    // Stopped before the relay saw it; the new runtime follows the stream from its end.
    await rt.stop();
    rt = await start(rt);
    await pump();
    expect((await subtree(CHAIN.province)).opened ?? 0).toBe(before);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await rt.schedules.runOnce('tiersReconciler')).toMatchObject({ resent: 1 });
    await pump();
    expect((await subtree(CHAIN.province)).opened).toBe(before + 1);
  }, 120_000);

  it('a village task past its deadline is handed up to the township by the scheduled sweep, as the village chose', async () => {
    const deps = await depsFromEnv();
    const villageAdmin = { sub: 'village-admin', role: 'unit-admin' as const, unit: CHAIN.village };
    await putSettings(deps, villageAdmin, CHAIN.village, (await readSettings(deps.store, CHAIN.village)).v, { escalation: { onOverdue: true } });
    // Sent ten days ago, due in three working days.
    const tenDaysAgo = { ...deps, now: () => new Date(Date.now() - 10 * 86_400_000) };
    const clerk = { sub: 'township-clerk', role: 'staff' as const, unit: CHAIN.township };
    const task = await createAssignment(tenDaysAgo, clerk, CHAIN.township, { title: '核查消防通道', body: '请核查并报告', assignees: [CHAIN.village], workingDays: 3 });
    await pump();
    expect((await getCase(deps, CHAIN.village, ASSIGNMENT, task.id))?.status).toBe('assigned');

    expect(await rt.schedules.runOnce('tiersSweep')).toMatchObject({ flagged: 1, escalated: 1 });
    await pump();
    const village = await getCase(deps, CHAIN.village, ASSIGNMENT, task.id);
    expect(village).toMatchObject({ status: 'escalated', escalatedTo: CHAIN.township, overdue: true });
    const township = await getCase(deps, CHAIN.township, ASSIGNMENT, task.id);
    expect(township).toMatchObject({ unit: CHAIN.township, status: 'assigned', escalatedFrom: CHAIN.village });
    expect(township!.history.map((h) => h.action)).toEqual(['assign', 'overdue', 'escalate', 'receive']);
    // The township's own settings keep it there: the next sweep flags it overdue and moves it no further.
    expect(await rt.schedules.runOnce('tiersSweep')).toMatchObject({ flagged: 1, escalated: 0 });
    await pump();
    expect(await getCase(deps, CHAIN.county, ASSIGNMENT, task.id)).toBeUndefined();
  });

  it('poison messages go to the dead-letter queue with their reason, never into the data; health and the API show them', async () => {
    const inbox = rt.resources.queues['inbox-township'];
    const notAChild = newTierMessage({ kind: 'rollup', from: CHAIN.city, to: CHAIN.township, subject: 'x', payload: { day: DAY, counts: { opened: 5 } } }, new Date());
    await sqs().send(new SendMessageCommand({ QueueUrl: inbox.url, MessageBody: JSON.stringify(notAChild) }));
    await sqs().send(new SendMessageCommand({ QueueUrl: inbox.url, MessageBody: JSON.stringify({ ...notAChild, kind: 'gossip' }) }));
    const township = await subtree(CHAIN.township);
    await pump();
    expect(await subtree(CHAIN.township)).toEqual(township);

    const health = (await (await fetch(`${rt.url}/health`)).json()) as any;
    expect(health.components.tiers).toMatchObject({ status: 'down', deadLetters: { 'inbox-township': 2 } });

    const admin = { sub: 'admin', role: 'province-admin' as const, unit: CHAIN.province };
    await seedAccounts((await depsFromEnv()).store, [admin]);
    const { token } = await rt.issuer.mint(admin);
    const auth = { authorization: `Bearer ${token}` };
    const listed = (await (await fetch(`${rt.url}/v1/queues/inbox-township/dead-letters`, { headers: auth })).json()) as any;
    expect(listed.depth).toBe(2);
    expect(listed.items.map((d: { reason: string }) => d.reason).sort()).toEqual([
      expect.stringMatching(/^fails the tier message schema: kind: /),
      expect.stringMatching(/^unprocessable: rollup .*: 330100000000 is not a child of 330102001000/),
    ]);
    // Another province's admin sees none of them.
    const other = { sub: 'js', role: 'province-admin' as const, unit: '320000000000' };
    await bootstrapProvince(await depsFromEnv(), 'operator:test', other.unit, '江苏省', other.sub);
    const theirs = (await (await fetch(`${rt.url}/v1/queues/inbox-township/dead-letters`, { headers: { authorization: `Bearer ${(await rt.issuer.mint(other)).token}` } })).json()) as any;
    expect(theirs.items).toEqual([]);

    // The command line shows them with their reasons, and redrives them.
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    try {
      expect(await main(['dlq', 'list', 'inbox-township', '--url', rt.url, '--token', token])).toBe(0);
      expect(printed.join('\n')).toMatch(/inbox-township: 死信 \/ dead letters 2，本省 \/ yours 2[\s\S]*reason: unprocessable: rollup/);
      expect(await main(['dlq', 'redrive', 'inbox-township', '--url', rt.url, '--token', token])).toBe(0);
      expect(printed.at(-1)).toBe('已送回 / redriven: 2 → inbox-township');
    } finally {
      spy.mockRestore();
    }
    // Still poison: back in the dead-letter queue, still not in the data.
    await pump();
    expect(await subtree(CHAIN.township)).toEqual(township);
    expect(((await (await fetch(`${rt.url}/v1/queues/inbox-township/dead-letters`, { headers: auth })).json()) as any).depth).toBe(2);
  });
});
