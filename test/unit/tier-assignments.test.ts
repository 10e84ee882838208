import { describe, expect, it } from 'vitest';
import { caseActionOp, createAssignmentOp, getAssignmentOp, getCaseOp, superviseOp } from '../../functions/tiers/api';
import { rulesOf } from '../../functions/tiers/effects';
import { sweepOverdue, sweepSubtree } from '../../functions/tiers/escalation';
import { sweep } from '../../functions/tiers/sweep';
import { putSettingsOp } from '../../functions/settings/api';
import { readAudit } from '../../shared/audit';
import { readStats } from '../../functions/stats/rollup';
import { toChinaDate } from '../../shared/working-days';
import { tierWorld, U } from '../support/tier-world';

const ASSIGN = { title: '开展防汛隐患排查', body: '请于期限内完成辖区防汛隐患排查并报告结果。', workingDays: 5 };

async function assigned(w: Awaited<ReturnType<typeof tierWorld>>, assignees: string[] = [U.village, U.village2]) {
  const r = await w.api(createAssignmentOp, { params: { code: U.township }, body: { ...ASSIGN, assignees }, token: w.token(`staff@${U.township}`) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

const act = (w: Awaited<ReturnType<typeof tierWorld>>, unit: string, id: string, action: string, note?: string, who = `staff@${unit}`) =>
  w.api(caseActionOp, { params: { code: unit, kind: 'assignment', id }, body: { action, ...(note ? { note } : {}) }, token: w.token(who) });

describe('assignments down the tree', () => {
  it('counts a task in the assignee’s figures and in the subtree totals of every unit above it, once', async () => {
    const w = await tierWorld();
    const r = await w.api(createAssignmentOp, { params: { code: U.county }, body: { ...ASSIGN, assignees: [U.township] }, token: w.token(`staff@${U.county}`) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await w.settle();
    expect((await act(w, U.township, r.body.id, 'accept')).status).toBe(200);
    expect((await act(w, U.township, r.body.id, 'complete', '已完成排查并报告')).status).toBe(200);
    await w.settle();
    const day = toChinaDate(w.deps.now());
    expect((await readStats(w.deps, U.township, day, day)).own).toMatchObject({ opened: 1, closed: 1, returned: 0, escalated: 0, overdue: 0 });
    for (const code of [U.township, U.county, U.city, U.province]) {
      const s = await readStats(w.deps, code, day, day);
      expect(s.subtree, code).toMatchObject({ opened: 1, closed: 1, returned: 0, escalated: 0, overdue: 0 });
    }
    expect((await readStats(w.deps, U.county, day, day)).own).toMatchObject({ opened: 0, closed: 0 });
  });

  it('reaches each assignee as a case it holds, with the deadline in working days on the assigner calendar', async () => {
    const w = await tierWorld();
    const id = await assigned(w);
    const r = await w.api(getAssignmentOp, { params: { code: U.township, id }, token: w.token(`staff@${U.township}`) });
    // Monday 2 March 2026 plus five working days.
    expect(r.body.assignment).toMatchObject({ from: U.township, due: '2026-03-09', assignees: [U.village, U.village2] });
    expect(r.body.assignees.map((a: { status: string }) => a.status)).toEqual(['sent', 'sent']);

    expect(await w.pending()).toHaveLength(2);
    await w.settle();
    const c = await w.api(getCaseOp, { params: { code: U.village, kind: 'assignment', id }, token: w.token(`staff@${U.village}`) });
    expect(c.status).toBe(200);
    expect(c.body.case).toMatchObject({ unit: U.village, status: 'assigned', due: '2026-03-09', data: { assigner: U.township, assignee: U.village } });
  });

  it('shows the assigner every step of every assignee, whatever order and however often the steps arrive', async () => {
    const w = await tierWorld();
    const id = await assigned(w);
    await w.settle();
    expect((await act(w, U.village, id, 'accept')).status).toBe(200);
    expect((await act(w, U.village, id, 'progress', '已排查 3 处')).status).toBe(200);
    expect((await act(w, U.village, id, 'complete', '全部整改')).status).toBe(200);
    expect((await act(w, U.village2, id, 'return', '不属于本村辖区')).status).toBe(200);

    const waiting = await w.pending();
    // The completion and the return also count in the assignees' figures (one roll-up message each).
    expect(waiting.filter((m) => m.kind === 'rollup').map((m) => m.subject).sort()).toEqual([
      expect.stringMatching(/\/complete\//),
      expect.stringMatching(/\/return\//),
    ]);
    const steps = waiting.filter((m) => m.kind !== 'rollup');
    expect(steps.map((m) => m.kind)).toEqual(Array(4).fill('assignment-update'));
    // Newest first, then every one a second time.
    for (const m of [...steps].reverse()) await w.apply(m);
    for (const m of steps) await w.apply(m);

    const r = await w.api(getAssignmentOp, { params: { code: U.township, id }, token: w.token(`admin@${U.township}`) });
    const [one, two] = r.body.assignees;
    expect(one).toMatchObject({ unit: U.village, status: 'completed', overdue: false });
    expect(one.steps.map((s: { action: string }) => s.action)).toEqual(['accept', 'progress', 'complete']);
    expect(one.steps[1]).toMatchObject({ note: '已排查 3 处', unit: U.village, by: `staff-${U.village}` });
    expect(two).toMatchObject({ unit: U.village2, status: 'returned' });
    expect(two.steps).toHaveLength(1);
    expect(two.steps[0].note).toBe('不属于本村辖区');
  });

  it('audits every staff change in the unit that made it', async () => {
    const w = await tierWorld();
    const id = await assigned(w);
    await w.settle();
    await act(w, U.village, id, 'accept');
    expect((await readAudit(w.store, U.township, 50)).items.map((e) => e.action)).toEqual(['assignment.create']);
    expect((await readAudit(w.store, U.village, 50)).items.map((e) => [e.action, e.subject])).toEqual([['assignment.accept', `assignment/${id}`]]);
  });

  describe('refuses, with a clear 4xx and nothing written', () => {
    it.each([
      ['a step out of order', U.village, 'complete', undefined, `staff@${U.village}`, 422, 'body.action'],
      ['a return without a reason', U.village, 'return', undefined, `staff@${U.village}`, 400, 'body.note'],
      ['an escalation without a reason', U.village, 'escalate', undefined, `staff@${U.village}`, 400, 'body.note'],
      ['another village acting on it', U.village, 'accept', undefined, `staff@${U.village2}`, 403, undefined],
      ['an auditor acting', U.village, 'accept', undefined, 'auditor', 403, undefined],
      ['the assigner acting for the assignee', U.village, 'accept', undefined, `admin@${U.township}`, 403, undefined],
      ['a unit that was not assigned', U.village3, 'accept', undefined, `staff@${U.village3}`, 404, undefined],
    ])('%s', async (_name, unit, action, note, who, status, path) => {
      const w = await tierWorld();
      const id = await assigned(w);
      await w.settle();
      const before = w.snapshot();
      const r = await act(w, unit, id, action, note, who);
      expect(r.status).toBe(status);
      if (path) expect(r.body.error.fields.map((f: { path: string }) => f.path)).toEqual([path]);
      expect(w.snapshot()).toBe(before);
    });

    it('an assignee outside the subtree, or one that does not exist, in both languages', async () => {
      const w = await tierWorld();
      const before = w.snapshot();
      const r = await w.api(createAssignmentOp, {
        params: { code: U.township },
        body: { ...ASSIGN, assignees: [U.village, U.otherVillage] },
        token: w.token(`staff@${U.township}`),
        headers: { 'accept-language': 'en' },
      });
      expect(r.status).toBe(400);
      expect(r.body.error.fields).toEqual([{ path: 'body.assignees.1', message: `${U.otherVillage} is not a unit below yours` }]);
      const missing = await w.api(createAssignmentOp, {
        params: { code: U.township },
        body: { ...ASSIGN, assignees: ['330106004099'] },
        token: w.token(`staff@${U.township}`),
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.fields[0].message).toBe('单位 330106004099 不存在或已停用');
      const own = await w.api(createAssignmentOp, { params: { code: U.township }, body: { ...ASSIGN, assignees: [U.township] }, token: w.token(`staff@${U.township}`) });
      expect(own.status).toBe(400);
      const elsewhere = await w.api(createAssignmentOp, { params: { code: U.county }, body: { ...ASSIGN, assignees: [U.village] }, token: w.token(`staff@${U.township}`) });
      expect(elsewhere.status).toBe(403);
      expect(w.snapshot()).toBe(before);
    });
  });
});

describe('escalation up the tree', () => {
  it('two assignees of one task escalating to the same parent: the parent holds one case and keeps both escalations', async () => {
    const w = await tierWorld();
    const id = await assigned(w, [U.village, U.village2]);
    await w.settle();
    expect((await act(w, U.village, id, 'escalate', '本村无力处置')).status).toBe(200);
    expect((await act(w, U.village2, id, 'escalate', '需街道统一协调')).status).toBe(200);
    await w.settle();
    const held = await w.api(getCaseOp, { params: { code: U.township, kind: 'assignment', id }, token: w.token(`staff@${U.township}`) });
    const escalations = held.body.case.history.filter((s: { action: string }) => s.action === 'escalate');
    expect(escalations.map((s: { unit: string; note: string }) => [s.unit, s.note]).sort()).toEqual(
      [
        [U.village, '本村无力处置'],
        [U.village2, '需街道统一协调'],
      ].sort(),
    );
    // Each village sees where its case went.
    for (const v of [U.village, U.village2]) {
      const seen = await w.api(getCaseOp, { params: { code: v, kind: 'assignment', id }, token: w.token(`staff@${v}`) });
      expect(seen.body.current).toMatchObject({ unit: U.township });
    }
  });

  it('hands the case with its whole history to each parent in turn, the province refuses to go further, and every unit below sees where it ended', async () => {
    const w = await tierWorld();
    const id = await assigned(w, [U.village]);
    await w.settle();
    await act(w, U.village, id, 'accept');
    const up = await act(w, U.village, id, 'escalate', '涉及跨村水利设施，本村无力处置');
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'escalated', escalatedTo: U.township });
    // Out of order: the escalation reaches the township before the steps reach the assigner.
    const waiting = await w.pending();
    expect(waiting.map((m) => m.kind).sort()).toEqual(['assignment-update', 'assignment-update', 'escalation', 'rollup']);
    const escalation = waiting.find((m) => m.kind === 'escalation');
    await w.apply(escalation!);
    await w.apply(escalation!);
    await w.settle();

    const atTownship = await w.api(getCaseOp, { params: { code: U.township, kind: 'assignment', id }, token: w.token(`staff@${U.township}`) });
    expect(atTownship.body.case).toMatchObject({ unit: U.township, status: 'accepted', escalatedFrom: U.village });
    expect(atTownship.body.case.history.map((s: { action: string }) => s.action)).toEqual(['assign', 'accept', 'escalate', 'receive']);

    for (const [unit, next] of [
      [U.township, U.county],
      [U.county, U.city],
      [U.city, U.province],
    ] as const) {
      const r = await act(w, unit, id, 'escalate', `上报至 ${next}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.escalatedTo).toBe(next);
      await w.settle();
    }
    const before = w.snapshot();
    const top = await act(w, U.province, id, 'escalate', '无处可报', `admin@${U.province}`);
    expect(top.status).toBe(422);
    expect(top.body.error.fields[0]).toEqual({ path: 'body.action', message: '省级单位没有上级，不能再上报' });
    expect(w.snapshot()).toBe(before);

    // The province now owns it and completes it; the village, and the assigner, see what became of it.
    expect((await act(w, U.province, id, 'complete', '已由省水利厅统筹处置')).status).toBe(200);
    await w.settle();
    const seen = await w.api(getCaseOp, { params: { code: U.village, kind: 'assignment', id }, token: w.token(`staff@${U.village}`) });
    expect(seen.body.case).toMatchObject({ status: 'escalated', escalatedTo: U.township });
    expect(seen.body.current).toMatchObject({ unit: U.province, status: 'completed' });
    expect(seen.body.current.history.filter((s: { action: string }) => s.action === 'escalate').map((s: { to: string }) => s.to)).toEqual([
      U.township, U.county, U.city, U.province,
    ]);
    const assigner = await w.api(getAssignmentOp, { params: { code: U.township, id }, token: w.token(`staff@${U.township}`) });
    expect(assigner.body.assignees[0]).toMatchObject({ status: 'completed', heldBy: U.province });
    // A village that escalated can no longer act on it.
    expect((await act(w, U.village, id, 'complete')).status).toBe(422);
  });

  it('flags an overdue case to both sides, and escalates it only where the inherited setting says so', async () => {
    const w = await tierWorld();
    const id = await assigned(w, [U.village, U.village2]);
    await w.settle();
    expect((await act(w, U.village2, id, 'accept')).status).toBe(200);
    expect((await act(w, U.village2, id, 'complete')).status).toBe(200);
    // The county, not the village, chose to move overdue cases up; the village inherits it.
    const s = await w.api(putSettingsOp, { params: { code: U.county }, body: { v: 0, escalation: { onOverdue: true } }, token: w.token(`admin@${U.county}`) });
    expect(s.status).toBe(200);

    w.setClock('2026-03-09T08:00:00Z'); // the due date itself: not overdue yet
    expect(await sweepOverdue(w.deps, U.village, rulesOf)).toEqual({ flagged: 0, escalated: 0 });
    w.setClock('2026-03-10T01:00:00Z');
    expect(await sweepOverdue(w.deps, U.village2, rulesOf)).toEqual({ flagged: 0, escalated: 0 });
    expect(await sweepOverdue(w.deps, U.village, rulesOf)).toEqual({ flagged: 1, escalated: 1 });
    // Swept again: nothing is flagged twice.
    expect(await sweepOverdue(w.deps, U.village, rulesOf)).toEqual({ flagged: 0, escalated: 0 });
    await w.settle();

    const village = await w.api(getCaseOp, { params: { code: U.village, kind: 'assignment', id }, token: w.token(`staff@${U.village}`) });
    expect(village.body.case).toMatchObject({ overdue: true, status: 'escalated', escalatedTo: U.township });
    expect(village.body.current).toMatchObject({ unit: U.township, overdue: false });
    const assigner = await w.api(getAssignmentOp, { params: { code: U.township, id }, token: w.token(`staff@${U.township}`) });
    expect(assigner.body.assignees[0]).toMatchObject({ overdue: true, heldBy: U.township });
    expect(assigner.body.assignees[1]).toMatchObject({ overdue: false, status: 'completed' });

    // The township holds it now, overdue under the county's setting too: its own sweep passes it on.
    expect(await sweepOverdue(w.deps, U.township, rulesOf)).toEqual({ flagged: 1, escalated: 1 });
    await w.settle();
    // The county's own setting also applies to the county; the city inherits the national default and only flags.
    expect(await sweepOverdue(w.deps, U.county, rulesOf)).toEqual({ flagged: 1, escalated: 1 });
    await w.settle();
    expect(await sweepOverdue(w.deps, U.city, rulesOf)).toEqual({ flagged: 1, escalated: 0 });
    const city = await w.api(getCaseOp, { params: { code: U.city, kind: 'assignment', id }, token: w.token(`staff@${U.city}`) });
    expect(city.body.case).toMatchObject({ overdue: true, status: 'assigned' });
    expect(city.body.case.escalatedTo).toBeUndefined();
  });
});

it('sweeps a whole subtree unit by unit through the children index', async () => {
  const w = await tierWorld();
  const r = await w.api(createAssignmentOp, {
    params: { code: U.city },
    body: { ...ASSIGN, assignees: [U.village, U.otherVillage, U.county] },
    token: w.token(`staff@${U.city}`),
  });
  expect(r.status).toBe(201);
  await w.settle();
  expect((await act(w, U.county, r.body.id, 'accept')).status).toBe(200);
  expect((await act(w, U.county, r.body.id, 'complete')).status).toBe(200);
  w.setClock('2026-03-12T01:00:00Z');
  expect(await sweepSubtree(w.deps, U.province, rulesOf)).toEqual({ units: 10, flagged: 2, escalated: 0 });
  await w.settle();
  const seen = await w.api(getAssignmentOp, { params: { code: U.city, id: r.body.id }, token: w.token(`staff@${U.city}`) });
  expect(seen.body.assignees.map((a: { overdue: boolean }) => a.overdue)).toEqual([true, true, false]);
});

it('the scheduled sweep finds the provinces served and escalates an overdue village task to its township', async () => {
  const w = await tierWorld();
  const put = await w.api(putSettingsOp, { params: { code: U.township }, body: { v: 0, escalation: { onOverdue: true } }, token: w.token(`admin@${U.township}`) });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const id = await assigned(w, [U.village]);
  await w.settle();
  w.setClock('2026-03-10T01:00:00Z');
  // The same tree as above: the province and the nine units below it, found from the registry alone.
  expect(await sweep(w.deps)).toEqual({ units: 10, flagged: 1, escalated: 1 });
  await w.settle();
  const c = await w.api(getCaseOp, { params: { code: U.village, kind: 'assignment', id }, token: w.token(`staff@${U.village}`) });
  expect(c.body.case).toMatchObject({ overdue: true, status: 'escalated', escalatedTo: U.township });
  expect(c.body.current).toMatchObject({ unit: U.township });
});

describe('督办: supervision from above', () => {
  it('reaches the unit holding the case once, with the supervising unit and its comment', async () => {
    const w = await tierWorld();
    const id = await assigned(w, [U.village]);
    await w.settle();
    const r = await w.api(superviseOp, { params: { code: U.village, kind: 'assignment', id }, body: { comment: '请加快进度，周五前报结果' }, token: w.token(`admin@${U.county}`) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const [m] = await w.pending();
    await w.apply(m!);
    await w.apply(m!);
    const c = await w.api(getCaseOp, { params: { code: U.village, kind: 'assignment', id }, token: w.token(`staff@${U.village}`) });
    expect(c.body.case.supervision).toEqual([expect.objectContaining({ unit: U.county, by: `admin-${U.county}`, comment: '请加快进度，周五前报结果' })]);
    expect((await readAudit(w.store, U.county, 10)).items.map((e) => e.action)).toEqual(['case.supervise']);
  });

  it('follows a case that went up while the flag was on its way', async () => {
    const w = await tierWorld();
    const id = await assigned(w, [U.village]);
    await w.settle();
    await w.api(superviseOp, { params: { code: U.village, kind: 'assignment', id }, body: { comment: '督办' }, token: w.token(`admin@${U.city}`) });
    const [flag] = await w.pending();
    await act(w, U.village, id, 'escalate', '无力处置');
    await w.settle();
    expect(flag!.kind).toBe('supervision');
    const c = await w.api(getCaseOp, { params: { code: U.township, kind: 'assignment', id }, token: w.token(`staff@${U.township}`) });
    expect(c.body.case.supervision).toEqual([expect.objectContaining({ unit: U.city, comment: '督办' })]);
  });

  it.each([
    ['by a unit not above the case', `admin@${U.otherCounty}`, U.village, 403],
    ['by the unit itself', `admin@${U.village}`, U.village, 422],
    ['by staff without the right', `staff@${U.county}`, U.village, 403],
    ['of a case the unit does not hold', `admin@${U.county}`, U.village3, 404],
  ])('is refused %s, nothing written', async (_name, who, unit, status) => {
    const w = await tierWorld();
    const id = await assigned(w, [U.village]);
    await w.settle();
    const before = w.snapshot();
    const r = await w.api(superviseOp, { params: { code: unit, kind: 'assignment', id }, body: { comment: '督办' }, token: w.token(who) });
    expect(r.status).toBe(status);
    expect(w.snapshot()).toBe(before);
  });
});
