import { describe, expect, it } from 'vitest';
import {
  actOnApplicationOp,
  getApplicationOp,
  myApplicationsOp,
  progressOp,
  submitOp,
  supplementOp,
  verifyResultOp,
  worklistOp,
} from '../../functions/services/api';
import { putSettingsOp } from '../../functions/settings/api';
import { readStats } from '../../functions/stats/rollup';
import { rulesOf } from '../../functions/tiers/effects';
import { getCase, sweepOverdue } from '../../functions/tiers/escalation';
import { toChinaDate } from '../../shared/working-days';
import { apply, applicant, counted, dept, form, ITEM, RESIDENT_ID, step, U, withItem } from '../support/services-world';
import { myApplications, worklist } from '../../functions/services/applications';
import { listMessages } from '../../functions/notify/notifications';
import { startUpload } from '../../functions/uploads/attachments';

describe('applications (办件)', () => {
  it('goes from submission through 补正, which stops the clock, to completion with a result anyone can verify, telling the applicant each step', async () => {
    const w = await withItem();
    const body = '%PDF-1.7 出生医学证明扫描件';
    const up = await startUpload(w.deps, w.people.citizen!, U.county, { purpose: 'application', name: '出生证明.pdf', type: 'application/pdf', size: Buffer.byteLength(body) });
    await w.deps.files.put(up.key, body, 'application/pdf');
    const file = { key: up.key, name: '出生证明.pdf', type: 'application/pdf', size: Buffer.byteLength(body) };
    const s = await apply(w, U.county, 'citizen', { attachments: [file] });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    expect(s.body.attachments).toEqual([file]);
    // Monday 2 March 2026 plus the county's promise of three working days.
    expect(s.body).toMatchObject({ status: 'submitted', due: '2026-03-05', dept: dept(U.county), unit: U.county });
    expect(s.body.ref).toMatch(new RegExp(`^${U.county}-260302-[0-9A-Z]{6}$`));
    const id = s.body.id as string;

    w.setClock('2026-03-03T02:00:00Z');
    const sup = await step(w, id, 'request-supplement', { missing: ['出生医学证明复印件'] });
    expect(sup.status, JSON.stringify(sup.body)).toBe(200);
    expect(sup.body).toMatchObject({ status: 'supplement', daysLeft: 2, missing: ['出生医学证明复印件'] });
    expect(sup.body.due).toBeUndefined();
    const list = await w.api(worklistOp, { params: { code: U.county, dept: dept(U.county) }, token: w.token(`clerk@${U.county}`) });
    expect(list.body.items).toEqual([]);

    // A week later the applicant answers; the two working days left run from then.
    w.setClock('2026-03-10T02:00:00Z');
    const back = await w.api(supplementOp, { params: { code: U.county, id }, body: { form: { hospital: '省妇保医院' }, note: '已补充' }, token: w.token('citizen') });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body).toMatchObject({ status: 'submitted', due: '2026-03-12', form: { hospital: '省妇保医院', babyName: '王一一' } });
    // Once only.
    expect((await step(w, id, 'request-supplement', { missing: ['户口簿'] })).status).toBe(422);

    for (const a of ['accept', 'review', 'approve', 'complete']) expect((await step(w, id, a)).status, a).toBe(200);
    const done = await w.api(getApplicationOp, { params: { code: U.county, id }, token: w.token('citizen') });
    expect(done.body.status).toBe('completed');
    expect(done.body.timeline.map((t: { action: string }) => t.action)).toEqual(['submit', 'request-supplement', 'supplement', 'accept', 'review', 'approve', 'complete']);
    const code = done.body.result.verificationCode as string;
    expect(code).toMatch(/^[0-9A-Z]{12}$/);

    const ok = await w.api(verifyResultOp, { params: { ref: s.body.ref }, query: { code } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ outcome: 'approved', applicant: '王**', title: '出生医学证明首次签发' });
    const forged = await w.api(verifyResultOp, { params: { ref: s.body.ref }, query: { code: code.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) } });
    expect(forged.status).toBe(404);

    const p = await w.api(progressOp, { query: { ref: s.body.ref, name: '王小明' } });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ status: 'completed', applicant: { name: '王**', phone: '138****8000' } });
    expect(p.body.applicant.idNumber).not.toContain('19900307');
    expect(JSON.stringify(p.body)).not.toContain('已补充');
    expect((await w.api(progressOp, { query: { ref: s.body.ref, name: '王小红' } })).status).toBe(404);

    await w.settle();
    const messages = await listMessages(w.deps, w.people.citizen!, 50);
    // One message per step (the test's clock stands still, so they come in no particular order).
    expect(messages.items).toHaveLength(7);
    expect(messages.items.map((m) => m.text.zh)).toEqual(expect.arrayContaining([
      expect.stringContaining('已办结'),
      expect.stringContaining('审查通过'),
      expect.stringContaining('已进入审查'),
      expect.stringContaining('已受理'),
      expect.stringContaining('已收到您对'),
      expect.stringContaining('需要补正'),
      expect.stringContaining('已提交'),
    ]));
    expect(messages.items.find((m) => m.text.zh.includes('已办结'))!.text.zh).toContain(code);
    const day = '2026-03-10';
    const county = await readStats(w.deps, U.county, '2026-03-02', day);
    expect(county.own).toMatchObject({ opened: 1, closed: 1, onTime: 1, late: 0 });
    expect((await readStats(w.deps, U.province, '2026-03-02', day)).subtree).toMatchObject({ opened: 1, closed: 1, onTime: 1 });
  });

  it('refuses a form that does not match, a bad ID number, a unit that does not offer the item, and changes nothing', async () => {
    const w = await withItem();
    const before = w.snapshot();
    const badForm = await apply(w, U.county, 'citizen', { form: { ...form, hospital: '不存在的医院', extra: 1 } });
    expect(badForm.status).toBe(400);
    expect(badForm.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.form.extra', 'body.form.hospital']);
    const en = await w.api(submitOp, {
      params: { code: U.county },
      body: { definer: U.province, item: ITEM, form: { ...form, birthDate: '2026-02-30' }, applicant },
      token: w.token('citizen'),
      headers: { 'accept-language': 'en' },
    });
    expect(en.body.error.fields).toEqual([{ path: 'body.form.birthDate', message: 'must be a date such as 2026-03-02' }]);
    const badId = await apply(w, U.county, 'citizen', { applicant: { ...applicant, idNumber: RESIDENT_ID.slice(0, 17) + (RESIDENT_ID.endsWith('1') ? '2' : '1') } });
    expect(badId.status).toBe(400);
    expect(badId.body.error.fields).toEqual([{ path: 'body.applicant.idNumber', message: '居民身份证号码无效（GB 11643 校验未通过）' }]);
    const business = await apply(w, U.county, 'business');
    expect(business.status).toBe(400);
    expect(business.body.error.fields[0].message).toContain('统一社会信用代码');
    // The other county adopted nothing: its residents apply at the province.
    expect((await apply(w, U.otherCounty)).status).toBe(422);
    expect((await apply(w, U.county, 'citizen', { item: '330000-CS-999' })).status).toBe(404);
    // A file of a type applications do not take, and one that never reached the bucket.
    const html = await apply(w, U.county, 'citizen', { attachments: [{ key: 'uploads/x/y/z/a.html', name: 'a.html', type: 'text/html', size: 10 }] });
    expect(html.status).toBe(400);
    expect(html.body.error.fields.map((f: { path: string }) => f.path)).toContain('body.attachments.0.type');
    const up = await startUpload(w.deps, w.people.citizen!, U.county, { purpose: 'application', name: 'a.pdf', type: 'application/pdf', size: 100 });
    const missing = await apply(w, U.county, 'citizen', { attachments: [{ key: up.key, name: 'a.pdf', type: 'application/pdf', size: 100 }] });
    expect(missing.status).toBe(422);
    expect(w.snapshot()).toBe(before);
  });

  it('lets only staff of the handling department take a step, and only one allowed from the current state', async () => {
    const w = await withItem();
    const id = (await apply(w)).body.id as string;
    const before = w.snapshot();
    expect((await step(w, id, 'accept', {}, U.county, `clerkB@${U.county}`)).status).toBe(403);
    expect((await step(w, id, 'accept', {}, U.county, `staff@${U.county}`)).status).toBe(403);
    expect((await step(w, id, 'accept', {}, U.county, `admin@${U.county}`)).status).toBe(403);
    const wrong = await step(w, id, 'approve');
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.fields[0].path).toBe('body.action');
    expect((await step(w, id, 'request-supplement')).status).toBe(400);
    expect((await step(w, id, 'accept', { v: 7 })).status).toBe(409);
    // Citizens take no staff step.
    expect((await step(w, id, 'accept', {}, U.county, 'citizen')).status).toBe(403);
    expect(w.snapshot()).toBe(before);
  });

  it('two concurrent steps on one case: one wins, the other gets 409 and changes nothing', async () => {
    const w = await withItem();
    const id = (await apply(w)).body.id as string;
    // Both read the case before either writes, as two staff members acting at the same moment would.
    const read = w.store.get.bind(w.store);
    const held: (() => void)[] = [];
    w.store.get = async (table, key) => {
      const item = await read(table, key);
      if (key.sk === `application/${id}`) await new Promise<void>((go) => (held.push(go) === 2 ? held.forEach((f) => f()) : undefined));
      return item;
    };
    const [a, b] = await Promise.all([step(w, id, 'accept'), step(w, id, 'reject')]);
    w.store.get = read;
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const c = await getCase(w.deps, U.county, 'application', id);
    expect(c!.history.map((h) => h.action)).toEqual(['submit', a.status === 200 ? 'accept' : 'reject']);
  });

  it('lists my cases across units and tiers, and a department worklist by due date with yellow and red', async () => {
    const w = await withItem();
    const county1 = (await apply(w)).body;
    w.setClock('2026-03-02T03:00:00Z');
    const township = (await apply(w, U.township)).body;
    w.setClock('2026-03-02T04:00:00Z');
    const province = (await apply(w, U.province)).body;
    expect((await apply(w, U.county, 'citizen2')).status).toBe(201);

    const page1 = await w.api(myApplicationsOp, { query: { limit: '2' }, token: w.token('citizen') });
    expect(page1.status, JSON.stringify(page1.body)).toBe(200);
    const page2 = await w.api(myApplicationsOp, { query: { limit: '2', cursor: page1.body.cursor }, token: w.token('citizen') });
    expect([...page1.body.items, ...page2.body.items].map((i: { ref: string }) => i.ref)).toEqual([province.ref, township.ref, county1.ref]);
    expect(page2.body.cursor).toBeUndefined();

    // Due 2026-03-05 and 2026-03-05; on 4 March both are within the two-day warning, on 6 March past due.
    w.setClock('2026-03-04T02:00:00Z');
    const list = await w.api(worklistOp, { params: { code: U.county, dept: dept(U.county) }, token: w.token(`clerk@${U.county}`) });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { warning?: string; applicant: string }) => [i.warning, i.applicant])).toEqual([
      ['yellow', '王**'],
      ['yellow', '王**'],
    ]);
    w.setClock('2026-03-06T02:00:00Z');
    const late = await w.api(worklistOp, { params: { code: U.county, dept: dept(U.county) }, token: w.token(`clerk@${U.county}`) });
    expect(late.body.items.map((i: { warning?: string }) => i.warning)).toEqual(['red', 'red']);
    // Other units' staff see nothing of it.
    expect((await w.api(worklistOp, { params: { code: U.county, dept: dept(U.county) }, token: w.token(`clerk@${U.township}`) })).status).toBe(403);
    expect((await w.api(getApplicationOp, { params: { code: U.county, id: county1.id }, token: w.token('citizen2') })).status).toBe(404);
  });

  it('escalates an overdue application to the unit above when the unit’s setting says so', async () => {
    const w = await withItem();
    const id = (await apply(w)).body.id as string;
    const put = await w.api(putSettingsOp, { params: { code: U.county }, body: { v: 0, escalation: { onOverdue: true } }, token: w.token(`admin@${U.county}`) });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    w.setClock('2026-03-09T02:00:00Z');
    expect(await sweepOverdue(w.deps, U.county, rulesOf)).toEqual({ flagged: 1, escalated: 1 });
    await w.settle();
    const up = await getCase(w.deps, U.city, 'application', id);
    expect(up).toMatchObject({ status: 'submitted', escalatedFrom: U.county });
    // The city's staff take it up where it stood; the county's copy only shows where it went.
    expect((await step(w, id, 'accept', {}, U.city, `staff@${U.city}`)).status).toBe(200);
    expect((await step(w, id, 'accept')).status).toBe(422);
    const list = await w.api(worklistOp, { params: { code: U.county, dept: dept(U.county) }, token: w.token(`clerk@${U.county}`) });
    expect(list.body.items).toEqual([]);
    const day = toChinaDate(w.deps.now());
    expect((await readStats(w.deps, U.county, day, day)).own).toMatchObject({ overdue: 1, escalated: 1 });
  });

  it('reads a page of my cases and of a worklist with the same requests whatever the number of cases', async () => {
    const w = await withItem();
    const pages = async () => {
      const { store, n } = counted(w.store);
      const before = n.requests;
      await myApplications(store, w.people.citizen!, 2);
      const mine = n.requests - before;
      await worklist(store, U.county, dept(U.county), 2, w.deps.now());
      return [mine, n.requests - before - mine];
    };
    for (let i = 0; i < 3; i++) expect((await apply(w)).status).toBe(201);
    const few = await pages();
    for (let i = 0; i < 30; i++) expect((await apply(w)).status).toBe(201);
    expect(await pages()).toEqual(few);
    expect(few).toEqual([2, 3]);
  });
});
