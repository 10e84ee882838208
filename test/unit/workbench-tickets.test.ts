import { describe, expect, it } from 'vitest';
import { getRequestOp, submitRequestOp } from '../../functions/disclosure/api';
import { fileTicketOp, getTicketOp } from '../../functions/tickets/api';
import { requestSteps } from '../../functions/web/workbench/requests';
import { ticketSteps } from '../../functions/web/workbench/tickets';
import { tierWorld, U } from '../support/tier-world';
import { workbench } from '../support/workbench';

const LAMP = { type: 'complaint', category: 'streetlight', text: '文三路与学院路交叉口往东那几盏路灯晚上都不亮，走夜路很危险。', location: { lat: 30.2741, lng: 120.1551 } };
const LAMP_AGAIN = { ...LAMP, text: '学院路口东边一排路灯坏了好几天，天黑以后整条人行道漆黑一片。', location: { lat: 30.2746, lng: 120.1559 } };

const TICKET = '/work/tickets/{home}/{id}';
const REQUEST = '/work/requests/{unit}/{id}';
const hiddenV = (html: string) => /name="v" value="([^"]+)"/.exec(html)![1]!;

async function world() {
  const w = await tierWorld();
  const wb = await workbench(w);
  const citizen = await w.sign({ sub: 'citizen-1', role: 'citizen', unit: U.village });
  const neighbour = await w.sign({ sub: 'citizen-2', role: 'citizen', unit: U.village });
  const file = async (token: string, body: object, unit: string = U.village) => {
    const r = await w.api(fileTicketOp, { params: { code: unit }, body, token });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  return { w, wb, citizen, neighbour, file };
}

describe('the workbench ticket screen', () => {
  it('a dispatcher finds the earlier ticket suggested, merges into it, sees it merged and undoes the merge', async () => {
    const { w, wb, citizen, neighbour, file } = await world();
    const first = await file(citizen, LAMP);
    const second = await file(neighbour, LAMP_AGAIN);
    const clerk = `staff@${U.village}`;
    const list = await wb.get('/work', '/work', clerk);
    expect(list.html).toContain(`href="/work/tickets/${U.village}/${first}"`);
    expect(list.html).toContain(`href="/work/tickets/${U.village}/${second}"`);
    const path = `/work/tickets/${U.village}/${second}`;
    const page = await wb.get(TICKET, path, clerk);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(new RegExp(`id="duplicates"[^]*data-id="${first}"[^]*name="into" value="${U.village}/${first}"`));
    const merged = await wb.post(TICKET, path, clerk, { action: 'merge', into: `${U.village}/${first}`, v: hiddenV(page.html) });
    expect(merged.status, merged.html).toBe(303);
    expect(merged.location).toBe(`${path}?done=merge`);
    const after = await wb.get(TICKET, merged.location!, clerk);
    expect(after.html).toMatch(/id="ticket-status">已合并/);
    expect(after.html).toMatch(new RegExp(`id="merged-into"><a href="/work/tickets/${U.village}/${first}"`));
    expect(after.html).toMatch(/id="done"[^]*合并/);
    const primary = await wb.get(TICKET, `/work/tickets/${U.village}/${first}`, clerk);
    expect(primary.html).toMatch(new RegExp(`id="merged"[^]*${second}`));
    const undone = await wb.post(TICKET, path, clerk, { action: 'unmerge', v: hiddenV(after.html) });
    expect(undone.status, undone.html).toBe(303);
    const back = await w.api(getTicketOp, { params: { code: U.village, id: second }, token: w.token(clerk) });
    expect(back.body).toMatchObject({ status: 'filed', merged: [] });
    expect(back.body.mergedInto).toBeUndefined();
  });

  it('offers the steps the loop allows, shows a refusal beside its form, and a stale form the current state', async () => {
    const { w, wb, citizen, file } = await world();
    const id = await file(citizen, LAMP, U.township);
    const path = `/work/tickets/${U.township}/${id}`;
    const a = `staff@${U.township}`;
    const b = `admin@${U.township}`;
    const seenByA = await wb.get(TICKET, path, a);
    const seenByB = await wb.get(TICKET, path, b);
    expect(seenByA.html).toContain('name="action" value="accept"');
    expect(seenByA.html).not.toContain('name="action" value="dispatch"');
    expect((await wb.post(TICKET, path, a, { action: 'accept', v: hiddenV(seenByA.html) })).status).toBe(303);
    const stale = await wb.post(TICKET, path, b, { action: 'accept', v: hiddenV(seenByB.html) });
    expect(stale.status).toBe(409);
    expect(stale.html).toMatch(/id="changed"[^]*刚刚被他人办理过/);
    expect(stale.html).toMatch(/id="ticket-status">已受理/);
    // Now a dispatch to the villages below, and an escalation that needs its reason.
    expect(stale.html).toMatch(new RegExp(`<option value="unit:${U.village}">`));
    const before = w.snapshot();
    const refused = await wb.post(TICKET, path, a, { action: 'escalate', note: '', v: hiddenV(stale.html) });
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/id="refusal-escalate"[^]*须填写说明/);
    expect(w.snapshot()).toBe(before);
    const sent = await wb.post(TICKET, path, a, { action: 'dispatch', to: `unit:${U.village}`, v: hiddenV(refused.html) });
    expect(sent.status, sent.html).toBe(303);
    // The village finds it on its worklist once the dispatch has arrived, signs for it; the county may flag it for 督办.
    await w.settle();
    const villageList = await wb.get('/work', '/work', `staff@${U.village}`);
    expect(villageList.html).toMatch(new RegExp(`id="incoming"[^]*href="${path}"`));
    const below = await wb.get(TICKET, path, `staff@${U.village}`);
    expect(below.html).toContain('name="action" value="sign"');
    expect(below.html).not.toContain('name="action" value="dispatch"');
    const county = await wb.get(TICKET, path, `admin@${U.county}`);
    expect(county.html).toContain('name="action" value="supervise"');
  });

  it('shows the filer’s phone in full to the dispatcher only', async () => {
    const { w, wb, file } = await world();
    const id = await file(w.token(`staff@${U.township}`), { ...LAMP, caller: { name: '王先生', phone: '13812345678' } }, U.township);
    const path = `/work/tickets/${U.township}/${id}`;
    const dispatcher = await wb.get(TICKET, path, `staff@${U.township}`);
    expect(dispatcher.html).toMatch(/id="filer"[^]*13812345678/);
    await wb.post(TICKET, path, `staff@${U.township}`, { action: 'accept', v: hiddenV(dispatcher.html) });
    const accepted = await wb.get(TICKET, path, `staff@${U.township}`);
    await wb.post(TICKET, path, `staff@${U.township}`, { action: 'dispatch', to: `unit:${U.village}`, v: hiddenV(accepted.html) });
    const handler = await wb.get(TICKET, path, `staff@${U.village}`);
    expect(handler.status).toBe(200);
    expect(handler.html).toContain('王先生');
    expect(handler.html).not.toContain('13812345678');
  });

  it('a malformed or unknown record address is an HTML 404 page', async () => {
    const { wb } = await world();
    const who = `staff@${U.village}`;
    for (const [route, path] of [
      [TICKET, `/work/tickets/${U.village}/nope`],
      [TICKET, `/work/tickets/${U.village}/01ARZ3NDEKTSV4RRFFQ69G5FAV`],
      [REQUEST, `/work/requests/12/01ARZ3NDEKTSV4RRFFQ69G5FAV`],
      [REQUEST, `/work/requests/${U.village}/01ARZ3NDEKTSV4RRFFQ69G5FAV`],
    ]) {
      const res = await wb.get(route!, path!, who);
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type']).toContain('text/html');
    }
  });

  it('lists the loop’s steps by status and by who stands where', () => {
    const dispatcher = { dispatcher: true, handler: false };
    const handler = { dispatcher: false, handler: true };
    expect(ticketSteps({ status: 'filed' }, dispatcher)).toEqual(['accept', 'escalate']);
    expect(ticketSteps({ status: 'signed' }, handler)).toEqual(['progress', 'answer', 'return', 'requestExtension']);
    expect(ticketSteps({ status: 'signed', extension: { days: 5 } }, dispatcher)).toEqual(['dispatch', 'approveExtension', 'rejectExtension', 'escalate']);
    expect(ticketSteps({ status: 'signed', mergedInto: { home: U.village, id: 'x' } }, dispatcher)).toEqual([]);
  });
});

