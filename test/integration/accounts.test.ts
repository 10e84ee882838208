import { beforeAll, describe, expect, it } from 'vitest';
import { listDisputesOp, myCitizenOp, registerCitizenOp, resolveDisputeOp } from '../../functions/people/api';
import { verifyChain } from '../../shared/audit';
import type { Principal } from '../../shared/roles';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from '../support/accounts';
import { inProcessApi } from '../support/in-process-api';
import { realDeps } from '../support/real-deps';
import { useSharedEmulators } from '../support/shared-emulators';
import { testTokens } from '../support/tokens';

useSharedEmulators();

// 甘肃省 and one of its counties: no other test uses province 62.
const PROVINCE = '620000000000';
const CITY = '620100000000';
const COUNTY = '620102000000';
// GB 11643 check characters computed for these.
const ID_OWNER = '620102199001011233';
const ID_TWINS = '620102198806061225';

describe('identity numbers on DynamoDB', () => {
  beforeAll(async () => {
    const { store, now } = await realDeps();
    const at = now().toISOString();
    await store.putMany('registry', [
      unitItem(newUnit(PROVINCE, '甘肃省', undefined, at)),
      unitItem(newUnit(CITY, '兰州市', PROVINCE, at)),
      unitItem(newUnit(COUNTY, '城关区', CITY, at)),
    ]);
  });

  it('a squatted number goes to its verified owner, a dispute opens, and staff resolve it in one audited transaction', async () => {
    const deps = await realDeps();
    const t = await testTokens();
    const api = await inProcessApi(deps, t.verifier);
    const staff: Principal = { sub: 'gs-staff', role: 'staff', unit: COUNTY };
    await seedAccounts(deps.store, [staff]);
    const token = (p: Principal) => t.sign(p);
    const squatter = await token({ sub: 'gs-squatter', role: 'citizen', unit: PROVINCE });
    const owner = await token({ sub: 'gs-owner', role: 'citizen', unit: PROVINCE, verifiedId: ID_OWNER });

    const squatted = await api(registerCitizenOp, { token: squatter, body: { idNumber: ID_OWNER, name: '某甲', unit: COUNTY } });
    expect(squatted).toMatchObject({ status: 201, body: { identity: { status: 'unverified' } } });
    const bound = await api(registerCitizenOp, { token: owner, body: { idNumber: ID_OWNER, name: '某乙', unit: CITY } });
    expect(bound).toMatchObject({ status: 201, body: { idNumber: ID_OWNER, identity: { status: 'verified', via: 'idp' } } });

    // The dispute opened at the owner's home unit, the city; a province-level key holds it, gsi1 lists it.
    const staffToken = await token(staff);
    const cityAdmin: Principal = { sub: 'gs-admin', role: 'unit-admin', unit: CITY };
    await seedAccounts(deps.store, [cityAdmin]);
    const list = await api(listDisputesOp, { token: await token(cityAdmin), params: { code: CITY } });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const dispute = list.body.items[0];
    expect(dispute).toMatchObject({ id: bound.body.identity.dispute, number: '620***********1233', status: 'open' });
    expect((await api(listDisputesOp, { token: staffToken, params: { code: COUNTY } })).body.items).toEqual([]);

    const resolved = await api(resolveDisputeOp, {
      token: await token(cityAdmin),
      params: { code: CITY, disputeId: dispute.id },
      body: { v: dispute.v, owner: 'gs-owner', reason: '实名核验结果与窗口核验一致，号码属本人' },
    });
    expect(resolved).toMatchObject({ status: 200, body: { status: 'resolved', resolution: { owner: 'gs-owner' } } });
    expect((await api(myCitizenOp, { token: owner })).body).toMatchObject({ idNumber: ID_OWNER, identity: { status: 'verified' } });
    const lost = await api(myCitizenOp, { token: squatter });
    expect(lost.body.identity.status).toBe('revoked');
    expect(lost.body.idNumber).toBeUndefined();
    expect(await verifyChain(deps, CITY)).toMatchObject({ ok: true });
  });

  it('two concurrent unverified claims of one number both stand, held by one dispute', async () => {
    const deps = await realDeps();
    const t = await testTokens();
    const api = await inProcessApi(deps, t.verifier);
    const claim = async (sub: string) =>
      api(registerCitizenOp, { token: await t.sign({ sub, role: 'citizen', unit: PROVINCE }), body: { idNumber: ID_TWINS, name: '双胞胎', unit: COUNTY } });
    const [a, b] = await Promise.all([claim('gs-twin-1'), claim('gs-twin-2')]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.body.identity.status, b.body.identity.status].sort()).toEqual(['disputed', 'unverified']);
    const disputed = a.body.identity.dispute ?? b.body.identity.dispute;
    for (const sub of ['gs-twin-1', 'gs-twin-2']) {
      const me = await api(myCitizenOp, { token: await t.sign({ sub, role: 'citizen', unit: PROVINCE }) });
      expect(me.body.identity).toEqual({ status: 'disputed', dispute: disputed });
    }
  });
});
