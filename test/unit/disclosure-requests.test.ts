import { describe, expect, it } from 'vitest';
import { annualReportOp, answerCorrectionOp, getRequestOp, requestActionOp, submitRequestOp } from '../../functions/disclosure/api';
import { readStats } from '../../functions/stats/rollup';
import { listMessagesOp } from '../../functions/notify/api';
import { putSettingsOp } from '../../functions/settings/api';
import { rulesOf } from '../../functions/tiers/effects';
import { sweepOverdue } from '../../functions/tiers/escalation';
import { readAudit } from '../../shared/audit';
import { tierWorld, U } from '../support/tier-world';

type World = Awaited<ReturnType<typeof tierWorld>>;

const APPLICANT = { sub: 'citizen-wang', role: 'citizen' as const, unit: U.village };
const OTHER = { sub: 'citizen-li', role: 'citizen' as const, unit: U.village };
/** 10:00 in China on `day`. */
const at = (w: World, day: string) => w.setClock(`${day}T02:00:00Z`);

async function submit(w: World, unit: string = U.county) {
  const r = await w.api(submitRequestOp, {
    params: { code: unit },
    body: { title: '西湖区2025年老旧小区改造项目清单', description: '申请获取西湖区2025年列入老旧小区改造计划的小区名单及各小区的改造内容。' },
    token: await w.sign(APPLICANT),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; due: string; data: Record<string, string> };
}
const act = (w: World, id: string, body: Record<string, unknown>, unit: string = U.county, who = `staff@${unit}`) =>
  w.api(requestActionOp, { params: { code: unit, id }, body, token: w.token(who) });

describe('依申请公开: the 2019 条例 clock', () => {
  it('answers within 20 working days, across 中秋, 国庆 and two 调休 Saturdays', async () => {
    const w = await tierWorld();
    at(w, '2026-09-18');
    const r = await submit(w);
    // 20 Sep (Sun) and 10 Oct (Sat) are working days; 25-27 Sep and 1-7 Oct are not.
    expect(r.due).toBe('2026-10-22');
    // 补正 within 7 working days of receipt: up to 29 Sep.
    expect(r.data).toMatchObject({ receivedOn: '2026-09-18', correctionBy: '2026-09-29' });
  });

  it('allows one 补正 within 7 working days, stops the clock, and restarts it in full when the applicant answers', async () => {
    const w = await tierWorld();
    at(w, '2026-09-18');
    const { id } = await submit(w);
    at(w, '2026-09-30');
    const before = w.snapshot();
    const late = await act(w, id, { action: 'correction', note: '请说明需要哪几个小区' });
    expect(late.status).toBe(422);
    expect(late.body.error.fields[0].message).toContain('2026-09-29');
    expect(w.snapshot()).toBe(before);

    const w2 = await tierWorld();
    at(w2, '2026-09-18');
    const r2 = await submit(w2);
    at(w2, '2026-09-29');
    const asked = await act(w2, r2.id, { action: 'correction', note: '请说明需要哪几个小区' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.status).toBe('correcting');
    expect((await act(w2, r2.id, { action: 'correction', note: '再补一次' })).status).toBe(422);
    // The clock is stopped: no reply, no extension while the applicant has it.
    expect((await act(w2, r2.id, { action: 'reply', reply: { type: 'not-exist' } })).status).toBe(422);
    // Only the applicant answers it.
    const stranger = await w2.api(answerCorrectionOp, { params: { code: U.county, id: r2.id }, body: { text: '我来补' }, token: await w2.sign(OTHER) });
    expect(stranger.status).toBe(404);
    at(w2, '2026-10-09');
    const answered = await w2.api(answerCorrectionOp, { params: { code: U.county, id: r2.id }, body: { text: '需要文一路沿线的三个小区' }, token: await w2.sign(APPLICANT) });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    // 20 working days from 9 Oct, with Saturday 10 Oct worked.
    expect(answered.body).toMatchObject({ status: 'received', due: '2026-11-05' });
    expect((await act(w2, r2.id, { action: 'correction', note: '还要补' })).status).toBe(422);
  });

  it('extends once, by at most 20 working days and with a reason, across 端午', async () => {
    const w = await tierWorld();
    at(w, '2026-04-30');
    const { id, due } = await submit(w);
    // 1-5 May off, Saturday 9 May worked.
    expect(due).toBe('2026-06-01');
    at(w, '2026-05-29');
    expect((await act(w, id, { action: 'extend', days: 20 })).status).toBe(400);
    expect((await act(w, id, { action: 'extend', days: 21, note: '需要汇总多个部门的材料' })).status).toBe(400);
    const ext = await act(w, id, { action: 'extend', days: 20, note: '需要汇总多个部门的材料' });
    expect(ext.status, JSON.stringify(ext.body)).toBe(200);
    expect(ext.body.due).toBe('2026-06-30');
    expect((await act(w, id, { action: 'extend', days: 5, note: '再延一次' })).status).toBe(422);
  });

  it('leaves third-party consultation time out of the count (Art. 32), across 清明', async () => {
    const w = await tierWorld();
    at(w, '2026-03-02');
    const { id, due } = await submit(w);
    expect(due).toBe('2026-03-30');
    at(w, '2026-03-10');
    const c = await act(w, id, { action: 'consult', thirdParty: '杭州某物业服务有限公司' });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body.data.daysLeft).toBe('14');
    expect((await act(w, id, { action: 'reply', reply: { type: 'not-exist' } })).status).toBe(422);
    at(w, '2026-04-01');
    const back = await act(w, id, { action: 'consulted', note: '第三方同意公开' });
    // 14 working days from 1 April: 4-6 April is 清明.
    expect(back.body).toMatchObject({ status: 'received', due: '2026-04-22' });
  });

  it('takes the reply types of Art. 36 with what each needs, and counts the answer', async () => {
    const w = await tierWorld();
    at(w, '2026-03-02');
    const { id } = await submit(w);
    const before = w.snapshot();
    const missing: [Record<string, unknown>, string][] = [
      [{ type: 'withheld', reason: '涉及商业秘密' }, 'body.reply.legalBasis'],
      [{ type: 'not-responsible' }, 'body.reply.agency'],
      [{ type: 'published' }, 'body.reply.where'],
      [{ type: 'partial', content: '部分名单', reason: '涉及个人隐私' }, 'body.reply.legalBasis'],
      [{ type: 'registration', where: '杭州市市场监督管理局' }, 'body.reply.registry'],
      [{ type: 'repeat' }, 'body.reply.previous'],
      [{ type: 'gossip' }, 'body.reply.type'],
    ];
    for (const [reply, path] of missing) {
      const r = await act(w, id, { action: 'reply', reply });
      expect(r.status, path).toBe(400);
      expect(r.body.error.fields.map((f: { path: string }) => f.path), path).toContain(path);
    }
    expect((await act(w, id, { action: 'reply', reply: { type: 'not-exist' } }, U.county, 'auditor')).status).toBe(403);
    expect((await act(w, id, { action: 'reply', reply: { type: 'not-exist' } }, U.county, `staff@${U.city}`)).status).toBe(403);
    const citizen = await w.api(requestActionOp, { params: { code: U.county, id }, body: { action: 'reply', reply: { type: 'not-exist' } }, token: await w.sign(APPLICANT) });
    expect(citizen.status).toBe(403);
    expect(w.snapshot()).toBe(before);

    const ok = await act(w, id, { action: 'reply', reply: { type: 'published', where: '西湖区人民政府门户网站 政府信息公开 规划计划栏目' } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('answered');
    expect((await act(w, id, { action: 'reply', reply: { type: 'not-exist' } })).status).toBe(422);
    const mine = await w.api(getRequestOp, { params: { code: U.county, id }, token: await w.sign(APPLICANT) });
    expect(mine.body.case.history.map((s: { action: string }) => s.action)).toEqual(['receive', 'reply']);
    // The applicant hears of it in the app, once the message is delivered.
    await w.settle();
    const inbox = await w.api(listMessagesOp, { token: await w.sign(APPLICANT) });
    expect(inbox.body.items).toMatchObject([{ subject: `disclosure-request/${id}`, text: { zh: '您的政府信息公开申请已答复' } }]);
    expect((await w.api(getRequestOp, { params: { code: U.county, id }, token: await w.sign(OTHER) })).status).toBe(404);
    await w.settle();
    const stats = await readStats(w.deps, U.city, '2026-03-01', '2026-03-31');
    expect(stats.subtree).toMatchObject({ 'disclosure-request': 1, 'disclosure-answered': 1 });
    expect((await readAudit(w.store, U.county, 10)).items.map((e) => e.action)).toEqual(['disclosure-request.submit', 'disclosure-request.reply']);
  });

  it('escalates an overdue request through the tier links where the unit says so', async () => {
    const w = await tierWorld();
    at(w, '2026-03-02');
    const { id } = await submit(w, U.township);
    const s = await w.api(putSettingsOp, { params: { code: U.county }, body: { v: 0, escalation: { onOverdue: true } }, token: w.token(`admin@${U.county}`) });
    expect(s.status).toBe(200);
    at(w, '2026-03-30');
    expect(await sweepOverdue(w.deps, U.township, rulesOf)).toEqual({ flagged: 0, escalated: 0 });
    at(w, '2026-03-31');
    expect(await sweepOverdue(w.deps, U.township, rulesOf)).toEqual({ flagged: 1, escalated: 1 });
    await w.settle();
    const mine = await w.api(getRequestOp, { params: { code: U.township, id }, token: await w.sign(APPLICANT) });
    expect(mine.body.case).toMatchObject({ overdue: true, status: 'escalated', escalatedTo: U.county });
    expect(mine.body.current).toMatchObject({ unit: U.county, status: 'received' });
    // The county holds it now and answers it.
    const reply = await act(w, id, { action: 'reply', reply: { type: 'disclosed', content: '名单见附件' } }, U.county);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect((await act(w, id, { action: 'reply', reply: { type: 'not-exist' } }, U.township)).status).toBe(422);
  });

  it('gives the annual report the year’s request figures, due 31 January', async () => {
    const w = await tierWorld();
    at(w, '2026-03-02');
    const a = await submit(w);
    const b = await submit(w);
    await submit(w);
    at(w, '2026-03-04');
    await act(w, a.id, { action: 'reply', reply: { type: 'withheld', reason: '涉及国家秘密', legalBasis: '《中华人民共和国政府信息公开条例》第十四条' } });
    await act(w, b.id, { action: 'extend', days: 10, note: '材料较多' });
    const r = await w.api(annualReportOp, { params: { code: U.county }, query: { year: '2026' }, token: w.token('auditor') });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ due: '2027-01-31', requests: { received: 3, answered: 1, extended: 1, carriedOver: 2, replies: { withheld: 1 } } });
  });
});
