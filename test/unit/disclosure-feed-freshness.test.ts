import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { annualReportOp, createDocumentOp, feedOp, freshnessOp, updateDocumentOp } from '../../functions/disclosure/api';
import { createDocument, type NewDocument } from '../../functions/disclosure/documents';
import { putSettingsOp } from '../../functions/settings/api';
import { listMessagesOp } from '../../functions/notify/api';
import { remindUnit } from '../../functions/disclosure/reminders';
import { tierWorld, U } from '../support/tier-world';

type World = Awaited<ReturnType<typeof tierWorld>>;

const base = (over: Partial<NewDocument> = {}): NewDocument => ({
  title: '北山街道2026年一季度社区服务统计',
  category: 'statistics',
  subjects: ['统计'],
  writtenOn: '2026-02-27',
  body: '一季度各社区受理群众办事事项 & 证明开具 <较多>。',
  attachments: [],
  ...over,
});
const at = (w: World, day: string) => w.setClock(`${day}T02:00:00Z`);

describe('Atom feeds', () => {
  it('are read by a real feed parser, per unit and per category, with documents from above', async () => {
    const w = await tierWorld();
    const staff = (u: string) => w.people[`staff@${u}`]!;
    const mine = await createDocument(w.deps, staff(U.township), U.township, base({ docNumber: '北街〔2026〕1号' }));
    await createDocument(w.deps, staff(U.province), U.province, base({ title: '全省春耕通知', category: 'policy', body: '做好春耕。' }));
    w.setClock('2026-03-03T02:00:00Z');
    await w.api(updateDocumentOp, { params: { code: U.township, id: mine.id }, body: { v: 1, title: '北山街道一季度社区服务统计（更正）' }, token: w.token(`staff@${U.township}`) });

    const r = await w.api(feedOp, { params: { code: U.village }, headers: { host: 'gov.example.cn' } });
    expect(r.status).toBe(200);
    expect(r.headers?.['content-type']).toBe('application/atom+xml; charset=utf-8');
    const feed = await new Parser().parseString(r.body as string);
    expect(feed.title).toBe('一村 政府信息公开');
    expect(feed.items.map((i) => i.title)).toEqual(['全省春耕通知', '北山街道一季度社区服务统计（更正）（北街〔2026〕1号）']);
    const item = feed.items[1]!;
    // Entries open the document's page on the portal, its one address, not the API's JSON.
    expect(item.link).toBe(`https://gov.example.cn/documents/${U.township}/${mine.id}`);
    expect(item.id).toBe(`urn:govtiers:document:${U.township}:${mine.id}`);
    expect(item.contentSnippet ?? item.summary).toContain('证明开具 <较多>');
    expect((item as Record<string, unknown>).pubDate ?? item.isoDate).toBeTruthy();
    expect(r.body).toContain('<updated>2026-03-03T02:00:00.000Z</updated>');

    const byCategory = await new Parser().parseString((await w.api(feedOp, { params: { code: U.village }, query: { category: 'policy' } })).body as string);
    expect(byCategory.items.map((i) => i.title)).toEqual(['全省春耕通知']);
    expect((await w.api(feedOp, { params: { code: U.village }, query: { category: 'gossip' } })).status).toBe(400);
    expect((await w.api(feedOp, { params: { code: '330106004099' } })).status).toBe(404);
  });
});

