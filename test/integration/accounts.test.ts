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

// 宁夏回族自治区 and units under it: the emulators are shared by every test file, and no other one uses province 64.
const PROVINCE = '640000000000';
const CITY = '640100000000';
const COUNTY = '640104000000';
// The twins claim in a county of another city, so that their dispute is in no list the other test reads.
const OTHER_CITY = '640200000000';
const TWINS_COUNTY = '640202000000';
// GB 11643 check characters computed for these.
const ID_OWNER = '640104199001011256';
const ID_TWINS = '640104198806061221';

describe('identity numbers on DynamoDB', () => {
  beforeAll(async () => {
    const { store, now } = await realDeps();
    const at = now().toISOString();
    await store.putMany('registry', [
      unitItem(newUnit(PROVINCE, '宁夏回族自治区', undefined, at)),
      unitItem(newUnit(CITY, '银川市', PROVINCE, at)),
      unitItem(newUnit(COUNTY, '兴庆区', CITY, at)),
      unitItem(newUnit(OTHER_CITY, '石嘴山市', PROVINCE, at)),
      unitItem(newUnit(TWINS_COUNTY, '大武口区', OTHER_CITY, at)),
    ]);
  });

  it('a squatted number goes to its verified owner, a dispute opens, and staff resolve it in one audited transaction', async () => {
    const deps = await realDeps();
    const t = await testTokens();
    const api = await inProcessApi(deps, t.verifier);
    const staff: Principal = { sub: 'nx-staff', role: 'staff', unit: COUNTY };
    await seedAccounts(deps.store, [staff]);
    const token = (p: Principal) => t.sign(p);
    const squatter = await token({ sub: 'nx-squatter', role: 'citizen', unit: PROVINCE });
    const owner = await token({ sub: 'nx-owner', role: 'citizen', unit: PROVINCE, verifiedId: ID_OWNER });

    const squatted = await api(registerCitizenOp, { token: squatter, body: { idNumber: ID_OWNER, name: '某甲', unit: COUNTY } });
    expect(squatted).toMatchObject({ status: 201, body: { identity: { status: 'unverified' } } });
    const bound = await api(registerCitizenOp, { token: owner, body: { idNumber: ID_OWNER, name: '某乙', unit: CITY } });
    expect(bound).toMatchObject({ status: 201, body: { idNumber: ID_OWNER, identity: { status: 'verified', via: 'idp' } } });

    // The dispute opened at the owner's home unit, the city; a province-level key holds it, gsi1 lists it.
    const staffToken = await token(staff);
    const cityAdmin: Principal = { sub: 'nx-admin', role: 'unit-admin', unit: CITY };
    await seedAccounts(deps.store, [cityAdmin]);
    const list = await api(listDisputesOp, { token: await token(cityAdmin), params: { code: CITY } });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const dispute = list.body.items[0];
    expect(dispute).toMatchObject({ id: bound.body.identity.dispute, number: '640***********1256', status: 'open' });
    expect((await api(listDisputesOp, { token: staffToken, params: { code: COUNTY } })).body.items).toEqual([]);

    const resolved = await api(resolveDisputeOp, {
      token: await token(cityAdmin),
      params: { code: CITY, disputeId: dispute.id },
      body: { v: dispute.v, owner: 'nx-owner', reason: '实名核验结果与窗口核验一致，号码属本人' },
    });
    expect(resolved).toMatchObject({ status: 200, body: { status: 'resolved', resolution: { owner: 'nx-owner' } } });
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
      api(registerCitizenOp, { token: await t.sign({ sub, role: 'citizen', unit: PROVINCE }), body: { idNumber: ID_TWINS, name: '双胞胎', unit: TWINS_COUNTY } });
    const [a, b] = await Promise.all([claim('nx-twin-1'), claim('nx-twin-2')]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.body.identity.status, b.body.identity.status].sort()).toEqual(['disputed', 'unverified']);
    const disputed = a.body.identity.dispute ?? b.body.identity.dispute;
    for (const sub of ['nx-twin-1', 'nx-twin-2']) {
      const me = await api(myCitizenOp, { token: await t.sign({ sub, role: 'citizen', unit: PROVINCE }) });
      expect(me.body.identity).toEqual({ status: 'disputed', dispute: disputed });
    }
  });
});
