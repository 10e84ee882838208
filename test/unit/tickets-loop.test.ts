import { describe, expect, it } from 'vitest';
import { putSettingsOp } from '../../functions/settings/api';
import { readStats } from '../../functions/stats/rollup';
import {
  actOnTicketOp,
  fileTicketOp,
  getTicketOp,
  listIncomingOp,
  listTicketsOp,
  myTicketsOp,
  rateTicketOp,
} from '../../functions/tickets/api';
import { rulesOf } from '../../functions/tiers/effects';
import { superviseOp } from '../../functions/tiers/api';
import { sweepOverdue } from '../../functions/tiers/escalation';
import { listMessages } from '../../functions/notify/notifications';
import { actOnTicket } from '../../functions/tickets/tickets';
import { ownerFolder } from '../../functions/uploads/attachments';
import { createDepartment } from '../../tenants/people';
import type { Principal } from '../../shared/roles';
import { toChinaDate } from '../../shared/working-days';
import { seedAccounts } from '../support/accounts';
import { tierWorld, U } from '../support/tier-world';

type World = Awaited<ReturnType<typeof tierWorld>>;

const LAMP = {
  type: 'complaint',
  category: 'streetlight',
  text: '一村村口到小学门口的三盏路灯已经坏了一个星期，晚上孩子放学路上一片漆黑。联系电话13812345678，身份证330106198001011234。',
  location: { lat: 30.2741, lng: 120.1551, address: '一村村口' },
};

/** The world, a department at the township with a staff member in it, and two citizens. */
async function world() {
  const w = await tierWorld();
  const dept = await createDepartment(w.deps, w.people[`admin@${U.township}`]!, U.township, { name: '城管科' });
  const clerk: Principal = { sub: 'clerk', role: 'staff', unit: U.township, dept: dept.id };
  await seedAccounts(w.store, [clerk]);
  const citizen: Principal = { sub: 'citizen-1', role: 'citizen', unit: U.village };
  const other: Principal = { sub: 'citizen-2', role: 'citizen', unit: U.village };
  return { ...w, dept: dept.id, tokens: { clerk: await w.sign(clerk), citizen: await w.sign(citizen), other: await w.sign(other) } };
}