describe('the workbench disclosure-request screen', () => {
  it('shows the 条例 clock, refuses an incomplete reply beside its field, answers, and a stale form sees the answer', async () => {
    const { w, wb, citizen } = await world();
    const req = await w.api(submitRequestOp, { params: { code: U.village }, body: { title: '申请公开2025年村级财务收支明细', description: '请提供2025年度村集体经济收支明细。' }, token: citizen });
    expect(req.status).toBe(201);
    const path = `/work/requests/${U.village}/${req.body.id}`;
    const list = await wb.get('/work', '/work', `staff@${U.village}`);
    expect(list.html).toContain(`href="${path}"`);
    const a = `staff@${U.village}`;
    const b = `admin@${U.village}`;
    const seenByA = await wb.get(REQUEST, path, a);
    const seenByB = await wb.get(REQUEST, path, b);
    expect(seenByA.status).toBe(200);
    expect(seenByA.html).toContain(`id="request-due" class="">${req.body.due}<`);
    for (const k of ['reply', 'correction', 'extend', 'consult', 'escalate']) expect(seenByA.html).toContain(`name="action" value="${k}"`);
    const above = await wb.get(REQUEST, path, `admin@${U.township}`);
    expect(above.html).toContain('name="action" value="supervise"');
    expect(above.html).not.toContain('name="action" value="reply"');
    const before = w.snapshot();
    const untyped = await wb.post(REQUEST, path, a, { action: 'reply', type: '', content: '明细见附表', v: hiddenV(seenByA.html) });
    expect(untyped.status).toBe(400);
    expect(untyped.html).toMatch(/id="type-reply"[^]*?<\/select><span class="field-error">/);
    expect(untyped.html).toContain('明细见附表');
    const refused = await wb.post(REQUEST, path, a, { action: 'reply', type: 'withheld', reason: '涉及第三方商业秘密', v: hiddenV(seenByA.html) });
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/id="legalBasis-reply"[^]*?<\/textarea><span class="field-error">[^<]*legalBasis/);
    expect(refused.html).toContain('涉及第三方商业秘密');
    expect(w.snapshot()).toBe(before);
    const answered = await wb.post(REQUEST, path, a, { action: 'reply', type: 'disclosed', content: '见附表：2025年度收支明细。', v: hiddenV(refused.html) });
    expect(answered.status, answered.html).toBe(303);
    const page = await wb.get(REQUEST, answered.location!, a);
    expect(page.html).toMatch(/id="request-status">已答复/);
    expect(page.html).toMatch(/id="reply"[^]*予以公开[^]*2025年度收支明细/);
    const stale = await wb.post(REQUEST, path, b, { action: 'extend', days: '10', note: '需要调取档案', v: hiddenV(seenByB.html) });
    expect(stale.status).toBe(409);
    expect(stale.html).toMatch(/id="changed"/);
    expect(stale.html).toMatch(/id="request-status">已答复/);
    const held = await w.api(getRequestOp, { params: { code: U.village, id: req.body.id }, token: w.token(a) });
    expect(held.body.case.data.extended).toBeUndefined();
  });

  it('lists the steps the 条例 allows in each status', () => {
    const c = (status: string, data: Record<string, string> = {}, history: { action: string }[] = []) => ({ status, data, history });
    expect(requestSteps(c('received', { correctionBy: '2026-03-11' }), '2026-03-02')).toEqual(['reply', 'correction', 'extend', 'consult', 'escalate']);
    expect(requestSteps(c('received', { correctionBy: '2026-03-11', extended: '5' }), '2026-03-12')).toEqual(['reply', 'consult', 'escalate']);
    expect(requestSteps(c('received', { correctionBy: '2026-03-11', correctedOn: '2026-03-05' }), '2026-03-06')).toEqual(['reply', 'extend', 'consult', 'escalate']);
    expect(requestSteps(c('consulting'), '2026-03-02')).toEqual(['consulted']);
    expect(requestSteps(c('correcting'), '2026-03-02')).toEqual(['abandon']);
    expect(requestSteps(c('answered'), '2026-03-02')).toEqual([]);
  });
});
