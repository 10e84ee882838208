import { createHash } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readAudit } from '../../shared/audit';
import { apiFunction } from '../../functions/api-function';
import { FUNCTIONS } from '../../infra/manifest';
import type { Principal } from '../../shared/roles';
import type { TableId } from '../../shared/resources';
import { MemoryStore } from '../../shared/store/memory-store';
import { routes } from '../../functions/people/handler';
import { numberIndexKey, registerCitizen } from '../../tenants/accounts';
import { scopeOf } from '../../tenants/scope';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from '../support/accounts';
import { callRoute, type RouteCall } from '../support/events';
import { memoryDeps, storeSnapshot } from '../support/memory-deps';
import { testTokens } from '../support/tokens';

const PROVINCE = '330000000000';
const CITY = '330100000000';
const COUNTY = '330106000000';
const OTHER_CITY = '330200000000';

// Check characters computed by GB 11643 / GB 32100 (and GB 11714 for the organisation code inside).
const ID_A = '330106199003071236';
const ID_B = '11010519491231002x'; // lower-case x: stored normalised
const ID_C = '330102198501014568';
const ID_BAD = '330106199003071237';
const ID_F = '330106199202021231';
const ID_G = '330106199303031244';
const ID_J = '330106199404041257';
const ID_M = '33010619950505126X';
const ID_X = '330106199606061272';
const CODE_A = '91330100MA27XYW117';
const CODE_B = '91330106MA2B00000U';
const CODE_FAILS_CHECK = '91330100MA27XYW118';

// Every test starts from the same units and staff accounts, so none depends on what another one registered.
let deps: ReturnType<typeof memoryDeps>['deps'];
let store: MemoryStore;
let handler: ReturnType<typeof apiFunction>;
const tokens: Record<string, string> = {};

const people = {
  provinceAdmin: { sub: 'pa', role: 'province-admin', unit: PROVINCE },
  cityStaff: { sub: 'cs', role: 'staff', unit: CITY },
  countyStaff: { sub: 'ks', role: 'staff', unit: COUNTY },
  otherCityStaff: { sub: 'os', role: 'staff', unit: OTHER_CITY },
  auditor: { sub: 'au', role: 'auditor', unit: PROVINCE },
  // alice's and erin's identity provider verified their numbers; mallory and trent claim numbers that are not theirs.
  alice: { sub: 'alice', role: 'citizen', unit: PROVINCE, verifiedId: ID_A },
  mallory: { sub: 'mallory', role: 'citizen', unit: PROVINCE },
  trent: { sub: 'trent', role: 'citizen', unit: PROVINCE },
  bob: { sub: 'bob', role: 'citizen', unit: CITY },
  carol: { sub: 'carol', role: 'citizen', unit: PROVINCE },
  dave: { sub: 'dave', role: 'citizen', unit: PROVINCE },
  erin: { sub: 'erin', role: 'citizen', unit: PROVINCE, verifiedId: ID_C },
  // The same subjects once their identity provider has verified them.
  frank: { sub: 'frank', role: 'citizen', unit: PROVINCE },
  frankVerified: { sub: 'frank', role: 'citizen', unit: PROVINCE, verifiedId: ID_F },
  grace: { sub: 'grace', role: 'citizen', unit: PROVINCE },
  graceVerified: { sub: 'grace', role: 'citizen', unit: PROVINCE, verifiedId: ID_G },
  heidi: { sub: 'heidi', role: 'citizen', unit: PROVINCE },
  heidiVerified: { sub: 'heidi', role: 'citizen', unit: PROVINCE, verifiedId: ID_X },
  judy: { sub: 'judy', role: 'citizen', unit: PROVINCE },
  malloryVerified: { sub: 'mallory', role: 'citizen', unit: PROVINCE, verifiedId: ID_M },
  acme: { sub: 'acme', role: 'business', unit: PROVINCE, verifiedId: CODE_A },
  beta: { sub: 'beta', role: 'business', unit: PROVINCE },
  shell: { sub: 'shell', role: 'business', unit: PROVINCE },
} satisfies Record<string, Principal>;

const itemsOf = (s: MemoryStore, table: TableId) => [...(s['tables'].get(table)?.values() ?? [])];

