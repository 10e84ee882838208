import { describe, expect, it } from 'vitest';
import { caseActionOp, createDataRequestOp, dataRequestCsvOp, getCaseOp, getDataRequestOp, listSentDataRequestsOp } from '../../functions/tiers/api';
import { readStats } from '../../functions/stats/rollup';
import { toChinaDate } from '../../shared/working-days';
import { tierWorld, U } from '../support/tier-world';

type World = Awaited<ReturnType<typeof tierWorld>>;

const COLUMNS = [
  { key: 'households', label: '户数', type: 'integer', required: true },
  { key: 'area', label: '耕地面积（亩）', type: 'decimal', required: false },
  { key: 'checked', label: '核查日期', type: 'date', required: true },
  { key: 'note', label: '备注', type: 'text', required: false },
];
const REQUEST = { title: '报送2026年度农户基本情况', body: '请按表格填报本村农户基本情况。', workingDays: 5, columns: COLUMNS };

async function requested(w: World, assignees: string[] = [U.village, U.village2]) {
  const r = await w.api(createDataRequestOp, { params: { code: U.township }, body: { ...REQUEST, assignees }, token: w.token(`staff@${U.township}`) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

const act = (w: World, unit: string, id: string, action: string, extra: { note?: string; rows?: unknown[] } = {}, who = `staff@${unit}`) =>
  w.api(caseActionOp, { params: { code: unit, kind: 'data-request', id }, body: { action, ...extra }, token: w.token(who) });

const ROWS_1 = [
  { households: 312, area: 1520.5, checked: '2026-03-03', note: '含外出务工户' },
  { households: 8, checked: '2026-03-03' },
];

describe('data requests (数据报送) down the tree, rows back up', () => {
  it('reaches each unit as a case with the table to fill; the rows sent come back to the requester, checked and once', async () => {
    const w = await tierWorld();
    const id = await requested(w);
    await w.settle();
    const c = await w.api(getCaseOp, { params: { code: U.village, kind: 'data-request', id }, token: w.token(`staff@${U.village}`) });
    expect(c.body.case).toMatchObject({ kind: 'data-request', status: 'assigned', due: '2026-03-09', data: { assigner: U.township } });
    expect(JSON.parse(c.body.case.data.columns)).toEqual(COLUMNS);

    expect((await act(w, U.village, id, 'accept')).status).toBe(200);
    const done = await act(w, U.village, id, 'complete', { rows: ROWS_1 });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const up = (await w.pending()).filter((m) => m.kind === 'data-response');
    expect(up).toHaveLength(2);
    // Out of order and twice: the requester's view is the same.
    for (const m of [...up].reverse()) await w.apply(m);
    for (const m of up) await w.apply(m);
    await w.settle();

    const r = await w.api(getDataRequestOp, { params: { code: U.township, id }, token: w.token(`staff@${U.township}`) });
    expect(r.status).toBe(200);
    const [one, two] = r.body.assignees;
    expect(one).toMatchObject({ unit: U.village, status: 'completed' });
    expect(one.steps.map((s: { action: string }) => s.action)).toEqual(['accept', 'complete']);
    expect(one.rows).toEqual([
      { households: 312, area: 1520.5, checked: '2026-03-03', note: '含外出务工户' },
      { households: 8, area: null, checked: '2026-03-03', note: null },
    ]);
    expect(two).toMatchObject({ unit: U.village2, status: 'sent' });
    expect(two.rows).toBeUndefined();

    const csv = await w.api(dataRequestCsvOp, { params: { code: U.township, id }, token: w.token(`staff@${U.township}`) });
    expect(csv.status).toBe(200);
    expect(String(csv.body).replace(/^\uFEFF/, '').trim().split(/\r?\n/)).toEqual([
      '单位代码 Unit,户数,耕地面积（亩）,核查日期,备注',
      `${U.village},312,1520.5,2026-03-03,含外出务工户`,
      `${U.village},8,,2026-03-03,`,
    ]);

    const sent = await w.api(listSentDataRequestsOp, { params: { code: U.township }, query: {}, token: w.token(`staff@${U.township}`) });
    expect(sent.body.items.map((a: { id: string }) => a.id)).toEqual([id]);
    const day = toChinaDate(w.deps.now());
    expect((await readStats(w.deps, U.township, day, day)).subtree).toMatchObject({ opened: 2, closed: 1 });
  });

  it('goes up with its table when a village escalates it, and the township’s rows reach the requester', async () => {
    const w = await tierWorld();
    const r = await w.api(createDataRequestOp, { params: { code: U.county }, body: { ...REQUEST, assignees: [U.village] }, token: w.token(`staff@${U.county}`) });
    const id = r.body.id as string;
    await w.settle();
    expect((await act(w, U.village, id, 'escalate', { note: '本村无统计人员，请街道代报' })).status).toBe(200);
    await w.settle();
    expect((await act(w, U.township, id, 'accept')).status).toBe(200);
    expect((await act(w, U.township, id, 'complete', { rows: [{ households: 40, checked: '2026-03-04' }] })).status).toBe(200);
    await w.settle();
    const view = await w.api(getDataRequestOp, { params: { code: U.county, id }, token: w.token(`staff@${U.county}`) });
    expect(view.body.assignees[0]).toMatchObject({ unit: U.village, status: 'completed', heldBy: U.township });
    expect(view.body.assignees[0].rows).toEqual([{ households: 40, area: null, checked: '2026-03-04', note: null }]);
  });

  describe('refuses, with every wrong cell named and nothing written', () => {
    it.each([
      ['no rows', undefined, [['body.rows', '请填写报送的数据（至少一行）']]],
      ['an empty table', [], [['body.rows', '请填写报送的数据（至少一行）']]],
      [
        'wrong cells',
        [{ households: '三百', checked: '2026-02-30', extra: 1 }, { households: 1.5, area: 'x', checked: '2026-03-01' }],
        [
          ['body.rows.0.extra', '没有「extra」这一列'],
          ['body.rows.0.households', '「户数」应为整数'],
          ['body.rows.0.checked', '「核查日期」应为日期（如 2026-12-01）'],
          ['body.rows.1.households', '「户数」应为整数'],
          ['body.rows.1.area', '「耕地面积（亩）」应为数字'],
        ],
      ],
      ['a required cell left empty', [{ households: 3, checked: '' }], [['body.rows.0.checked', '「核查日期」为必填项']]],
    ])('%s', async (_name, rows, expected) => {
      const w = await tierWorld();
      const id = await requested(w);
      await w.settle();
      await act(w, U.village, id, 'accept');
      const before = w.snapshot();
      const r = await act(w, U.village, id, 'complete', rows === undefined ? {} : { rows });
      expect(r.status).toBe(400);
      expect(r.body.error.fields.map((f: { path: string; message: string }) => [f.path, f.message])).toEqual(expected);
      expect(w.snapshot()).toBe(before);
    });

    it('a table with one column key twice, in both languages', async () => {
      const w = await tierWorld();
      const before = w.snapshot();
      const body = { ...REQUEST, assignees: [U.village], columns: [...COLUMNS, { key: 'households', label: '人口', type: 'integer', required: false }] };
      const zh = await w.api(createDataRequestOp, { params: { code: U.township }, body, token: w.token(`staff@${U.township}`) });
      expect(zh.status).toBe(400);
      expect(zh.body.error.fields).toEqual([{ path: 'body.columns.4.key', message: '列名 households 重复' }]);
      const en = await w.api(createDataRequestOp, { params: { code: U.township }, body, token: w.token(`staff@${U.township}`), headers: { 'accept-language': 'en' } });
      expect(en.body.error.fields[0].message).toBe('column key households is used twice');
      expect(w.snapshot()).toBe(before);
    });
  });
});
