import { describe, expect, it } from 'vitest';
import { startImportOp } from '../../functions/units/api';
import { ALL_OPERATIONS } from '../../functions/catalog';
import type { Principal } from '../../shared/roles';
import type * as z from '../../shared/zod';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from '../support/accounts';
import { inProcessApi } from '../support/in-process-api';
import { memoryDeps } from '../support/memory-deps';
import { testTokens } from '../support/tokens';

/** A chain of nodes nested `depth` deep, as a hostile or broken file would be. */
function deepTree(depth: number): unknown {
  let node: Record<string, unknown> = { code: '330102001001', name: '村', level: 'village' };
  for (let i = 1; i < depth; i++) node = { code: '330102001001', name: '村', level: 'village', children: [node] };
  return node;
}

/** The schemas a schema is made of (object fields, items, options, wrapped or lazy schemas, record keys and values). */
function partsOf(s: z.ZodMiniType): z.ZodMiniType[] {
  const d = (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  const lazy = typeof d.getter === 'function' ? (d.getter as () => unknown)() : undefined;
  const one = [lazy, ...['innerType', 'element', 'keyType', 'valueType', 'in', 'out', 'catchall'].map((k) => d[k])];
  return [...one, ...((d.options as unknown[]) ?? []), ...Object.values((d.shape as object) ?? {})].filter(Boolean) as z.ZodMiniType[];
}

/** A path from `s` back to itself, if it has one: a recursive schema, which a deep enough input overflows. */
function cycleIn(s: z.ZodMiniType, path: z.ZodMiniType[] = []): boolean {
  if (path.includes(s)) return true;
  return partsOf(s).some((p) => cycleIn(p, [...path, s]));
}

describe('input that could exhaust the validator', async () => {
  const { deps } = memoryDeps();
  const at = deps.now().toISOString();
  await deps.store.putMany('registry', [unitItem(newUnit('330000000000', '浙江省', undefined, at))]);
  const tokens = await testTokens();
  const api = await inProcessApi(deps, tokens.verifier);
  const admin: Principal = { sub: 'admin', role: 'province-admin', unit: '330000000000' };
  const citizen: Principal = { sub: 'c1', role: 'citizen', unit: '330000000000' };
  await seedAccounts(deps.store, [admin]);

  it('a division tree nested 2,000 deep gets a 400 naming the depth, not a 500', async () => {
    const body = deepTree(2000);
    expect(JSON.stringify(body).length).toBeGreaterThan(100_000);
    const res = await api(startImportOp, { params: { code: '330000000000' }, body, token: await tokens.sign(admin) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields).toHaveLength(1);
    expect(res.body.error.fields[0].message).toBe('区划树最多 5 层（省、市、县、乡、村）');
  });

  it('no request schema is recursive: each nests only as deep as its data can', () => {
    for (const op of ALL_OPERATIONS) {
      for (const part of [op.params, op.query, op.body]) if (part) expect(cycleIn(part), op.id).toBe(false);
    }
  });

  it('a tree as deep as the five levels still passes validation', async () => {
    const codes = ['330000000000', '330100000000', '330102000000', '330102001000', '330102001001'];
    const levels = ['province', 'city', 'county', 'township', 'village'];
    let node: Record<string, unknown> | undefined;
    for (let i = 4; i >= 0; i--) node = { code: codes[i], name: `单位${i}`, level: levels[i], ...(node ? { children: [node] } : {}) };
    const res = await api(startImportOp, { params: { code: '330000000000' }, body: node, token: await tokens.sign(admin) });
    expect(res.status).toBe(202);
  });

  it('a caller whose role may never use a route is refused before its body is read', async () => {
    // Neither JSON nor declared as JSON: a 403 rather than a 415 or a 400 shows the body was never looked at.
    const res = await api(startImportOp, { params: { code: '330000000000' }, token: await tokens.sign(citizen), rawBody: '{"code":' + '"x'.repeat(10) });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    // The province admin sending the same gets the media-type answer: the route is open to that role.
    const admin415 = await api(startImportOp, { params: { code: '330000000000' }, token: await tokens.sign(admin), rawBody: '{"code":' });
    expect(admin415.status).toBe(415);
  });

  it('the operations whose route alone rules a role out say so', () => {
    const limited = ALL_OPERATIONS.filter((op) => op.roles);
    expect(limited.map((op) => op.id).sort()).toEqual(
      [
        'changeDepartment', 'changeStaff', 'changeUnit', 'createDepartment', 'createStaff', 'createUnit', 'getJob', 'listIdentityDisputes', 'listStaff', 'putUnitSettings', 'readAudit', 'registerBusiness', 'registerCitizen', 'resolveIdentityDispute', 'resumeJob', 'startUnitImport', 'verifyAudit',
        // Work between tiers, its figures and its dead letters: citizens and businesses have no part in them.
        'createAssignment', 'getAssignment', 'getCase', 'actOnCase', 'superviseCase', 'publishNotice', 'getSentNotice', 'listUnsigned', 'readInbox', 'readAddressedNotice', 'acknowledgeNotice', 'addNoticeInstruction', 'listCases', 'listSentAssignments', 'listSentNotices', 'readUnitStats',
        'createDataRequest', 'getDataRequest', 'getDataRequestCsv', 'listSentDataRequests', 'listDeadLetters', 'redriveDeadLetters',
        // Services: the catalogue's definers and adopters, and staff reading and working applications.
        'defineServiceItem', 'changeServiceItem', 'getServiceItem', 'adoptServiceItem', 'getAdoption', 'markAdoptionSeen',
        'submitApplication', 'getApplication', 'actOnApplication', 'supplementApplication', 'listMyApplications', 'getDepartmentWorklist',
        'rateApplication', 'rectifyApplication', 'defineServiceBundle', 'submitServiceBundle', 'getBundleSubmission',
        // Tickets: staff work them, filers file, follow and rate their own (getTicket is open: who the caller is to the ticket decides).
        'fileTicket', 'listTickets', 'listIncomingTickets', 'listMyTickets', 'actOnTicket', 'rateTicket', 'suggestDuplicateTickets', 'mergeTicket', 'unmergeTicket', 'publishLetter', 'registerOpen311Client',
        // Auditors only read: they upload nothing.
        'startUpload',
        // 政务公开: staff publish, handle requests and read records; citizens and businesses submit requests and
        // answer a 补正, which staff do not.
        'createDocument', 'publishDocument', 'updateDocument', 'withdrawDocument', 'getDocumentRecord', 'listDisclosureDrafts', 'setDisclosureIssuer', 'getDisclosureFreshness',
        'getDisclosureAnnualReport', 'submitDisclosureRequest', 'getDisclosureRequest', 'actOnDisclosureRequest', 'answerDisclosureCorrection',
        // Downloading a record's files: whoever may read the record (a ticket's and a published document's are open
        // like their records; the record decides).
        'getApplicationAttachment', 'getDocumentRecordAttachment',
      ].sort(),
    );
  });
});
