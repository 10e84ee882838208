import { describe, expect, it } from 'vitest';
import { getApplicationOp, rateOp, rectifyOp } from '../../functions/services/api';
import { putSettingsOp } from '../../functions/settings/api';
import { readStats } from '../../functions/stats/rollup';
import { getCase } from '../../functions/tiers/escalation';
import { apply, step, U, withItem } from '../support/services-world';

async function completed() {
  const w = await withItem();
  const id = (await apply(w)).body.id as string;
  for (const a of ['accept', 'review', 'approve', 'complete']) expect((await step(w, id, a)).status, a).toBe(200);
  return { w, id };
}

describe('好差评 ratings and rectifications', () => {
  it('rates a completed application once; a second rating and a rating before completion are refused', async () => {
    const w = await withItem();
    const early = (await apply(w)).body.id as string;
    expect((await w.api(rateOp, { params: { code: U.county, id: early }, body: { level: 'satisfied' }, token: w.token('citizen') })).status).toBe(422);

    const { w: w2, id } = await completed();
    expect((await w2.api(rateOp, { params: { code: U.county, id }, body: { level: 'satisfied' }, token: w2.token('citizen2') })).status).toBe(404);
    const r = await w2.api(rateOp, { params: { code: U.county, id }, body: { level: 'very-satisfied', comment: '很快' }, token: w2.token('citizen') });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.rating).toMatchObject({ level: 'very-satisfied', comment: '很快' });
    const before = w2.snapshot();
    const again = await w2.api(rateOp, { params: { code: U.county, id }, body: { level: 'very-dissatisfied' }, token: w2.token('citizen') });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_exists');
    expect(w2.snapshot()).toBe(before);
    expect(await getCase(w2.deps, U.county, 'rectification', id)).toBeUndefined();
  });

  it('不满意 opens a rectification due in the unit’s setting, worked through a call back and an outcome, counted up the tiers', async () => {
    const { w, id } = await completed();
    const put = await w.api(putSettingsOp, { params: { code: U.province }, body: { v: 0, deadlines: { 'badReview.rectify': 5 } }, token: w.token(`admin@${U.province}`) });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const r = await w.api(rateOp, { params: { code: U.county, id }, body: { level: 'dissatisfied', comment: '窗口等了很久' }, token: w.token('citizen') });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Monday 2 March plus five working days.
    expect(await getCase(w.deps, U.county, 'rectification', id)).toMatchObject({ status: 'open', due: '2026-03-09' });

    const rectify = (s: string, who = `clerk@${U.county}`) =>
      w.api(rectifyOp, { params: { code: U.county, id }, body: { step: s, note: `${s} 记录` }, token: w.token(who) });
    expect((await rectify('outcome')).status).toBe(422);
    expect((await rectify('callback', `clerkB@${U.county}`)).status).toBe(403);
    expect((await rectify('callback')).status).toBe(200);
    const done = await rectify('outcome');
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'rectified', rating: 'dissatisfied' });
    expect(done.body.timeline.map((t: { action: string }) => t.action)).toEqual(['open', 'callback', 'outcome']);

    await w.settle();
    const day = '2026-03-02';
    const want = { ratedDissatisfied: 1, rectificationOpened: 1, rectified: 1, onTime: 1, closed: 1 };
    expect((await readStats(w.deps, U.county, day, day)).own).toMatchObject(want);
    expect((await readStats(w.deps, U.province, day, day)).subtree).toMatchObject(want);
    const app = await w.api(getApplicationOp, { params: { code: U.county, id }, token: w.token(`clerk@${U.county}`) });
    expect(app.body.timeline.at(-1)).toMatchObject({ action: 'rate', by: 'citizen-1' });
  });
});
