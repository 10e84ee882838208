import { describe, expect, it } from 'vitest';
import {
  createDocumentOp,
  documentRecordOp,
  documentVersionsOp,
  getDocumentOp,
  listDocumentsOp,
  publishDocumentOp,
  setIssuerOp,
  updateDocumentOp,
  withdrawDocumentOp,
} from '../../functions/disclosure/api';
import { createDocument, fingerprint, type NewDocument } from '../../functions/disclosure/documents';
import { readAudit } from '../../shared/audit';
import { prefixOf } from '../../shared/codes';
import type { QueryInput, Store, Write } from '../../shared/store/store';
import { ownerFolder } from '../../functions/uploads/attachments';
import { tierWorld, U } from '../support/tier-world';

type World = Awaited<ReturnType<typeof tierWorld>>;

const doc = (over: Record<string, unknown> = {}) => ({
  title: '关于做好2026年春季农业生产工作的通知',
  category: 'policy',
  docNumber: '浙政办发〔2026〕3号',
  subjects: ['农业', '春耕'],
  writtenOn: '2026-02-26',
  body: '各市、县（市、区）人民政府：为做好今年春季农业生产，现就有关事项通知如下。一、抓好春耕备耕。二、保障农资供应。',
  ...over,
});
async function publish(w: World, unit: string, over: Record<string, unknown> = {}) {
  const r = await w.api(createDocumentOp, { params: { code: unit }, body: doc(over), token: w.token(`staff@${unit}`) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; issuer: string; indexNo: string; v: number; status: string; original?: { id: string } };
}
const page = (w: World, unit: string, query: Record<string, string> = {}) => w.api(listDocumentsOp, { params: { code: unit }, query });
const titles = (r: { body: { items: { title: string }[] } }) => r.body.items.map((i) => i.title);

/** Counts what a store is asked: queries, batch reads, single reads, and the items written. */
function counting(store: Store) {
  const c = { queries: 0, gets: 0, writes: 0 };
  const { query, get, getMany, transact } = { query: store.query.bind(store), get: store.get.bind(store), getMany: store.getMany.bind(store), transact: store.transact.bind(store) };
  store.query = async (q: QueryInput) => (c.queries++, query(q));
  store.get = async (...a) => (c.gets++, get(...a));
  store.getMany = async (...a) => (c.gets++, getMany(...a));
  store.transact = async (ws: Write[]) => ((c.writes += ws.length), transact(ws));
  return c;
}

describe('documents published once, read by reference', () => {
  it('a province document shows on a county and a village page without a copy, with a unique 索引号', async () => {
    const w = await tierWorld();
    const d = await publish(w, U.province);
    expect(d.indexNo).toBe('330000000000/2026-00001');
    expect((await publish(w, U.province, { title: '第二份', body: '另一份文件的正文。' })).indexNo).toBe('330000000000/2026-00002');
    for (const unit of [U.county, U.village, U.otherVillage, U.province]) {
      expect(titles(await page(w, unit)), unit).toContain('关于做好2026年春季农业生产工作的通知');
    }
    // Everything stored about it is under the province's own keys: nothing was copied to the units it reaches.
    const mentions = [...w.store['tables'].values()].flatMap((m) => [...m.values()]).filter((i) => JSON.stringify(i).includes(d.id));
    expect(mentions.length).toBeGreaterThan(0);
    expect(mentions.filter((i) => !(i.pk as string).startsWith('33#'))).toEqual([]);
    const full = await w.api(getDocumentOp, { params: { code: U.province, id: d.id } });
    expect(full.body).toMatchObject({ status: 'published', indexNo: d.indexNo, body: expect.stringContaining('春耕备耕') });
  });

  it('reaches only the chosen levels or the named units', async () => {
    const w = await tierWorld();
    await publish(w, U.city, { title: '只发村级', reach: { levels: ['village'] } });
    await publish(w, U.county, { title: '只发一村', reach: { units: [U.village] } });
    await publish(w, U.township, { title: '街道自己的' });
    expect(titles(await page(w, U.village))).toEqual(['街道自己的', '只发一村', '只发村级']);
    expect(titles(await page(w, U.village2))).toEqual(['街道自己的', '只发村级']);
    expect(titles(await page(w, U.township))).toEqual(['街道自己的']);
    expect(titles(await page(w, U.otherVillage))).toEqual(['只发村级']);
    const outside = await w.api(createDocumentOp, { params: { code: U.county }, body: doc({ reach: { units: [U.otherVillage] } }), token: w.token(`staff@${U.county}`) });
    expect(outside.status).toBe(400);
    expect(outside.body.error.fields[0].path).toBe('body.reach.units.0');
  });

  it('reads a page with the same number of requests whatever the number of documents', async () => {
    const w = await tierWorld();
    const measure = async () => {
      const c = counting(w.store);
      const r = await page(w, U.village, { limit: '10' });
      expect(r.body.items).toHaveLength(10);
      const next = await page(w, U.village, { limit: '10', cursor: r.body.cursor });
      expect(next.body.items.length).toBeGreaterThan(0);
      return c.queries + c.gets;
    };
    const actor = w.people[`staff@${U.province}`]!;
    const add = async (n: number, from: string) => {
      for (let i = 0; i < n; i++) await createDocument(w.deps, w.people[`staff@${from}`] ?? actor, from, { ...(doc({ body: `正文 ${from} ${i} ${Math.random()}` }) as NewDocument), attachments: [], subjects: [] });
    };
    await add(8, U.province);
    await add(8, U.township);
    const small = await measure();
    await add(40, U.city);
    await add(40, U.county);
    const large = await measure();
    expect(large).toBe(small);
  });

  it('costs the publisher the same writes for the whole province as for one township', async () => {
    const w = await tierWorld();
    const actor = (u: string) => w.people[`staff@${u}`]!;
    const c = counting(w.store);
    await createDocument(w.deps, actor(U.province), U.province, { ...(doc() as NewDocument), attachments: [] });
    const province = c.writes;
    c.writes = 0;
    await createDocument(w.deps, actor(U.township), U.township, { ...(doc({ body: '另一份' }) as NewDocument), attachments: [], reach: { levels: ['village'] } });
    // Listings: 1 + levels below, twice (all, and by category) — 4 levels below a province, 1 below a township.
    expect(province - c.writes).toBe((4 - 1) * 2);
  });

  it('keeps every version, refuses a stale one with 409 and changes nothing', async () => {
    const w = await tierWorld();
    const d = await publish(w, U.county);
    const token = w.token(`staff@${U.county}`);
    const upd = await w.api(updateDocumentOp, { params: { code: U.county, id: d.id }, body: { v: d.v, title: '修改后的标题', body: '修改后的正文，增加了三、做好防灾减灾。' }, token });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    expect(upd.body).toMatchObject({ v: 2, title: '修改后的标题', indexNo: d.indexNo });
    const before = w.snapshot();
    const stale = await w.api(updateDocumentOp, { params: { code: U.county, id: d.id }, body: { v: d.v, title: '旧版本上改的' }, token });
    expect(stale.status).toBe(409);
    expect(w.snapshot()).toBe(before);
    const versions = await w.api(documentVersionsOp, { params: { code: U.county, id: d.id } });
    expect(versions.body.items.map((v: { v: number; title: string }) => [v.v, v.title])).toEqual([
      [1, '关于做好2026年春季农业生产工作的通知'],
      [2, '修改后的标题'],
    ]);
    expect(titles(await page(w, U.village))).toEqual(['修改后的标题']);
  });

  it('withdraws with a reason: gone from pages, record and versions kept, every step audited', async () => {
    const w = await tierWorld();
    const d = await publish(w, U.county);
    const token = w.token(`staff@${U.county}`);
    const noReason = await w.api(withdrawDocumentOp, { params: { code: U.county, id: d.id }, body: { v: 1 }, token });
    expect(noReason.status).toBe(400);
    const r = await w.api(withdrawDocumentOp, { params: { code: U.county, id: d.id }, body: { v: 1, reason: '文件已废止' }, token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'withdrawn', withdrawal: { reason: '文件已废止' } });
    expect(titles(await page(w, U.village))).toEqual([]);
    expect((await w.api(getDocumentOp, { params: { code: U.county, id: d.id } })).status).toBe(404);
    const record = await w.api(documentRecordOp, { params: { code: U.county, id: d.id }, token: w.token('auditor') });
    expect(record.status).toBe(200);
    expect(record.body.versions.map((v: { status: string }) => v.status)).toEqual(['published', 'withdrawn']);
    expect(record.body.document.body).toContain('春耕备耕');
    const again = await w.api(withdrawDocumentOp, { params: { code: U.county, id: d.id }, body: { v: 2, reason: '再撤一次' }, token });
    expect(again.status).toBe(422);
    const audit = await readAudit(w.store, U.county, 10);
    expect(audit.items.map((e) => e.action)).toEqual(['disclosure.publish', 'disclosure.withdraw']);
  });

  it('publishes a draft later, with the serial of its publication year', async () => {
    const w = await tierWorld();
    const token = w.token(`staff@${U.county}`);
    const draft = await w.api(createDocumentOp, { params: { code: U.county }, body: doc({ draft: true }), token });
    // 20 working days from Thursday 26 February: Saturday 28 February is a 调休 working day.
    expect(draft.body).toMatchObject({ status: 'draft', due: '2026-03-25' });
    expect(draft.body.indexNo).toBeUndefined();
    expect(titles(await page(w, U.county))).toEqual([]);
    const stale = await w.api(publishDocumentOp, { params: { code: U.county, id: draft.body.id }, body: { v: 7 }, token });
    expect(stale.status).toBe(409);
    const pub = await w.api(publishDocumentOp, { params: { code: U.county, id: draft.body.id }, body: { v: 1 }, token });
    expect(pub.body).toMatchObject({ status: 'published', indexNo: '330106000000/2026-00001', late: false, v: 2 });
    expect((await w.api(publishDocumentOp, { params: { code: U.county, id: draft.body.id }, body: { v: 2 }, token })).status).toBe(422);
  });

  it('begins 索引号 with the unit’s 统一社会信用代码 once it has one', async () => {
    const w = await tierWorld();
    const bad = await w.api(setIssuerOp, { params: { code: U.county }, body: { creditCode: '11330106002489887X' }, token: w.token(`admin@${U.county}`) });
    expect(bad.status).toBe(400);
    const ok = await w.api(setIssuerOp, { params: { code: U.county }, body: { creditCode: '11330106002489882R' }, token: w.token(`admin@${U.county}`) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await publish(w, U.county)).indexNo).toBe('11330106002489882R/2026-00001');
  });

  it('gives concurrent publications distinct serials', async () => {
    const w = await tierWorld();
    const actor = w.people[`staff@${U.county}`]!;
    const made = await Promise.all(
      Array.from({ length: 6 }, (_, i) => createDocument(w.deps, actor, U.county, { ...(doc({ body: `并发 ${i}` }) as NewDocument), attachments: [] })),
    );
    expect(new Set(made.map((d) => d.indexNo)).size).toBe(6);
  });

  it('links the same content published again anywhere in the province to the original', async () => {
    const w = await tierWorld();
    const original = await publish(w, U.province);
    const again = await publish(w, U.township, { title: '转发：春季农业生产', body: doc().body.replaceAll('，', ', ').replace('。', '. ') + '  ' });
    expect(again.original).toEqual({ issuer: U.province, id: original.id });
    const stored = await w.store.get('township', { pk: `${prefixOf(U.township)}#doc`, sk: again.id });
    expect(stored?.body).toBe('');
    const read = await w.api(getDocumentOp, { params: { code: U.township, id: again.id } });
    expect(read.body.body).toContain('春耕备耕');
    expect(fingerprint('Ａ Ｂ，c')).toBe(fingerprint('abc'));
  });

  it('holds only files the publisher uploaded, of a type a document may carry', async () => {
    const w = await tierWorld();
    const staff = w.people[`staff@${U.county}`]!;
    const folder = ownerFolder(U.county, staff);
    await w.deps.files.put(`${folder}01JUPLOAD/plan.pdf`, '%PDF-1.7 plan', 'application/pdf');
    await w.deps.files.put(`${folder}01JUPLOAD2/run.exe`, 'MZ', 'application/x-msdownload');
    const pdf = { key: `${folder}01JUPLOAD/plan.pdf`, name: 'plan.pdf', type: 'application/pdf', size: 13 };
    const token = w.token(`staff@${U.county}`);
    const ok = await w.api(createDocumentOp, { params: { code: U.county }, body: doc({ attachments: [pdf] }), token });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.attachments).toEqual([pdf]);
    const before = w.snapshot();
    const exe = await w.api(createDocumentOp, { params: { code: U.county }, body: doc({ attachments: [{ key: `${folder}01JUPLOAD2/run.exe`, name: 'run.exe', type: 'application/x-msdownload', size: 2 }] }), token });
    expect(exe.status).toBe(400);
    expect(exe.body.error.fields.map((f: { path: string }) => f.path)).toContain('body.attachments.0.type');
    // Someone else's upload, or a size that is not the file's.
    const theirs = await w.api(createDocumentOp, { params: { code: U.county }, body: doc({ attachments: [pdf] }), token: w.token(`admin@${U.county}`) });
    expect(theirs.status).toBe(400);
    const wrongSize = await w.api(createDocumentOp, { params: { code: U.county }, body: doc({ attachments: [{ ...pdf, size: 14 }] }), token });
    expect(wrongSize.status).toBe(422);
    expect(w.snapshot()).toBe(before);
  });

  it('refuses bad input, wrong roles and out-of-order steps with 4xx and writes nothing', async () => {
    const w = await tierWorld();
    const token = w.token(`staff@${U.county}`);
    const before = w.snapshot();
    const cases: [Record<string, unknown>, string][] = [
      [{ attachments: [{ key: 'uploads/a.exe', name: 'a.exe', type: 'application/x-msdownload', size: 10 }] }, 'body.attachments.0.type'],
      [{ body: '长'.repeat(50_001) }, 'body.body'],
      [{ category: 'gossip' }, 'body.category'],
      [{ writtenOn: '2026-13-01' }, 'body.writtenOn'],
      [{ writtenOn: '2027-01-01' }, 'body.writtenOn'],
      [{ validUntil: '2025-01-01' }, 'body.validUntil'],
      [{ title: '' }, 'body.title'],
    ];
    for (const [over, path] of cases) {
      const r = await w.api(createDocumentOp, { params: { code: U.county }, body: doc(over), token });
      expect(r.status, path).toBe(400);
      expect(r.body.error.fields.map((f: { path: string }) => f.path), path).toContain(path);
    }
    expect((await w.api(createDocumentOp, { params: { code: U.city }, body: doc(), token })).status).toBe(403);
    expect((await w.api(createDocumentOp, { params: { code: U.county }, body: doc(), token: w.token('auditor') })).status).toBe(403);
    expect((await w.api(createDocumentOp, { params: { code: U.county }, body: doc() })).status).toBe(401);
    expect(w.snapshot()).toBe(before);
  });
});
