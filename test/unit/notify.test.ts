import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMessagesOp, readMessageOp } from '../../functions/notify/api';
import { listMessages, notificationEffect, notifyWrite, type Notification } from '../../functions/notify/notifications';
import { logFileSender, type Delivery, type NotificationSender } from '../../functions/notify/sender';
import { deliver } from '../../functions/tiers/consumer';
import { EFFECTS } from '../../functions/tiers/effects';
import type { Deps } from '../../shared/deps';
import type { Principal } from '../../shared/roles';
import type { OutboxItem } from '../../shared/tiers/outbox';
import type { Write } from '../../shared/store/store';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { crashingOn } from '../support/crashing-store';
import { inProcessApi } from '../support/in-process-api';
import { memoryDeps } from '../support/memory-deps';
import { testTokens } from '../support/tokens';

const GULOU = '350102000000';
const citizen: Principal = { sub: 'notify-citizen-1', role: 'citizen', unit: GULOU };
const note = (over: Partial<Notification> = {}): Notification => ({
  unit: GULOU,
  account: citizen.sub,
  channels: ['sms'],
  text: { zh: '您的申请已受理', en: 'Your application was accepted' },
  subject: 'application/01JABCDEFGHJKMNPQRSTVWXYZ0',
  link: '/v1/applications/01JABCDEFGHJKMNPQRSTVWXYZ0',
  ...over,
});

/** A sender that records what it is asked to send. */
function recording(): NotificationSender & { calls: Delivery[] } {
  const calls: Delivery[] = [];
  return { calls, send: async (d) => void calls.push(d) };
}

const effectsWith = (sender: NotificationSender) => ({ ...EFFECTS, notification: notificationEffect(() => sender) });

/** Commits notifications as a producer would, and returns the bodies the relay would put on the queue. */
async function produce(deps: Deps, ns: Notification[]): Promise<string[]> {
  const writes = ns.map((n) => notifyWrite(n, deps.now()));
  await deps.store.transact(writes);
  return writes.map((w) => JSON.stringify(((w as Extract<Write, { op: 'put' }>).item as OutboxItem).message));
}

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('notifications through the tier outbox', () => {
  it('a redelivered notification is stored and sent once, and acknowledged each time', async () => {
    const { deps } = memoryDeps();
    const sender = recording();
    const [body] = await produce(deps, [note()]);
    const outbox = { table: 'county' as const, pk: '350102#outbox' };
    expect((await deps.store.query({ ...outbox, limit: 10 })).items).toHaveLength(1);
    expect((await deliver(deps, body!, effectsWith(sender))).outcome).toBe('applied');
    expect((await deliver(deps, body!, effectsWith(sender))).outcome).toBe('duplicate');
    expect(sender.calls).toHaveLength(1);
    expect(sender.calls[0]).toMatchObject({ account: citizen.sub, channels: ['sms'], unit: GULOU, text: note().text });
    expect((await deps.store.query({ ...outbox, limit: 10 })).items).toEqual([]);
    expect((await listMessages(deps, citizen, 10)).items).toEqual([
      { id: JSON.parse(body!).id, unit: GULOU, subject: note().subject, text: note().text, link: note().link, createdAt: deps.now().toISOString() },
    ]);
  });

  it('a crash after sending and before the record lands sends again with the same id, which the log adapter writes once', async () => {
    const { deps } = memoryDeps();
    const dir = await mkdtemp(join(tmpdir(), 'govtiers-notify-'));
    dirs.push(dir);
    const log = join(dir, 'notifications.log');
    const file = logFileSender(log);
    const sender = recording();
    const both: NotificationSender = { send: async (d) => (await sender.send(d), await file.send(d)) };
    const [body] = await produce(deps, [note()]);
    const crashing = crashingOn(deps.store, 1, 'before');
    await expect(deliver({ ...deps, store: crashing.store }, body!, effectsWith(both))).rejects.toThrow(/simulated crash/);
    await crashing.settled();
    expect((await deliver(deps, body!, effectsWith(both))).outcome).toBe('applied');
    expect(sender.calls.map((c) => c.id)).toEqual([JSON.parse(body!).id, JSON.parse(body!).id]);
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ id: JSON.parse(body!).id, account: citizen.sub, text: note().text });
  });

  it('only the in-app message when no other channel is asked for', async () => {
    const { deps } = memoryDeps();
    const sender = recording();
    const [body] = await produce(deps, [note({ channels: [] })]);
    await deliver(deps, body!, effectsWith(sender));
    expect(sender.calls).toEqual([]);
  });

  it('a notification its schema refuses is refused by notifyWrite, before any transaction', () => {
    expect(() => notifyWrite(note({ link: 'https://elsewhere.example/' }), new Date())).toThrow(/link/);
    expect(() => notifyWrite(note({ text: { zh: '', en: 'x' } }), new Date())).toThrow(/text\.zh/);
  });
});

describe('GET /v1/me/messages and POST …/read', async () => {
  let t = Date.parse('2026-03-02T01:00:00Z');
  const { deps } = memoryDeps(() => new Date((t += 1000)));
  await deps.store.putMany('registry', [unitItem(newUnit(GULOU, '鼓楼区', undefined, deps.now().toISOString()))]);
  const tokens = await testTokens();
  const api = await inProcessApi(deps, tokens.verifier);
  const sender = recording();
  const bodies = await produce(deps, [1, 2, 3].map((i) => note({ text: { zh: `第${i}条`, en: `number ${i}` } })));
  // Separate instants, so the three ULIDs order by time.
  bodies.push(...(await produce(deps, [note({ text: { zh: '第4条', en: 'number 4' } })])));
  for (const b of bodies) await deliver(deps, b, effectsWith(sender));
  await deliver(deps, (await produce(deps, [note({ account: 'someone-else' })]))[0]!, effectsWith(sender));
  const me = await tokens.sign(citizen);

  it('lists the account’s own messages, newest first, a page at a time', async () => {
    const first = await api(listMessagesOp, { query: { limit: '3' }, token: me });
    expect(first.status).toBe(200);
    expect(first.body.items.map((m: { text: { en: string } }) => m.text.en)).toEqual(['number 4', expect.any(String), expect.any(String)]);
    const rest = await api(listMessagesOp, { query: { limit: '3', cursor: first.body.cursor }, token: me });
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.cursor).toBeUndefined();
    const other = await api(listMessagesOp, { token: await tokens.sign({ ...citizen, sub: 'someone-else' }) });
    expect(other.body.items).toHaveLength(1);
    expect((await api(listMessagesOp, { query: { cursor: 'nonsense' }, token: me })).status).toBe(400);
  });

  it('marks a message read once, and finds no message of someone else’s', async () => {
    const [latest] = (await api(listMessagesOp, { query: { limit: '1' }, token: me })).body.items;
    const read = await api(readMessageOp, { params: { id: latest.id }, token: me });
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    const again = await api(readMessageOp, { params: { id: latest.id }, token: me });
    expect(again.body.readAt).toBe(read.body.readAt);
    const stranger = await api(readMessageOp, { params: { id: latest.id }, token: await tokens.sign({ ...citizen, sub: 'someone-else' }) });
    expect(stranger.status).toBe(404);
    expect((await api(readMessageOp, { params: { id: 'not-an-id' }, token: me })).status).toBe(400);
  });
});