async function file(w: World, token: string, unit: string = U.village, body: object = LAMP) {
  const r = await w.api(fileTicketOp, { params: { code: unit }, body, token });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

const act = (w: World, token: string, id: string, body: object, home: string = U.village) =>
  w.api(actOnTicketOp, { params: { code: home, id }, body, token });

async function ok(w: World, token: string, id: string, body: object, home: string = U.village) {
  const r = await act(w, token, id, body, home);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** Filed at the village, escalated to the township, accepted there and dispatched to its department. */
async function atDepartment(w: Awaited<ReturnType<typeof world>>, body: object = LAMP) {
  const id = await file(w, w.tokens.citizen, U.village, body);
  await ok(w, w.token(`staff@${U.village}`), id, { action: 'escalate', note: '村里无法处理，报街道' });
  await w.settle();
  await ok(w, w.token(`staff@${U.township}`), id, { action: 'accept' });
  await ok(w, w.token(`staff@${U.township}`), id, { action: 'dispatch', to: { dept: w.dept } });
  return id;
}

describe('the ticket loop', () => {
  it('goes from a village filing to a department of the township, round to a rating, and the county counts it', async () => {
    const w = await world();
    const id = await atDepartment(w);
    await ok(w, w.tokens.clerk, id, { action: 'sign' });
    await ok(w, w.tokens.clerk, id, { action: 'progress', note: '已联系供电所' });
    await ok(w, w.tokens.clerk, id, { action: 'answer', note: '三盏路灯已于今日修复，感谢监督。' });
    await ok(w, w.token(`staff@${U.township}`), id, { action: 'callback', note: '电话回访，来电人确认已修复' });
    const rated = await w.api(rateTicketOp, { params: { code: U.village, id }, body: { level: 5, comment: '很快' }, token: w.tokens.citizen });
    expect(rated.status, JSON.stringify(rated.body)).toBe(200);
    const closed = await ok(w, w.token(`staff@${U.township}`), id, { action: 'complete' });
    expect(closed).toMatchObject({ status: 'closed', unit: U.township });
    expect(closed.due).toBeUndefined();
    expect(closed.history.map((s: { action: string }) => s.action)).toEqual([
      'file', 'escalate', 'receive', 'accept', 'dispatch', 'sign', 'progress', 'answer', 'callback', 'rate', 'complete',
    ]);
    await w.settle();
    const day = toChinaDate(w.deps.now());
    const county = await readStats(w.deps, U.county, day, day);
    expect(county.subtree).toMatchObject({ opened: 1, closed: 1, escalated: 1, rated: 1, badRated: 0, 'ticket-streetlight': 1, 'ticket-road': 0 });
    // Counted once, at the unit it was filed to: the same event as its opening.
    expect((await readStats(w.deps, U.village, day, day)).own).toMatchObject({ opened: 1, 'ticket-streetlight': 1 });

    const seen = await w.api(getTicketOp, { params: { code: U.village, id }, token: w.tokens.citizen });
    expect(seen.body).toMatchObject({ status: 'closed', rating: { level: 5 }, replies: [{ text: '三盏路灯已于今日修复，感谢监督。' }] });
    expect(seen.body.text).toContain('13812345678');

    // The filer heard of the answer, was asked to rate, and of the close; the texts carry no phone number.
    const inbox = await listMessages(w.deps, { sub: 'citizen-1', role: 'citizen', unit: U.village }, 10);
    // (The test's clock stands still, so the messages' ids do not order them.)
    const said = inbox.items.map((m) => m.text.zh);
    expect(said).toHaveLength(3);
    for (const re of [/已答复/, /请对办理结果进行评价/, /已办结/]) expect(said).toContainEqual(expect.stringMatching(re));
    expect(said.join('')).not.toContain('13812345678');
    expect(inbox.items[0]!.link).toBe(`/v1/units/${U.village}/tickets/${id}`);
  });

  it('keeps photos the filer uploaded, and refuses a file of the wrong type or one that never arrived, writing nothing', async () => {
    const w = await world();
    const folder = ownerFolder(U.village, { sub: 'citizen-1' });
    await w.deps.files.put(`${folder}01KB0000000000000000000001/lamp.jpg`, 'jpeg bytes', 'image/jpeg');
    await w.deps.files.put(`${folder}01KB0000000000000000000002/notes.txt`, 'text', 'text/plain');
    const photo = { key: `${folder}01KB0000000000000000000001/lamp.jpg`, name: 'lamp.jpg', type: 'image/jpeg', size: 10 };
    const before = w.snapshot();
    const wrongType = await w.api(fileTicketOp, {
      params: { code: U.village },
      body: { ...LAMP, attachments: [{ key: `${folder}01KB0000000000000000000002/notes.txt`, name: 'notes.txt', type: 'text/plain', size: 4 }] },
      token: w.tokens.citizen,
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.fields[0].path).toBe('body.attachments.0.type');
    const missing = await w.api(fileTicketOp, {
      params: { code: U.village },
      body: { ...LAMP, attachments: [{ ...photo, key: `${folder}01KB0000000000000000000009/lamp.jpg` }] },
      token: w.tokens.citizen,
    });
    expect(missing.status).toBe(422);
    const someoneElses = await w.api(fileTicketOp, { params: { code: U.village }, body: { ...LAMP, attachments: [photo] }, token: w.tokens.other });
    expect(someoneElses.status).toBe(400);
    expect(w.snapshot()).toBe(before);
    const id = await file(w, w.tokens.citizen, U.village, { ...LAMP, attachments: [photo] });
    const seen = await w.api(getTicketOp, { params: { code: U.village, id }, token: w.token(`staff@${U.village}`) });
    expect(seen.body.attachments).toEqual([photo]);
  });

  it('masks phone and ID numbers for the handling department, hides an anonymous filer from it, not from the dispatcher', async () => {
    const w = await world();
    const id = await atDepartment(w, { ...LAMP, anonymous: true });
    const byClerk = await w.api(getTicketOp, { params: { code: U.village, id }, token: w.tokens.clerk });
    expect(byClerk.status).toBe(200);
    expect(byClerk.body.text).toContain('138****5678');
    expect(byClerk.body.text).toContain('330***********1234');
    expect(byClerk.body.text).not.toContain('13812345678');
    expect(byClerk.body.filer).toEqual({ anonymous: true });
    const byDispatcher = await w.api(getTicketOp, { params: { code: U.village, id }, token: w.token(`staff@${U.township}`) });
    expect(byDispatcher.body.text).toContain('13812345678');
    expect(byDispatcher.body.filer).toMatchObject({ sub: 'citizen-1', anonymous: true });
  });

  it('shows a filer only their own tickets', async () => {
    const w = await world();
    const id = await file(w, w.tokens.citizen);
    await file(w, w.tokens.other, U.village2, { ...LAMP, text: '二村垃圾桶满了没人清理' });
    expect((await w.api(getTicketOp, { params: { code: U.village, id }, token: w.tokens.other })).status).toBe(404);
    const mine = await w.api(myTicketsOp, { params: { code: U.province }, query: {}, token: w.tokens.citizen });
    expect(mine.body.items.map((t: { id: string }) => t.id)).toEqual([id]);
    // Staff of another village see nothing of it either.
    expect((await w.api(getTicketOp, { params: { code: U.village, id }, token: w.token(`staff@${U.village2}`) })).status).toBe(404);
  });

  it('dispatches to a unit below through a tier message; the unit signs, returns it with a reason, and the dispatcher sends it on', async () => {
    const w = await world();
    const id = await file(w, w.tokens.citizen, U.township);
    await ok(w, w.token(`staff@${U.township}`), id, { action: 'accept' }, U.township);
    await ok(w, w.token(`staff@${U.township}`), id, { action: 'dispatch', to: { unit: U.village } }, U.township);
    expect((await w.pending()).map((m) => m.kind)).toContain('ticket-dispatch');
    await w.settle();
    const incoming = await w.api(listIncomingOp, { params: { code: U.village }, query: {}, token: w.token(`staff@${U.village}`) });
    expect(incoming.body.items).toMatchObject([{ id, home: U.township, from: U.township }]);
    await ok(w, w.token(`staff@${U.village}`), id, { action: 'sign' }, U.township);
    const back = await ok(w, w.token(`staff@${U.village}`), id, { action: 'return', note: '不属于本村，应由二村办理' }, U.township);
    expect(back).toMatchObject({ status: 'returned' });
    expect(back.data.handlerUnit).toBeUndefined();
    // Returned: the village no longer handles it.
    expect((await act(w, w.token(`staff@${U.village}`), id, { action: 'sign' }, U.township)).status).toBe(404);
    await ok(w, w.token(`staff@${U.township}`), id, { action: 'dispatch', to: { unit: U.village2 } }, U.township);
    await ok(w, w.token(`staff@${U.village2}`), id, { action: 'sign' }, U.township);
  });

  it('grants an extension only on the dispatcher’s approval, from the reply deadline', async () => {
    const w = await world();
    const id = await atDepartment(w);
    const signed = await ok(w, w.tokens.clerk, id, { action: 'sign' });
    await ok(w, w.tokens.clerk, id, { action: 'requestExtension', days: 5, note: '需协调供电公司更换线路' });
    expect((await act(w, w.tokens.clerk, id, { action: 'approveExtension' })).status).toBe(403);
    const approved = await ok(w, w.token(`staff@${U.township}`), id, { action: 'approveExtension' });
    expect(approved.due > signed.due).toBe(true);
    expect(approved.data.extension).toBeUndefined();
  });

  it('refuses a step out of order, by the wrong role, outside the subtree, or a second rating, changing nothing', async () => {
    const w = await world();
    const id = await atDepartment(w);
    const before = w.snapshot();
    const early = await act(w, w.token(`staff@${U.township}`), id, { action: 'complete' });
    expect(early.status).toBe(422);
    expect(early.body.error.fields[0].path).toBe('body.action');
    expect((await act(w, w.token(`staff@${U.township}`), id, { action: 'sign' })).status).toBe(403);
    expect((await act(w, w.token(`staff@${U.township}`), id, { action: 'dispatch', to: { unit: U.otherVillage } })).status).toBe(400);
    expect((await act(w, w.token(`staff@${U.township}`), id, { action: 'dispatch', to: { unit: U.county } })).status).toBe(400);
    expect((await act(w, w.tokens.clerk, id, { action: 'answer', note: '已修复' })).status).toBe(422);
    expect((await w.api(rateTicketOp, { params: { code: U.village, id }, body: { level: 4 }, token: w.tokens.citizen })).status).toBe(422);
    expect(w.snapshot()).toBe(before);

    await ok(w, w.tokens.clerk, id, { action: 'sign' });
    const signed = w.snapshot();
    expect((await act(w, w.tokens.clerk, id, { action: 'answer' })).status).toBe(400);
    expect(w.snapshot()).toBe(signed);
    await ok(w, w.tokens.clerk, id, { action: 'answer', note: '已修复' });
    await ok(w, w.token(`staff@${U.township}`), id, { action: 'callback', note: '已回访' });
    expect((await w.api(rateTicketOp, { params: { code: U.village, id }, body: { level: 2 }, token: w.tokens.citizen })).status).toBe(200);
    const again = w.snapshot();
    const twice = await w.api(rateTicketOp, { params: { code: U.village, id }, body: { level: 5 }, token: w.tokens.citizen });
    expect(twice.status).toBe(409);
    expect(w.snapshot()).toBe(again);
  });

  it('refuses a location outside China and text over 4,000 characters', async () => {
    const w = await world();
    const before = w.snapshot();
    const far = await w.api(fileTicketOp, { params: { code: U.village }, body: { ...LAMP, location: { lat: 48.85, lng: 2.35 } }, token: w.tokens.citizen });
    expect(far.status).toBe(400);
    expect(far.body.error.fields[0].path).toBe('body.location');
    const long = await w.api(fileTicketOp, { params: { code: U.village }, body: { ...LAMP, text: '路'.repeat(4001) }, token: w.tokens.citizen });
    expect(long.status).toBe(400);
    expect(w.snapshot()).toBe(before);
  });

  it('answers 409 to a step whose ticket another step changed after it was read', async () => {
    const w = await world();
    const id = await file(w, w.tokens.citizen);
    const staff = w.token(`staff@${U.village}`);
    const store = w.deps.store;
    let raced = false;
    // The other step commits between this one's reads and its write.
    const racing = new Proxy(store, {
      get: (target, key) =>
        key === 'transact'
          ? async (ws: Parameters<typeof store.transact>[0]) => {
              if (!raced) {
                raced = true;
                await ok(w, staff, id, { action: 'accept' });
              }
              return target.transact(ws);
            }
          : (Reflect.get(target, key) as (...a: unknown[]) => unknown).bind(target),
    });
    const stale = actOnTicket({ ...w.deps, store: racing }, w.people[`staff@${U.village}`]!, U.village, id, { action: 'accept' });
    await expect(stale).rejects.toMatchObject({ status: 409 });
    const t = await w.api(getTicketOp, { params: { code: U.village, id }, token: staff });
    expect(t.body.history.filter((s: { action: string }) => s.action === 'accept')).toHaveLength(1);
  });

  it('keeps 举报 to the roles the unit names', async () => {
    const w = await world();
    const id = await file(w, w.tokens.citizen, U.village, { type: 'report', category: 'conduct', text: '村干部在低保评定中优亲厚友。' });
    const list = (who: string) => w.api(listTicketsOp, { params: { code: U.village }, query: {}, token: w.token(who) });
    expect((await list(`staff@${U.village}`)).body.items).toEqual([]);
    expect((await list(`admin@${U.village}`)).body.items.map((t: { id: string }) => t.id)).toEqual([id]);
    expect((await w.api(getTicketOp, { params: { code: U.village, id }, token: w.token(`staff@${U.village}`) })).status).toBe(404);
    expect((await act(w, w.token(`staff@${U.village}`), id, { action: 'accept' })).status).toBe(404);
    const set = await w.api(putSettingsOp, {
      params: { code: U.village },
      body: { v: 0, tickets: { reportRoles: ['staff', 'unit-admin'] } },
      token: w.token(`admin@${U.township}`),
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect((await list(`staff@${U.village}`)).body.items.map((t: { id: string }) => t.id)).toEqual([id]);
  });

  it('flags an overdue step, escalates it where the settings say so, and takes 督办 from above', async () => {
    const w = await world();
    const id = await file(w, w.tokens.citizen);
    const sup = await w.api(superviseOp, {
      params: { code: U.village, kind: 'ticket', id },
      body: { comment: '请尽快处理' },
      token: w.token(`admin@${U.county}`),
    });
    expect(sup.status, JSON.stringify(sup.body)).toBe(201);
    await w.settle();
    expect((await w.api(getTicketOp, { params: { code: U.village, id }, token: w.tokens.citizen })).body.supervision).toHaveLength(1);
    await w.api(putSettingsOp, { params: { code: U.village }, body: { v: 0, escalation: { onOverdue: true } }, token: w.token(`admin@${U.township}`) });
    w.setClock('2026-03-20T01:00:00Z');
    const r = await sweepOverdue(w.deps, U.village, rulesOf);
    expect(r).toEqual({ flagged: 1, escalated: 1 });
    await w.settle();
    const now = await w.api(getTicketOp, { params: { code: U.village, id }, token: w.tokens.citizen });
    expect(now.body).toMatchObject({ holder: U.township, status: 'filed' });
    expect(now.body.history.map((s: { action: string }) => s.action)).toContain('overdue');
  });
});