const call = (who: keyof typeof people, routeKey: string, opts?: RouteCall) => callRoute(handler, tokens[who]!, routeKey, opts);

const at = '2026-01-01T00:00:00.000Z';
const unit = (code: string, name: string, level: 'province' | 'city' | 'county', parent?: string) =>
  unitItem({ code, name, level, parent, edition: 2023, status: 'active', createdAt: at, updatedAt: at, v: 1 });

const fieldPaths = (r: { body: { error: { fields: { path: string }[] } } }) => r.body.error.fields.map((f) => f.path);

const registerCitizenRoute = 'POST /v1/citizens';
const registerBusinessRoute = 'POST /v1/businesses';
const citizenMe = 'GET /v1/citizens/me';
const businessMe = 'GET /v1/businesses/me';
const listDisputes = 'GET /v1/units/{code}/identity-disputes';
const resolve = 'POST /v1/units/{code}/identity-disputes/{disputeId}/resolution';
const idCard = { type: 'resident-id-card' };
const licence = { type: 'business-licence' };

beforeAll(async () => {
  const t = await testTokens();
  handler = apiFunction(routes, { deps: async () => deps, verifier: () => t.verifier });
  for (const [k, p] of Object.entries(people)) tokens[k] = await t.sign(p);
});

beforeEach(async () => {
  deps = memoryDeps().deps;
  store = deps.store as MemoryStore;
  await store.putMany('registry', [
    unit(PROVINCE, '浙江省', 'province'),
    unit(CITY, '杭州市', 'city', PROVINCE),
    unit(COUNTY, '西湖区', 'county', CITY),
    unit(OTHER_CITY, '宁波市', 'city', PROVINCE),
  ]);
  await seedAccounts(store, Object.values(people));
});

// The registrations other tests start from, each made as the test about it makes it.
const citizen = (who: keyof typeof people, body: object) => call(who, registerCitizenRoute, { body });
const business = (who: keyof typeof people, body: object) => call(who, registerBusinessRoute, { body });
const carolClaimsIdB = () => citizen('carol', { idNumber: ID_B, name: '卡萝', phone: '13900002222', unit: COUNTY });
const malloryClaimsIdA = () => citizen('mallory', { idNumber: ID_A, name: '马洛里', unit: CITY });
const aliceRegistersIdA = () => citizen('alice', { idNumber: ID_A, name: '爱丽丝', phone: '13900001111', unit: COUNTY });
const daveBoundAtCounter = () =>
  citizen('cityStaff', { idNumber: ID_C, name: '戴夫', phone: '13900003333', unit: CITY, sub: 'dave', checkedDocument: idCard });
const shellClaimsCodeB = () => business('shell', { creditCode: CODE_B, name: '某某空壳公司', unit: CITY });
const aliceOwnsIdA = '本人持身份证原件到窗口核验，号码属爱丽丝本人';
const override = { reason: '营业执照原件核验无误，代码为早期赋码' };

/** mallory claims alice's number, alice registers it verified, and staff resolve the dispute for alice; its id. */
async function malloryLosesIdA(): Promise<string> {
  expect((await malloryClaimsIdA()).status).toBe(201);
  const dispute = (await aliceRegistersIdA()).body.identity.dispute as string;
  const done = await call('countyStaff', resolve, { params: { code: COUNTY, disputeId: dispute }, body: { v: 1, owner: 'alice', reason: aliceOwnsIdA } });
  expect(done.status).toBe(200);
  return dispute;
}

/** Accounts for every number above, claimed each way there is: verified, unverified, at a counter, overridden, disputed, resolved. */
async function registerEveryNumber() {
  await malloryLosesIdA();
  const registrations = [
    carolClaimsIdB,
    () => citizen('bob', { idNumber: ID_B, name: '鲍勃', unit: CITY }),
    daveBoundAtCounter,
    () => citizen('erin', { idNumber: ID_C, name: '艾琳', unit: PROVINCE }),
    () => citizen('frankVerified', { idNumber: ID_F, name: '弗兰克', unit: CITY }),
    () => citizen('grace', { idNumber: ID_G, name: '格蕾丝', unit: CITY }),
    () => citizen('judy', { idNumber: ID_J, name: '朱迪', unit: CITY }),
    () => citizen('malloryVerified', { idNumber: ID_M, name: '马洛里', unit: CITY }),
    () => business('acme', { creditCode: CODE_A, name: '杭州某某科技有限公司', unit: CITY }),
    shellClaimsCodeB,
    () => business('cityStaff', { creditCode: CODE_B, name: '某某实业', unit: CITY, sub: 'gamma', checkedDocument: licence }),
    () => business('cityStaff', { creditCode: CODE_FAILS_CHECK, name: '某某公司', unit: CITY, sub: 'beta', override, checkedDocument: licence }),
  ];
  for (const register of registrations) expect((await register()).status).toBe(201);
}

