import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { listChildrenOp } from '../../functions/units/api';
import { createDynamoStore, MAX_ATTEMPTS, tableNameFromEnv } from '../../shared/store/dynamo-store';
import { ConditionFailed } from '../../shared/store/store';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from '../support/accounts';
import { inProcessApi } from '../support/in-process-api';
import { conflictingClient, seeded } from '../support/injected-conflicts';
import { realDeps } from '../support/real-deps';
import { storeContract } from '../support/store-contract';
import { useSharedEmulators } from '../support/shared-emulators';
import { testTokens } from '../support/tokens';

useSharedEmulators();
const run = Date.now().toString(36);
storeContract('DynamoDB (DynamoDB Local)', () => createDynamoStore(), `t${run}`);
// The same contract while 30 % of writes meet a conflict or throttling: the adapter's retries make it invisible.
storeContract('DynamoDB with 30 % of writes in conflict', async () => createDynamoStore(tableNameFromEnv, conflictingClient(0.3, seeded(7)).client), `c${run}`);

describe('DynamoDB store under conflicts', () => {
  const key = (sk: string) => ({ pk: `x${run}-conflicts`, sk });

  it('gives up after a bounded number of tries with DynamoDB’s own error', async () => {
    const faults = conflictingClient(1);
    const store = await createDynamoStore(tableNameFromEnv, faults.client);
    await expect(store.transact([{ op: 'put', table: 'registry', item: { ...key('t'), v: 1 } }])).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(faults.writes).toHaveLength(MAX_ATTEMPTS);
    await expect(store.write({ op: 'put', table: 'registry', item: { ...key('w'), v: 1 } })).rejects.toBeInstanceOf(TransactionConflictException);
    expect(faults.writes).toHaveLength(2 * MAX_ATTEMPTS);
    expect(await createDynamoStore().then((s) => s.get('registry', key('t')))).toBeUndefined();
  });

  it('never retries a failed condition, and still names the write that failed', async () => {
    const faults = conflictingClient(0);
    const store = await createDynamoStore(tableNameFromEnv, faults.client);
    await store.write({ op: 'put', table: 'registry', item: { ...key('c'), v: 1 } });
    const failing = store.transact([
      { op: 'put', table: 'registry', item: { ...key('c-new'), v: 1 }, expect: { absent: true } },
      { op: 'check', table: 'registry', key: key('c'), expect: { version: 9 } },
    ]);
    await expect(failing).rejects.toBeInstanceOf(ConditionFailed);
    await expect(failing).rejects.toMatchObject({ index: 1 });
    await expect(store.write({ op: 'put', table: 'registry', item: { ...key('c'), v: 2 }, expect: { absent: true } })).rejects.toMatchObject({ index: 0 });
    // One request each: the first put, the transaction, the refused put.
    expect(faults.writes.map((w) => w.command)).toEqual(['PutItemCommand', 'TransactWriteItemsCommand', 'PutItemCommand']);
  });

  it('retries a transaction cancelled for a conflict until it lands, then applies it once', async () => {
    // Seeded so that the first two tries meet conflicts and the third goes through.
    const faults = conflictingClient(0.5, seeded(15));
    const store = await createDynamoStore(tableNameFromEnv, faults.client);
    await store.transact([
      { op: 'put', table: 'registry', item: { ...key('r1'), v: 1 }, expect: { absent: true } },
      { op: 'put', table: 'registry', item: { ...key('r2'), v: 1 }, expect: { absent: true } },
    ]);
    expect(faults.writes.map((w) => w.injected)).toEqual([true, true, false]);
    expect(await store.get('registry', key('r2'))).toMatchObject({ v: 1 });
  });
});

describe('a crafted cursor through a route', () => {
  it('GET /v1/units/{code}/children answers 400 with a field error on query.cursor, not 500', async () => {
    const deps = await realDeps();
    const at = deps.now().toISOString();
    const province = '630000000000';
    await deps.store.putMany('registry', [
      unitItem(newUnit(province, '青海省', undefined, at)),
      unitItem(newUnit('630100000000', '西宁市', province, at)),
      unitItem(newUnit('630200000000', '海东市', province, at)),
    ]);
    const admin = { sub: `admin-63-${run}`, role: 'province-admin' as const, unit: province };
    await seedAccounts(deps.store, [admin]);
    const tokens = await testTokens();
    const api = await inProcessApi(deps, tokens.verifier);
    const token = await tokens.sign(admin);
    const first = await api(listChildrenOp, { params: { code: province }, query: { limit: '1' }, token });
    expect(first.status).toBe(200);
    const issued = JSON.parse(Buffer.from(first.body.cursor, 'base64url').toString('utf8')) as Record<string, string>;
    const craft = (k: unknown) => Buffer.from(JSON.stringify(k)).toString('base64url');
    for (const cursor of [craft({ ...issued, extra: 'x' }), craft({ pk: issued.pk, sk: issued.sk }), craft({ ...issued, gsi1sk: 1 })]) {
      const res = await api(listChildrenOp, { params: { code: province }, query: { limit: '1', cursor }, token, headers: { 'accept-language': 'en' } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_cursor', fields: [{ path: 'query.cursor', message: expect.stringContaining('not issued by this listing') }] });
    }
    const second = await api(listChildrenOp, { params: { code: province }, query: { limit: '1', cursor: first.body.cursor }, token });
    expect(second.body.items.map((u: { code: string }) => u.code)).toEqual(['630200000000']);
  });
});
