import { describe, expect, it } from 'vitest';
import { searchOp, updateDocumentOp, withdrawDocumentOp } from '../../functions/disclosure/api';
import { createDocument, type Doc } from '../../functions/disclosure/documents';
import { highlight, indexEntry } from '../../functions/disclosure/search-index';
import { levelOf } from '../../shared/codes';
import { CORPUS, QUERIES } from '../../infra/local/disclosure-corpus';
import { tierWorld, U } from '../support/tier-world';

type World = Awaited<ReturnType<typeof tierWorld>>;

const UNIT_AT = { province: U.province, city: U.city, county: U.county, township: U.township, village: U.village } as const;

async function publishCorpus(w: World) {
  const made = new Map<string, Doc>();
  for (const d of CORPUS) {
    const unit = UNIT_AT[d.level];
    const doc = await createDocument(w.deps, w.people[`staff@${unit}`]!, unit, {
      title: d.title,
      category: d.category,
      subjects: d.subjects,
      body: d.body,
      writtenOn: '2026-02-27',
      attachments: [],
      ...(d.docNumber ? { docNumber: d.docNumber } : {}),
      ...(d.shared || levelOf(unit) === 'village' ? {} : { reach: { units: [] as string[], levels: [] } }),
    });
    made.set(d.key, doc);
  }
  return made;
}
const find = (w: World, unit: string, query: Record<string, string>) => w.api(searchOp, { params: { code: unit }, query });

/** Recall at 10 over the labelled queries, searched from the province (every document is in its subtree). */
export async function recallAt10(w: World, made: Map<string, Doc>) {
  let found = 0;
  let wanted = 0;
  for (const { q, relevant } of QUERIES) {
    const r = await find(w, U.province, { q, limit: '10' });
    const ids = new Set(r.body.items.map((i: { id: string }) => i.id));
    wanted += relevant.length;
    found += relevant.filter((k) => ids.has(made.get(k)!.id)).length;
  }
  return found / wanted;
}

describe('search over published documents', () => {
  it('finds the labelled set’s relevant documents (recall at 10), ranked, with matches marked', async () => {
    const w = await tierWorld();
    const made = await publishCorpus(w);
    const recall = await recallAt10(w, made);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    const r = await find(w, U.province, { q: '老旧小区改造' });
    expect(r.body.items[0].id).toBe(made.get('county-renovation')!.id);
    expect(r.body.items[0].title).toContain('<mark>老旧</mark>');
    expect(r.body.items[0].snippet).toMatch(/<mark>改造<\/mark>/);
  });

  it('searches a unit’s subtree and what its ancestors addressed to it, never a sibling’s', async () => {
    const w = await tierWorld();
    const made = await publishCorpus(w);
    const ids = async (unit: string, query: Record<string, string>) => (await find(w, unit, query)).body.items.map((i: { id: string }) => i.id);
    // The province's notice on spring farming applies to the village: found there.
    expect(await ids(U.village, { q: '春耕' })).toContain(made.get('spring-farming')!.id);
    // The province's budget is for its own page only.
    expect(await ids(U.county, { q: '预算' })).not.toContain(made.get('province-budget')!.id);
    expect(await ids(U.otherCounty, { q: '加装电梯' })).toEqual([]);
    expect(await ids(U.county, { q: '加装电梯' })).toContain(made.get('township-renovation')!.id);
    const outside = await find(w, U.county, { q: '电梯', unit: U.otherCounty });
    expect(outside.status).toBe(400);
    expect(outside.body.error.fields[0].path).toBe('query.unit');
  });

  it('filters by category, unit and date', async () => {
    const w = await tierWorld();
    const made = await publishCorpus(w);
    const ids = async (query: Record<string, string>) => (await find(w, U.province, query)).body.items.map((i: { id: string }) => i.id);
    expect(await ids({ q: '防汛', category: 'key-areas', unit: U.township })).toEqual([made.get('township-flood-drill')!.id]);
    expect(await ids({ q: '垃圾分类', category: 'other' })).toEqual([made.get('village-garbage')!.id]);
    expect(await ids({ q: '防汛', from: '2026-03-03' })).toEqual([]);
    expect((await ids({ q: '防汛', from: '2026-03-02', to: '2026-03-02' })).length).toBe(2);
    expect((await find(w, U.province, { q: '，。' })).status).toBe(400);
    expect((await find(w, U.province, { q: '防汛', category: 'gossip' })).status).toBe(400);
  });

  it('follows changes: an update is found by its new words only, a withdrawal not at all', async () => {
    const w = await tierWorld();
    const made = await publishCorpus(w);
    const d = made.get('city-procurement')!;
    const token = w.token(`staff@${U.city}`);
    const upd = await w.api(updateDocumentOp, { params: { code: U.city, id: d.id }, body: { v: d.v, body: '采购项目：城市绿道养护服务。成交供应商见附件。' }, token });
    expect(upd.status).toBe(200);
    // Still in the title, and first.
    expect((await find(w, U.province, { q: '公共自行车' })).body.items[0].id).toBe(d.id);
    expect((await find(w, U.province, { q: '绿道养护' })).body.total).toBe(1);
    expect((await find(w, U.province, { q: '质疑' })).body.total).toBe(0);
    await w.api(withdrawDocumentOp, { params: { code: U.city, id: d.id }, body: { v: 2, reason: '项目终止' }, token });
    expect((await find(w, U.province, { q: '绿道养护' })).body.total).toBe(0);
  });

  it('indexes other capabilities’ public texts through the same function', async () => {
    const w = await tierWorld();
    await indexEntry(w.deps, { kind: 'qa', id: 'T1', unit: U.township, title: '小区门口路灯坏了找谁修', body: '答：已转交街道城管科，三日内修复。', category: 'qa', date: '2026-03-02' });
    const r = await find(w, U.county, { q: '路灯', kind: 'qa' });
    expect(r.body.items).toMatchObject([{ kind: 'qa', id: 'T1', unit: U.township }]);
    expect((await find(w, U.county, { q: '路灯', kind: 'doc' })).body.total).toBe(0);
  });

  it('escapes what it highlights', () => {
    expect(highlight('<b>预算</b> & 决算', ['预算'])).toBe('&#60;b&#62;<mark>预算</mark>&#60;/b&#62; &#38; 决算');
  });
});