describe('citizen accounts', () => {
  it('a self-registration without a verified claim leaves the number unverified, unbound and masked', async () => {
    const r = await carolClaimsIdB();
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ sub: 'carol', unit: COUNTY, identity: { status: 'unverified' }, phone: '13900002222' });
    expect(r.body.idNumber).toBe('110***********002X');
    const mine = await call('carol', citizenMe);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ sub: 'carol', identity: { status: 'unverified' }, idNumber: '110***********002X', phone: '13900002222' });
    // Not bound: the index holds the claim only.
    const index = await store.get('people', await numberIndexKey(deps.keys.identity, 'resident', COUNTY, ID_B));
    expect(index).toMatchObject({ claims: [expect.any(String)] });
    expect(index?.bound).toBeUndefined();
  });

  it('rejects a number failing GB 11643 with the field and a message in both languages', async () => {
    const body = { idNumber: ID_BAD, name: '鲍勃', unit: CITY };
    const zh = await call('bob', registerCitizenRoute, { body });
    expect(zh.status).toBe(400);
    expect(zh.body.error.code).toBe('validation_failed');
    expect(fieldPaths(zh)).toEqual(['body.idNumber']);
    expect(zh.body.error.fields[0].message).toMatch(/[\u4e00-\u9fff]/);
    const en = await call('bob', registerCitizenRoute, { body, lang: 'en' });
    expect(fieldPaths(en)).toEqual(['body.idNumber']);
    expect(en.body.error.fields[0].message).toMatch(/GB 11643/);
  });

  it('refuses a number other than the one the identity provider verified, and a document recorded by a citizen, writing nothing', async () => {
    const before = storeSnapshot(store);
    const other = await call('alice', registerCitizenRoute, { body: { idNumber: ID_C, name: '爱丽丝', unit: COUNTY }, lang: 'en' });
    expect(other.status).toBe(400);
    expect(fieldPaths(other)).toEqual(['body.idNumber']);
    expect(other.body.error.fields[0].message).toMatch(/identity provider verified/);
    const selfChecked = await call('bob', registerCitizenRoute, { body: { idNumber: ID_C, name: '鲍勃', unit: CITY, checkedDocument: idCard } });
    expect(selfChecked.status).toBe(403);
    expect((await call('bob', registerCitizenRoute, { body: { idNumber: ID_C, name: '鲍勃', unit: '330199000000' } })).status).toBe(400);
    expect((await call('cityStaff', registerCitizenRoute, { body: { idNumber: ID_C, name: '鲍勃', unit: OTHER_CITY, sub: 'bob', checkedDocument: idCard } })).status).toBe(403);
    expect(storeSnapshot(store)).toBe(before);
  });

  it('a claim of someone else’s number never blocks its verified owner: the owner is bound, a dispute opens', async () => {
    const squatted = await malloryClaimsIdA();
    expect(squatted.status).toBe(201);
    expect(squatted.body.identity).toEqual({ status: 'unverified' });
    expect(squatted.body.idNumber).not.toBe(ID_A);

    const owner = await aliceRegistersIdA();
    expect(owner.status).toBe(201);
    expect(owner.body).toMatchObject({ sub: 'alice', idNumber: ID_A, identity: { status: 'verified', via: 'idp' } });
    const squat = owner.body.identity.dispute;
    expect(squat).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect((await call('alice', citizenMe)).body).toMatchObject({ idNumber: ID_A, identity: { status: 'verified', dispute: squat } });
    const claimant = await call('mallory', citizenMe);
    expect(claimant.body).toMatchObject({ identity: { status: 'disputed', dispute: squat }, idNumber: '330***********1236' });

    // The dispute belongs to alice's home unit; its staff see it with the number masked.
    const list = await call('countyStaff', listDisputes, { params: { code: COUNTY } });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: squat,
        unit: COUNTY,
        kind: 'citizen',
        number: '330***********1236',
        status: 'open',
        parties: [
          { sub: 'mallory', unit: CITY, bound: false },
          { sub: 'alice', unit: COUNTY, bound: true },
        ],
        v: 1,
      }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(ID_A);
    expect((await call('cityStaff', listDisputes, { params: { code: COUNTY } })).status).toBe(403);
    expect((await call('provinceAdmin', listDisputes, { params: { code: '330199000000' } })).status).toBe(404);
    expect((await call('mallory', listDisputes, { params: { code: COUNTY } })).status).toBe(403);
  });

  it('staff resolve it: a number bound to a verified owner stays with that owner, and the claimant loses it, audited', async () => {
    await malloryClaimsIdA();
    const squat = (await aliceRegistersIdA()).body.identity.dispute as string;
    const params = { code: COUNTY, disputeId: squat };
    const reason = aliceOwnsIdA;
    const wrongOwner = await call('countyStaff', resolve, { params, body: { v: 1, owner: 'mallory', reason, checkedDocument: idCard } });
    expect(wrongOwner.status).toBe(400);
    expect(fieldPaths(wrongOwner)).toEqual(['body.owner']);
    expect((await call('countyStaff', resolve, { params, body: { v: 1, owner: 'nobody', reason } })).status).toBe(400);
    expect((await call('countyStaff', resolve, { params, body: { v: 2, owner: 'alice', reason } })).status).toBe(409);
    expect((await call('cityStaff', resolve, { params, body: { v: 1, owner: 'alice', reason } })).status).toBe(403);
    expect((await call('auditor', resolve, { params, body: { v: 1, owner: 'alice', reason } })).status).toBe(403);
    expect((await call('countyStaff', resolve, { params: { code: CITY, disputeId: squat }, body: { v: 1, owner: 'alice', reason } })).status).toBe(403);

    const done = await call('countyStaff', resolve, { params, body: { v: 1, owner: 'alice', reason } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'resolved', resolution: { owner: 'alice', by: 'ks', reason }, v: 2 });
    expect((await call('countyStaff', resolve, { params, body: { v: 2, owner: 'alice', reason } })).status).toBe(409);

    expect((await call('alice', citizenMe)).body).toMatchObject({ idNumber: ID_A, identity: { status: 'verified', via: 'idp' } });
    expect((await call('alice', citizenMe)).body.identity.dispute).toBeUndefined();
    const lost = await call('mallory', citizenMe);
    expect(lost.body.identity.status).toBe('revoked');
    expect(lost.body.idNumber).toBeUndefined();
    const mallorysRecord = itemsOf(store, 'people').find((i) => i.pk === '3301#citizen' && i.sk === 'mallory');
    expect(JSON.stringify(mallorysRecord)).not.toContain(ID_A);

    const entry = (await readAudit(store, COUNTY, 100)).items.find((e) => e.action === 'identity-dispute.resolve');
    expect(entry).toMatchObject({ subject: `dispute/${squat}`, actor: { sub: 'ks', role: 'staff', unit: COUNTY } });
    expect(JSON.stringify(entry)).not.toContain(ID_A);
    expect((await call('countyStaff', listDisputes, { params: { code: COUNTY } })).body.items).toEqual([]);
    expect((await call('countyStaff', listDisputes, { params: { code: COUNTY }, query: { status: 'resolved' } })).body.items).toHaveLength(1);
  });

  it('staff at a counter bind a number on the document they checked; their reply shows it, the audit log does not', async () => {
    const noDocument = await call('cityStaff', registerCitizenRoute, { body: { idNumber: ID_C, name: '戴夫', unit: CITY, sub: 'dave' } });
    expect(noDocument.status).toBe(400);
    expect(fieldPaths(noDocument)).toEqual(['body.checkedDocument']);
    const wrongDocument = await call('cityStaff', registerCitizenRoute, {
      body: { idNumber: ID_C, name: '戴夫', unit: CITY, sub: 'dave', checkedDocument: licence },
    });
    expect(wrongDocument.status).toBe(400);
    expect(fieldPaths(wrongDocument)).toEqual(['body.checkedDocument.type']);
    const r = await daveBoundAtCounter();
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ sub: 'dave', idNumber: ID_C, registeredBy: 'cs', identity: { status: 'verified', via: 'counter', by: 'cs', document: idCard } });
    expect(r.body.phone).not.toBe('13900003333');
    const entry = (await readAudit(store, CITY, 100)).items.find((e) => e.action === 'citizen.register' && e.subject === 'citizen/dave');
    expect(entry).toMatchObject({ actor: { sub: 'cs', role: 'staff', unit: CITY } });
    expect(JSON.stringify(entry)).not.toContain(ID_C);
    expect((await call('dave', citizenMe)).body).toMatchObject({ idNumber: ID_C, phone: '13900003333', identity: { status: 'verified' } });
  });

  it('a second verified owner of a bound number is bound too, and the earlier holder waits on the dispute', async () => {
    // erin's identity provider verified ID_C, which a counter bound to dave: one of the two verifications is wrong.
    expect((await daveBoundAtCounter()).status).toBe(201);
    const r = await call('erin', registerCitizenRoute, { body: { idNumber: ID_C, name: '艾琳', unit: PROVINCE } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ idNumber: ID_C, identity: { status: 'verified', via: 'idp' } });
    const dave = await call('dave', citizenMe);
    expect(dave.body.identity).toEqual({ status: 'disputed', dispute: r.body.identity.dispute });
    expect(dave.body.idNumber).not.toBe(ID_C);
    const list = await call('provinceAdmin', listDisputes, { params: { code: PROVINCE } });
    expect(list.body.items[0].parties).toEqual([
      { sub: 'dave', unit: CITY, bound: false },
      { sub: 'erin', unit: PROVINCE, bound: true },
    ]);
  });

  it('two unverified claims of one number open a dispute; staff bind it only on a checked document', async () => {
    expect((await carolClaimsIdB()).status).toBe(201);
    const first = await call('bob', registerCitizenRoute, { body: { idNumber: ID_B.toUpperCase(), name: '鲍勃', unit: CITY } });
    expect(first.status).toBe(201);
    // carol claimed ID_B first: bob's claim makes two.
    const id = first.body.identity.dispute as string;
    expect(first.body.identity.status).toBe('disputed');
    expect((await call('carol', citizenMe)).body.identity).toEqual({ status: 'disputed', dispute: id });
    const list = await call('cityStaff', listDisputes, { params: { code: CITY } });
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([id]);
    expect(list.body.items[0].parties).toEqual([
      { sub: 'carol', unit: COUNTY, bound: false },
      { sub: 'bob', unit: CITY, bound: false },
    ]);
    const params = { code: CITY, disputeId: id };
    const reason = '鲍勃持户口簿到窗口核验，号码属本人';
    const unchecked = await call('cityStaff', resolve, { params, body: { v: 1, owner: 'bob', reason } });
    expect(unchecked.status).toBe(400);
    expect(fieldPaths(unchecked)).toEqual(['body.checkedDocument']);
    const done = await call('cityStaff', resolve, { params, body: { v: 1, owner: 'bob', reason, checkedDocument: { type: 'household-register' } } });
    expect(done.status).toBe(200);
    expect(done.body.parties).toEqual([
      { sub: 'carol', unit: COUNTY, bound: false },
      { sub: 'bob', unit: CITY, bound: true },
    ]);
    expect((await call('bob', citizenMe)).body).toMatchObject({
      idNumber: '11010519491231002X',
      identity: { status: 'verified', via: 'resolution', by: 'cs', document: { type: 'household-register' } },
    });
    expect((await call('carol', citizenMe)).body.identity.status).toBe('revoked');
    // Bound now: a later unverified claim opens a new dispute instead of taking it.
    const late = await call('trent', registerCitizenRoute, { body: { idNumber: ID_B, name: '特伦特', unit: CITY } });
    expect(late.body.identity.status).toBe('disputed');
    expect((await call('bob', citizenMe)).body).toMatchObject({ idNumber: '11010519491231002X', identity: { status: 'verified' } });
  });

  it('keeps one citizen account per subject (409), writing nothing', async () => {
    expect((await aliceRegistersIdA()).status).toBe(201);
    const before = storeSnapshot(store);
    const second = await call('alice', registerCitizenRoute, { body: { idNumber: ID_A, name: '爱丽丝', unit: COUNTY } });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('already_exists');
    expect(storeSnapshot(store)).toBe(before);
  });

  it('answers 404 to anyone without an account, citizens and staff alike', async () => {
    for (const who of ['beta', 'cityStaff', 'provinceAdmin'] as const) {
      const r = await call(who, citizenMe);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
  });

  it('refuses business accounts, auditors and citizens acting for someone else', async () => {
    const body = { idNumber: ID_C, name: '某人', unit: CITY, sub: 'zoe', checkedDocument: idCard };
    expect((await call('beta', registerCitizenRoute, { body: { idNumber: ID_C, name: '某人', unit: CITY } })).status).toBe(403);
    expect((await call('trent', registerCitizenRoute, { body })).status).toBe(403);
    expect((await call('auditor', registerCitizenRoute, { body })).status).toBe(403);
  });

  it('of two concurrent claims of one number, both are kept and one dispute holds them', async () => {
    const fresh = memoryDeps().deps;
    await fresh.store.putMany('registry', [unit(PROVINCE, '浙江省', 'province')]);
    const attempt = (sub: string) => registerCitizen(fresh, scopeOf({ sub, role: 'citizen', unit: PROVINCE }), { idNumber: ID_C, name: '卡萝', unit: PROVINCE });
    const results = await Promise.all([attempt('twin-1'), attempt('twin-2')]);
    expect(results.map((r) => r.identity.status).sort()).toEqual(['disputed', 'unverified']);
    const records = await fresh.store.query({ table: 'people', pk: '33#citizen', limit: 10 });
    expect(records.items.map((i) => i.identity)).toEqual([
      { status: 'disputed', dispute: expect.any(String) },
      { status: 'disputed', dispute: expect.any(String) },
    ]);
    const disputes = await fresh.store.query({ table: 'people', index: 'gsi1', pk: '33#dispute', limit: 10 });
    expect(disputes.items).toHaveLength(1);
    expect(disputes.items[0]!.parties).toHaveLength(2);
  });
});

