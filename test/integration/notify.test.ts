import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMessagesOp, readMessageOp } from '../../functions/notify/api';
import { notificationEffect, notifyWrite } from '../../functions/notify/notifications';
import { logFileSender } from '../../functions/notify/sender';
import { deliver } from '../../functions/tiers/consumer';
import { EFFECTS } from '../../functions/tiers/effects';
import type { Principal } from '../../shared/roles';
import { outboxKey, type OutboxItem } from '../../shared/tiers/outbox';
import type { Write } from '../../shared/store/store';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { inProcessApi } from '../support/in-process-api';
import { realDeps } from '../support/real-deps';
import { useSharedEmulators } from '../support/shared-emulators';
import { testTokens } from '../support/tokens';

useSharedEmulators();

const JINAN = '350111000000'; // 福州市晋安区
const citizen: Principal = { sub: 'notify-citizen-35', role: 'citizen', unit: JINAN };
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/**
 * A notification on DynamoDB Local: committed with a producer's own change, delivered (twice, as a resend would)
 * by the tier consumer's code with the local log adapter, read and marked through the API. The relay and the
 * reconciler carry it like any tier message (test/e2e/tiers.test.ts covers them on the local runtime).
 */
describe('notifications on the emulators', () => {
  it('one transaction with the change, one in-app message and one log line however often it is delivered', async () => {
    const deps = await realDeps();
    await deps.store.putMany('registry', [unitItem(newUnit(JINAN, '晋安区', undefined, deps.now().toISOString()))]);
    const dir = await mkdtemp(join(tmpdir(), 'govtiers-notify-'));
    dirs.push(dir);
    const log = join(dir, 'notifications.log');
    const effects = { ...EFFECTS, notification: notificationEffect(() => logFileSender(log)) };

    const write = notifyWrite({ unit: JINAN, account: citizen.sub, channels: ['sms', 'email'], text: { zh: '您反映的路灯问题已修复', en: 'The street light you reported is fixed' }, subject: 'ticket/t-35-1' }, deps.now());
    const change = { op: 'put' as const, table: 'county' as const, item: { pk: '350111#ticket', sk: 't-35-1', status: 'closed' } };
    await deps.store.transact([change, write]);
    const message = ((write as Extract<Write, { op: 'put' }>).item as OutboxItem).message;
    expect(await deps.store.get('county', outboxKey(message))).toBeDefined();

    expect((await deliver(deps, JSON.stringify(message), effects)).outcome).toBe('applied');
    expect((await deliver(deps, JSON.stringify(message), effects)).outcome).toBe('duplicate');
    expect(await deps.store.get('county', outboxKey(message))).toBeUndefined();
    const lines = (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ id: message.id, account: citizen.sub, channels: ['sms', 'email'] })]);

    const tokens = await testTokens();
    const api = await inProcessApi(deps, tokens.verifier);
    const token = await tokens.sign(citizen);
    const listed = await api(listMessagesOp, { token });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: message.id, unit: JINAN, subject: 'ticket/t-35-1' })]);
    const read = await api(readMessageOp, { params: { id: message.id }, token });
    expect(read.status).toBe(200);
    expect((await api(listMessagesOp, { token })).body.items[0].readAt).toBe(read.body.readAt);
  });
});
