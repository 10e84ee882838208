import { describe, expect, it, vi } from 'vitest';
import { acknowledgeOp, addInstructionOp, getSentNoticeOp, inboxNoticeOp, inboxOp, publishNoticeOp, unsignedOp } from '../../functions/tiers/api';
import { readAudit } from '../../shared/audit';
import type { Store, Write } from '../../shared/store/store';
import { acknowledge, publishNotice } from '../../functions/tiers/notices';
import { tierWorld, U } from '../support/tier-world';

type World = Awaited<ReturnType<typeof tierWorld>>;

async function publish(w: World, from: string, body: Record<string, unknown>) {
  const r = await w.api(publishNoticeOp, { params: { code: from }, body: { body: '正文', ...body }, token: w.token(`staff@${from}`) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; from: string };
}
const inbox = (w: World, unit: string, query: Record<string, string> = {}) =>
  w.api(inboxOp, { params: { code: unit }, query, token: w.token(`staff@${unit}`) });
const titles = (r: { body: { items: { title: string }[] } }) => r.body.items.map((n) => n.title);
const ack = (w: World, unit: string, n: { id: string; from: string }, kind: 'read' | 'sign', who = `staff@${unit}`) =>
  w.api(acknowledgeOp, { params: { code: unit, from: n.from, id: n.id }, body: { kind }, token: w.token(who) });

/** Counts the items a store writes, transactions and single writes alike. */
function countingWrites(store: Store) {
  const counted = { writes: 0 };
  const transact = store.transact.bind(store);
  store.transact = async (ws: Write[]) => {
    counted.writes += ws.length;
    return transact(ws);
  };
  return counted;
}

describe('notices down the tree, published once', () => {
  it('reach every unit of the targeted levels below the sender and no other, newest first', async () => {
    const w = await tierWorld();
    await publish(w, U.province, { title: '全省通知' });
    await publish(w, U.city, { title: '市通知：仅村级', levels: ['village'] });
    await publish(w, U.otherCounty, { title: '上城区通知' });
    await publish(w, U.township, { title: '街道通知' });

    expect(titles(await inbox(w, U.village))).toEqual(['街道通知', '市通知：仅村级', '全省通知']);
    expect(titles(await inbox(w, U.township))).toEqual(['全省通知']);
    expect(titles(await inbox(w, U.otherVillage))).toEqual(['上城区通知', '市通知：仅村级', '全省通知']);
    expect(titles(await inbox(w, U.province))).toEqual([]);
  });

  it('costs the sender the same few writes whatever the number of units it reaches', async () => {
    const w = await tierWorld();
    const counted = countingWrites(w.store);
    const actor = w.people[`staff@${U.province}`]!;
    await publishNotice(w.deps, actor, U.province, { title: '全省', body: '正文' });
    const wholeProvince = counted.writes;
    counted.writes = 0;
    await publishNotice(w.deps, actor, U.township, { title: '一个街道', body: '正文' });
    // The notice, one listing per level (4 below the province, 1 below a township), the audit entry and head, and
    // the checkpoint marker (each is its chain's first entry, which is checkpointed).
    expect([wholeProvince, counted.writes]).toEqual([1 + 4 + 3, 1 + 1 + 3]);
  });

  it('pages an inbox merged from every ancestor without losing or repeating a notice', async () => {
    const w = await tierWorld();
    const senders = [U.province, U.city, U.county, U.township];
    for (let i = 0; i < 11; i++) {
      w.setClock(`2026-03-02T01:00:${String(i).padStart(2, '0')}Z`);
      await publish(w, senders[i % 4]!, { title: `通知 ${i}` });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await inbox(w, U.village, { limit: '3', ...(cursor ? { cursor } : {}) });
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...titles(r));
      cursor = r.body.cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => `通知 ${10 - i}`));
    expect(pages).toBe(4);
    const bad = await inbox(w, U.village, { cursor: 'not-a-cursor' });
    expect(bad.status).toBe(400);
  });

  it('shows each unit its own read and 签收 state, once however often it signs, and counts signatures per level at the sender', async () => {
    const w = await tierWorld();
    const n = await publish(w, U.county, { title: '签收测试', levels: ['township', 'village'] });
    expect((await ack(w, U.village, n, 'read')).body.readAt).toBeDefined();
    const signed = await ack(w, U.village, n, 'sign');
    expect(signed.status).toBe(200);
    const again = await ack(w, U.village, n, 'sign', `admin@${U.village}`);
    expect(again.body).toEqual(signed.body);
    expect((await ack(w, U.village2, n, 'sign')).status).toBe(200);
    expect((await ack(w, U.township, n, 'sign')).status).toBe(200);

    const [item] = (await inbox(w, U.village)).body.items;
    expect(item).toMatchObject({ title: '签收测试', signedAt: signed.body.signedAt, readAt: signed.body.readAt });
    expect((await inbox(w, U.village3)).body.items[0].signedAt).toBeUndefined();

    const sent = await w.api(getSentNoticeOp, { params: { code: U.county, id: n.id }, token: w.token(`staff@${U.county}`) });
    expect(sent.body.signed).toEqual({ township: 1, village: 2 });
    // Signing is audited where the unit signed; a read receipt is not a change of the unit's work.
    expect((await readAudit(w.store, U.village, 10)).items.map((e) => e.action)).toEqual(['notice.sign']);
  });

  it('counts every signature when units sign at the same moment, even all on one counter shard', async () => {
    const w = await tierWorld();
    const n = await publish(w, U.township, { title: '并发签收' });
    // Every signature picks the same shard: all but one find it changed under them and must read again.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0);
    // Straight to the domain, so that nothing in the pipeline spaces the three apart.
    const rs = await Promise.all(
      [U.village, U.village2, U.village3].map((v) => acknowledge(w.deps, w.people[`staff@${v}`]!, v, n.from, n.id, 'sign')),
    ).finally(() => random.mockRestore());
    expect(rs.map((r) => typeof r.signedAt)).toEqual(['string', 'string', 'string']);
    const sent = await w.api(getSentNoticeOp, { params: { code: U.township, id: n.id }, token: w.token(`admin@${U.township}`) });
    expect(sent.body.signed).toEqual({ village: 3 });
  });

  it('pages the units of a level that have not signed, in code order, walking the tree below the sender', async () => {
    const w = await tierWorld();
    const n = await publish(w, U.city, { title: '未签收' });
    await ack(w, U.village2, n, 'sign');
    const list = async (level: string, query: Record<string, string> = {}) =>
      w.api(unsignedOp, { params: { code: U.city, id: n.id }, query: { level, ...query }, token: w.token(`admin@${U.city}`) });
    const first = await list('village', { limit: '2' });
    expect(first.body.items.map((u: { code: string }) => u.code)).toEqual([U.otherVillage, U.village]);
    const rest = await list('village', { limit: '2', cursor: first.body.cursor });
    expect(rest.body.items.map((u: { code: string }) => u.code)).toEqual([U.village3]);
    expect(rest.body.cursor).toBeUndefined();
    expect((await list('county')).body.items.map((u: { name: string }) => u.name)).toEqual(['上城区', '西湖区']);
    const outside = await list('village', { cursor: U.otherCounty.replace('33', '34') });
    expect(outside.status).toBe(400);
  });

  it('carries the implementing instructions of the units between the sender and the reader, without copying the notice', async () => {
    const w = await tierWorld();
    const n = await publish(w, U.province, { title: '全省安全生产检查' });
    const add = (unit: string, text: string) =>
      w.api(addInstructionOp, { params: { code: unit, from: n.from, id: n.id }, body: { text }, token: w.token(`staff@${unit}`) });
    expect((await add(U.county, '西湖区：各街道于 3 月 20 日前自查')).status).toBe(201);
    expect((await add(U.township, '西溪街道：各村 3 月 15 日前上报')).status).toBe(201);
    expect((await add(U.township, '再来一次')).status).toBe(409);
    // Villages have no units below: nothing to implement further down.
    expect((await add(U.village, '村里')).status).toBe(422);

    const mine = (await inbox(w, U.village)).body.items[0];
    expect(mine.instructions.map((i: { unit: string }) => i.unit)).toEqual([U.county, U.township]);
    expect((await inbox(w, U.township)).body.items[0].instructions.map((i: { unit: string }) => i.unit)).toEqual([U.county]);
    expect((await inbox(w, U.otherVillage)).body.items[0].instructions).toEqual([]);
    const full = await w.api(inboxNoticeOp, { params: { code: U.village, from: n.from, id: n.id }, token: w.token(`staff@${U.village}`) });
    expect(full.body).toMatchObject({ notice: { title: '全省安全生产检查' }, instructions: [{ unit: U.county }, { unit: U.township }] });
  });

  it('keeps attachments in the bucket under the sender and names them in the notice', async () => {
    const w = await tierWorld();
    const data = Buffer.from('附件内容').toString('base64');
    const n = await publish(w, U.county, { title: '附件', attachments: [{ name: '检查表.xlsx', contentType: 'application/vnd.ms-excel', base64: data }] });
    const sent = await w.api(getSentNoticeOp, { params: { code: U.county, id: n.id }, token: w.token(`staff@${U.county}`) });
    const [a] = sent.body.notice.attachments;
    expect(a).toMatchObject({ name: '检查表.xlsx', key: `notices/330106/${n.id}/0`, bytes: Buffer.byteLength('附件内容') });
    expect(w.objects.get(a.key)).toBe(data);
  });

  it('lets a unit, those above it and auditors read its inbox, and nobody else', async () => {
    const w = await tierWorld();
    await publish(w, U.county, { title: '谁能看' });
    const read = (who: string) => w.api(inboxOp, { params: { code: U.village }, token: w.token(who) });
    const expected: [string, number][] = [
      [`staff@${U.village}`, 200],
      [`admin@${U.county}`, 200],
      ['auditor', 200],
      [`staff@${U.township}`, 403],
      [`staff@${U.village2}`, 403],
      [`admin@${U.otherCounty}`, 403],
    ];
    for (const [who, status] of expected) expect([who, (await read(who)).status]).toEqual([who, status]);
  });

  describe('refuses, with a clear 4xx and nothing written', () => {
    it.each([
      ['a level that is not below the sender', U.county, { levels: ['city'] }, `staff@${U.county}`, 400, 'body.levels.0'],
      ['a notice from a village, which has nobody below', U.village, {}, `staff@${U.village}`, 400, 'body.levels'],
      ['a notice sent in another unit’s name', U.county, {}, `staff@${U.township}`, 403, undefined],
      ['a notice by an auditor', U.province, {}, 'auditor', 403, undefined],
      ['an unknown level', U.county, { levels: ['galaxy'] }, `staff@${U.county}`, 400, 'body.levels.0'],
    ])('%s', async (_name, from, extra, who, status, path) => {
      const w = await tierWorld();
      const before = w.snapshot();
      const r = await w.api(publishNoticeOp, { params: { code: from }, body: { title: 't', body: 'b', ...extra }, token: w.token(who) });
      expect(r.status).toBe(status);
      if (path) expect(r.body.error.fields.map((f: { path: string }) => f.path)).toEqual([path]);
      expect(w.snapshot()).toBe(before);
    });

    it('signing for a notice not addressed to the unit, or for another unit, or as an auditor', async () => {
      const w = await tierWorld();
      const n = await publish(w, U.city, { title: '仅村级', levels: ['village'] });
      const before = w.snapshot();
      expect((await ack(w, U.township, n, 'sign')).status).toBe(404);
      expect((await ack(w, U.city, n, 'sign', `staff@${U.city}`)).status).toBe(404);
      expect((await ack(w, U.village, n, 'sign', `staff@${U.village2}`)).status).toBe(403);
      expect((await ack(w, U.village, n, 'sign', 'auditor')).status).toBe(403);
      const en = await w.api(acknowledgeOp, {
        params: { code: U.village, from: n.from, id: n.id },
        body: { kind: 'stamp' },
        token: w.token(`staff@${U.village}`),
        headers: { 'accept-language': 'en' },
      });
      expect(en.status).toBe(400);
      expect(en.body.error.fields[0].path).toBe('body.kind');
      expect(w.snapshot()).toBe(before);
    });
  });
});