describe('an account verified after it registered', () => {
  it('binds the number it claimed once its owner is verified, and refuses a second account otherwise', async () => {
    expect((await call('frank', registerCitizenRoute, { body: { idNumber: ID_F, name: '弗兰克', unit: CITY } })).body.identity.status).toBe('unverified');
    const again = await call('frank', registerCitizenRoute, { body: { idNumber: ID_F, name: '弗兰克', unit: CITY } });
    expect(again.status).toBe(409);
    const elsewhere = await call('frankVerified', registerCitizenRoute, { body: { idNumber: ID_F, name: '弗兰克', unit: COUNTY } });
    expect(elsewhere.status).toBe(400);
    expect(fieldPaths(elsewhere)).toEqual(['body.unit']);
    const verified = await call('frankVerified', registerCitizenRoute, { body: { idNumber: ID_F, name: '弗兰克', unit: CITY } });
    expect(verified.status).toBe(201);
    expect(verified.body).toMatchObject({ idNumber: ID_F, identity: { status: 'verified', via: 'idp' }, v: 2 });
    expect((await call('frank', citizenMe)).body).toMatchObject({ idNumber: ID_F, identity: { status: 'verified' } });
    expect((await call('frankVerified', registerCitizenRoute, { body: { idNumber: ID_F, name: '弗兰克', unit: CITY } })).status).toBe(409);
    const index = await store.get('people', await numberIndexKey(deps.keys.identity, 'resident', CITY, ID_F));
    expect(index).toMatchObject({ bound: expect.any(String), claims: [] });
  });

  it('an owner verified while the number is disputed is bound at once; the dispute keeps the other claim', async () => {
    await call('grace', registerCitizenRoute, { body: { idNumber: ID_G, name: '格蕾丝', unit: CITY } });
    const rival = await call('heidi', registerCitizenRoute, { body: { idNumber: ID_G, name: '海蒂', unit: CITY } });
    const id = rival.body.identity.dispute as string;
    const verified = await call('graceVerified', registerCitizenRoute, { body: { idNumber: ID_G, name: '格蕾丝', unit: CITY } });
    expect(verified.status).toBe(201);
    expect(verified.body).toMatchObject({ idNumber: ID_G, identity: { status: 'verified', via: 'idp', dispute: id } });
    const open = (await call('cityStaff', listDisputes, { params: { code: CITY } })).body.items.find((d: { id: string }) => d.id === id);
    expect(open).toMatchObject({
      parties: [
        { sub: 'heidi', unit: CITY, bound: false },
        { sub: 'grace', unit: CITY, bound: true },
      ],
      v: 2,
    });
    expect((await call('heidi', citizenMe)).body.identity).toEqual({ status: 'disputed', dispute: id });
    // heidi's identity provider verified another number: her account claims this one, so a counter sorts it out.
    const other = await call('heidiVerified', registerCitizenRoute, { body: { idNumber: ID_X, name: '海蒂', unit: CITY }, lang: 'en' });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/already claims another number/);
  });

  it('staff at a counter verify an account that claimed its number unverified, audited with before and after', async () => {
    await call('judy', registerCitizenRoute, { body: { idNumber: ID_J, name: '朱迪', unit: CITY } });
    const r = await call('cityStaff', registerCitizenRoute, { body: { idNumber: ID_J, name: '朱迪', unit: CITY, sub: 'judy', checkedDocument: idCard } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ idNumber: ID_J, identity: { status: 'verified', via: 'counter', by: 'cs' } });
    const entry = (await readAudit(store, CITY, 200)).items.find((e) => e.subject === 'citizen/judy');
    expect(entry).toMatchObject({ action: 'citizen.register', before: { identity: { status: 'unverified' } }, after: { identity: { status: 'verified' } } });
    expect(JSON.stringify(entry)).not.toContain(ID_J);
  });

  it('an account that lost a number in a dispute may bind its own once verified', async () => {
    await malloryLosesIdA();
    expect((await call('mallory', citizenMe)).body.identity.status).toBe('revoked');
    const r = await call('malloryVerified', registerCitizenRoute, { body: { idNumber: ID_M, name: '马洛里', unit: CITY } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ idNumber: ID_M, identity: { status: 'verified', via: 'idp' } });
  });
});

