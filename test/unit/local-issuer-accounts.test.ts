import { describe, expect, it } from 'vitest';
import { createLocalIssuer } from '../../infra/local/token-issuer';
import { accountCheck } from '../../tenants/scope';
import { seedAccounts } from '../support/accounts';
import { memoryDeps } from '../support/memory-deps';

const TOWNSHIP = '330106002000';

describe('the local issuer, as the user pool', () => {
  it("sets a staff account's department from its record, whatever the sign-in asked for; refuses one without a record", async () => {
    const { deps } = memoryDeps();
    await seedAccounts(deps.store, [
      { sub: 'clerk', role: 'staff', unit: TOWNSHIP, dept: '01DEPTID' },
      { sub: 'admin', role: 'unit-admin', unit: TOWNSHIP },
    ]);
    const issuer = await createLocalIssuer({ dataDir: ':memory:', baseUrl: 'http://127.0.0.1:3000', accounts: (p) => accountCheck(deps.store, p) });
    const claims = async (p: Parameters<typeof issuer.issue>[0]) => issuer.verify((await issuer.issue(p)).token);

    // The demo's sign-in page names the department; the user pool holds the id the API's records use.
    expect((await claims({ sub: 'clerk', role: 'staff', unit: TOWNSHIP, dept: '综合办公室' }))['custom:dept']).toBe('01DEPTID');
    expect((await claims({ sub: 'admin', role: 'unit-admin', unit: TOWNSHIP, dept: '综合办公室' }))['custom:dept']).toBeUndefined();
    expect((await claims({ sub: 'someone', role: 'citizen', unit: TOWNSHIP }))['custom:role']).toBe('citizen');
    await expect(issuer.issue({ sub: 'nobody', role: 'staff', unit: TOWNSHIP })).rejects.toMatchObject({ status: 403 });
  });
});