describe('freshness', () => {
  it('lists stale columns and drafts near or past their Art. 26 deadline, on the unit’s working days', async () => {
    const w = await tierWorld();
    const staff = w.people[`staff@${U.township}`]!;
    at(w, '2026-01-20');
    await createDocument(w.deps, staff, U.township, base({ writtenOn: '2026-01-19' }));
    await createDocument(w.deps, staff, U.township, base({ writtenOn: '2026-01-19', category: 'personnel', title: '任免', body: '任命某某。' }));
    at(w, '2026-02-13');
    // A draft formed on 13 February: 20 working days, over 春节 (15-23 Feb) and two 调休 Saturdays, end on 19 March.
    const draft = await w.api(createDocumentOp, { params: { code: U.township }, body: { ...base({ title: '草稿：街道预算', category: 'budget', body: '预算草稿' }), writtenOn: '2026-02-13', draft: true }, token: w.token(`staff@${U.township}`) });
    expect(draft.body.due).toBe('2026-03-19');
    const read = () => w.api(freshnessOp, { params: { code: U.township }, token: w.token(`staff@${U.township}`) });

    // Statistics monthly (22 working days from 20 January, 调休 14 February counted): stale after 26 February,
    // warned of 5 working days before.
    at(w, '2026-02-10');
    let f = await read();
    expect(f.status, JSON.stringify(f.body)).toBe(200);
    expect(f.body.columns).toEqual([]);
    at(w, '2026-02-24');
    f = await read();
    expect(f.body.columns).toEqual([{ category: 'statistics', lastPublished: '2026-01-20', cadence: 22, staleOn: '2026-02-26', state: 'due-soon' }]);
    at(w, '2026-02-27');
    f = await read();
    expect(f.body.columns[0].state).toBe('overdue');
    expect(f.body.drafts).toEqual([]);
    at(w, '2026-03-13');
    f = await read();
    expect(f.body.drafts).toMatchObject([{ title: '草稿：街道预算', due: '2026-03-19', state: 'due-soon' }]);
    at(w, '2026-03-20');
    f = await read();
    expect(f.body.drafts[0].state).toBe('overdue');

    // A unit may set its own cadence; 0 turns it off.
    const s = await w.api(putSettingsOp, { params: { code: U.township }, body: { v: 0, deadlines: { 'disclosure.cadence.statistics': 0 } }, token: w.token(`admin@${U.township}`) });
    expect(s.status).toBe(200);
    expect((await read()).body.columns).toEqual([]);
  });

  it('rolls publications and late ones up the tiers, and counts them in the annual report', async () => {
    const w = await tierWorld();
    at(w, '2026-03-02');
    await createDocument(w.deps, w.people[`staff@${U.village}`]!, U.village, base({ writtenOn: '2026-01-05' }));
    await createDocument(w.deps, w.people[`staff@${U.village}`]!, U.village, base({ title: '另一份', body: '按时发布的', writtenOn: '2026-02-27' }));
    await w.settle();
    const f = await w.api(freshnessOp, { params: { code: U.county }, token: w.token(`admin@${U.county}`) });
    expect(f.body.lastYear.subtree).toEqual({ published: 2, late: 1 });
    expect(f.body.lastYear.own).toEqual({ published: 0, late: 0 });
    const report = await w.api(annualReportOp, { params: { code: U.village }, query: { year: '2026' }, token: w.token('auditor') });
    expect(report.body.documents.byCategory.statistics).toEqual({ published: 2, late: 1 });
    expect((await w.api(freshnessOp, { params: { code: U.county }, token: w.token(`staff@${U.village}`) })).status).toBe(403);
  });
});

describe('reminders', () => {
  it('tell whoever drafted or last published, once per state, before and when a deadline passes', async () => {
    const w = await tierWorld();
    const staff = w.people[`staff@${U.township}`]!;
    at(w, '2026-01-20');
    await createDocument(w.deps, staff, U.township, base({ writtenOn: '2026-01-19' }));
    at(w, '2026-02-13');
    await w.api(createDocumentOp, { params: { code: U.township }, body: { ...base({ title: '草稿：街道预算', category: 'budget', body: '预算草稿' }), writtenOn: '2026-02-13', draft: true }, token: w.token(`staff@${U.township}`) });
    const messages = async () => (await w.api(listMessagesOp, { token: w.token(`staff@${U.township}`) })).body.items.map((m: { text: { zh: string } }) => m.text.zh);

    at(w, '2026-02-10');
    expect(await remindUnit(w.deps, U.township)).toBe(0);
    at(w, '2026-02-24');
    expect(await remindUnit(w.deps, U.township)).toBe(1);
    expect(await remindUnit(w.deps, U.township)).toBe(0);
    at(w, '2026-03-13');
    // The column is overdue now, the draft due soon.
    expect(await remindUnit(w.deps, U.township)).toBe(2);
    await w.settle();
    expect((await messages()).sort()).toEqual([
      '「统计信息」栏目即将超过更新周期（2026-02-26），请及时更新',
      '「统计信息」栏目已超过更新周期（2026-02-26），请及时更新',
      '草稿「草稿：街道预算」即将到达20个工作日的公开期限（2026-03-19）',
    ].sort());
  });
});