describe('business accounts', () => {
  it('a business whose code the identity provider verified is bound; one without is kept unverified', async () => {
    const r = await call('acme', registerBusinessRoute, { body: { creditCode: CODE_A, name: '杭州某某科技有限公司', unit: CITY } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ sub: 'acme', creditCode: CODE_A, unit: CITY, identity: { status: 'verified', via: 'idp' } });
    expect((await call('acme', businessMe)).body.creditCode).toBe(CODE_A);
    const claim = await shellClaimsCodeB();
    expect(claim.status).toBe(201);
    expect(claim.body.identity).toEqual({ status: 'unverified' });
    expect(claim.body.creditCode).toBe('91330106********0U');
    expect((await call('beta', businessMe)).status).toBe(404);
  });

  it('refuses a code failing its check, and an override from anyone but staff with the licence checked', async () => {
    const bad = await call('beta', registerBusinessRoute, { body: { creditCode: CODE_FAILS_CHECK, name: '某某公司', unit: CITY } });
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad)).toEqual(['body.creditCode']);
    expect((await call('beta', registerBusinessRoute, { body: { creditCode: CODE_FAILS_CHECK, name: '某某公司', unit: CITY, override } })).status).toBe(403);
    const malformed = await call('cityStaff', registerBusinessRoute, {
      body: { creditCode: '91AB0100MA27XYW117', name: '某某公司', unit: CITY, sub: 'beta', override, checkedDocument: licence },
    });
    expect(malformed.status).toBe(400);
    expect(fieldPaths(malformed)).toEqual(['body.creditCode']);
    const unchecked = await call('cityStaff', registerBusinessRoute, { body: { creditCode: CODE_FAILS_CHECK, name: '某某公司', unit: CITY, sub: 'beta', override } });
    expect(unchecked.status).toBe(400);
    expect(fieldPaths(unchecked)).toEqual(['body.checkedDocument']);
  });

  it('lets staff register a failing code with a reason and the licence checked, recorded in the home unit’s audit chain', async () => {
    const r = await call('cityStaff', registerBusinessRoute, {
      body: { creditCode: CODE_FAILS_CHECK, name: '某某公司', unit: CITY, sub: 'beta', override, checkedDocument: licence },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ creditCode: CODE_FAILS_CHECK, override: { reason: override.reason, by: 'cs' }, identity: { status: 'verified', via: 'counter' } });
    const entry = (await readAudit(store, CITY, 100)).items.find((e) => e.action === 'business.override');
    expect(entry).toMatchObject({ subject: 'business/beta', actor: { sub: 'cs', role: 'staff' }, after: { override: { reason: override.reason } } });
    expect(JSON.stringify(entry)).not.toContain(CODE_FAILS_CHECK);
    expect((await call('beta', businessMe)).body).toMatchObject({ creditCode: CODE_FAILS_CHECK });
  });

  it('a code claimed without proof goes to its owner registered at a counter, with a dispute for the claimant', async () => {
    expect((await shellClaimsCodeB()).status).toBe(201);
    const r = await call('cityStaff', registerBusinessRoute, { body: { creditCode: CODE_B.toLowerCase(), name: '某某实业', unit: CITY, sub: 'gamma', checkedDocument: licence } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ creditCode: CODE_B, identity: { status: 'verified', via: 'counter' } });
    expect((await call('shell', businessMe)).body.identity).toEqual({ status: 'disputed', dispute: r.body.identity.dispute });
  });
});

describe('personal data at rest', () => {
  beforeEach(registerEveryNumber);

  it('keys the number index with the identity key, and keeps nothing identifying in it', async () => {
    const key = await numberIndexKey(deps.keys.identity, 'resident', COUNTY, ID_A);
    expect(key.sk).toBe(await deps.keys.identity.mac(`resident:${ID_A}`));
    expect(key.sk).not.toBe(createHash('sha256').update(`resident:${ID_A}`).digest('hex'));
    expect(key.pk).toMatch(/^33#idx-resident#[0-9a-f]$/);
    const index = await store.get('people', key);
    expect(Object.keys(index!).sort()).toEqual(['bound', 'claims', 'pk', 'sk', 'v']);
    const indexes = itemsOf(store, 'people').filter((i) => /#idx-(resident|credit)#/.test(i.pk));
    expect(indexes.length).toBeGreaterThan(3);
    for (const i of indexes) expect(Object.keys(i).every((k) => ['pk', 'sk', 'bound', 'claims', 'dispute', 'v'].includes(k))).toBe(true);
  });

  it('never puts a clear number into a key', async () => {
    const keys = [...store['tables'].values()].flatMap((m) => [...m.values()].map((i) => `${i.pk} ${i.sk} ${i.gsi1pk ?? ''} ${i.gsi1sk ?? ''}`));
    // The numbers themselves: a pattern would also match a run of digits in a hex MAC, now and then.
    for (const n of [ID_A, ID_B.toUpperCase(), ID_C, ID_F, ID_G, ID_J, ID_M, CODE_A, CODE_B, CODE_FAILS_CHECK]) {
      expect(keys.filter((k) => k.includes(n))).toEqual([]);
    }
  });

  it('no function but the people function may read a table holding a citizen’s or business’s record or number', async () => {
    const numbers = [ID_A, ID_B.toUpperCase(), ID_C, CODE_A, CODE_B, CODE_FAILS_CHECK];
    const personal = (table: TableId) =>
      itemsOf(store, table).filter(
        (i) => /#(citizen|business|idx-resident|idx-credit|dispute)/.test(i.pk) || numbers.some((n) => JSON.stringify(i).includes(n)),
      );
    for (const f of FUNCTIONS.filter((fn) => fn.id !== 'people')) {
      for (const table of Object.keys(f.tables) as TableId[]) expect(personal(table), `${f.id} reads ${table}`).toEqual([]);
    }
    expect(personal('people').length).toBeGreaterThan(0);
    expect(Object.entries(FUNCTIONS.find((f) => f.id === 'people')!.tables)).toContainEqual(['people', 'write']);
  });
});
