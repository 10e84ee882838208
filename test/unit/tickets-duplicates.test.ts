import { describe, expect, it } from 'vitest';
import {
  actOnTicketOp,
  fileTicketOp,
  getTicketOp,
  mergeTicketOp,
  rateTicketOp,
  suggestDuplicatesOp,
  unmergeTicketOp,
} from '../../functions/tickets/api';
import { suggestDuplicates } from '../../functions/tickets/duplicates';
import { fileTicket } from '../../functions/tickets/tickets';
import type { Principal } from '../../shared/roles';
import { createDepartment } from '../../tenants/people';
import { seedAccounts } from '../support/accounts';
import type { Store } from '../../shared/store/store';
import { listMessages } from '../../functions/notify/notifications';
import { scoreLabelledPairs } from '../support/duplicate-pairs';
import { tierWorld, U } from '../support/tier-world';

type World = Awaited<ReturnType<typeof tierWorld>>;

const FIRST = {
  type: 'complaint',
  category: 'streetlight',
  text: '文三路与学院路交叉口往东那几盏路灯晚上都不亮，走夜路很危险。',
  location: { lat: 30.2741, lng: 120.1551 },
};
const SECOND = { ...FIRST, text: '学院路口东边一排路灯坏了好几天，天黑以后整条人行道漆黑一片。', location: { lat: 30.2746, lng: 120.1559 } };

async function world() {
  const w = await tierWorld();
  const one: Principal = { sub: 'citizen-1', role: 'citizen', unit: U.village };
  const two: Principal = { sub: 'citizen-2', role: 'citizen', unit: U.village };
  return { ...w, one: await w.sign(one), two: await w.sign(two), dispatcher: w.token(`staff@${U.village}`) };
}

async function file(w: World, token: string, body: object) {
  const r = await w.api(fileTicketOp, { params: { code: U.village }, body, token });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

const step = async (w: World, token: string, id: string, body: object) => {
  const r = await w.api(actOnTicketOp, { params: { code: U.village, id }, body, token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

describe('duplicate suggestions', () => {
  it('find the labelled duplicates with precision and recall above 0.85 and 0.8 on over 200 pairs', () => {
    const r = scoreLabelledPairs();
    expect(r.pairs).toBeGreaterThanOrEqual(200);
    expect(r.precision, JSON.stringify(r)).toBeGreaterThanOrEqual(0.85);
    expect(r.recall, JSON.stringify(r)).toBeGreaterThanOrEqual(0.8);
  });

  it('suggest an open ticket of the same category nearby, with its score and the reason, and nothing else', async () => {
    const w = await world();
    const first = await file(w, w.one, FIRST);
    // Same place, other category; same category, three kilometres away with other words.
    await file(w, w.one, { ...FIRST, category: 'road', text: '文三路学院路口路面有个大坑' });
    await file(w, w.one, { ...FIRST, text: '西溪湿地北门停车场照明灯不亮', location: { lat: 30.27, lng: 120.12 } });
    const second = await file(w, w.two, SECOND);
    const r = await w.api(suggestDuplicatesOp, { params: { code: U.village, id: second }, token: w.dispatcher });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.items.map((s: { id: string }) => s.id)).toEqual([first]);
    const [s] = r.body.items;
    expect(s.score).toBeGreaterThan(0.26);
    expect(s.distanceM).toBeLessThan(250);
    expect(s.reason.zh).toMatch(/^同一类别，相距约 \d+ 米，文字相近/);
    expect(s.shared).toContain('路灯');
    // The filer is no dispatcher.
    expect((await w.api(suggestDuplicatesOp, { params: { code: U.village, id: second }, token: w.two })).status).toBe(403);
  });

  it('read the same few partitions whatever the number of open tickets elsewhere in the province', async () => {
    const w = await world();
    const citizen: Principal = { sub: 'citizen-1', role: 'citizen', unit: U.village };
    await file(w, w.one, FIRST);
    const probe = { ...SECOND, id: '01KB0000000000000000000000', home: U.village, title: '路灯', createdAt: w.deps.now().toISOString(), category: 'streetlight' as const };
    const reads = async (others: number) => {
      for (let i = 0; i < others; i++) {
        await fileTicket(w.deps, U.otherVillage, { ...FIRST, text: `上城区第${i}号路灯不亮` } as never, { actor: citizen, channel: 'online' });
      }
      const counted = { queries: 0, items: 0 };
      const store: Store = new Proxy(w.deps.store, {
        get: (target, key) =>
          key === 'query'
            ? async (q: Parameters<Store['query']>[0]) => {
                const page = await target.query(q);
                counted.queries++;
                counted.items += page.items.length;
                return page;
              }
            : (Reflect.get(target, key) as (...a: unknown[]) => unknown).bind(target),
      });
      await suggestDuplicates({ store }, probe);
      return counted;
    };
    const few = await reads(5);
    const many = await reads(120);
    expect(many.queries).toBe(few.queries);
    expect(many.items).toBe(few.items);
    expect(few.items).toBeGreaterThan(0);
    expect(many.queries).toBeLessThanOrEqual(14);
  });
});

describe('merging', () => {
  it('handles both filers through one ticket, each sees the answer and rates; undoing keeps every reply and filer', async () => {
    const w = await world();
    const dept = await createDepartment(w.deps, w.people[`admin@${U.village}`]!, U.village, { name: '村务办' });
    const clerkP: Principal = { sub: 'clerk', role: 'staff', unit: U.village, dept: dept.id };
    await seedAccounts(w.store, [clerkP]);
    const clerk = await w.sign(clerkP);
    const first = await file(w, w.one, FIRST);
    const second = await file(w, w.two, SECOND);
    for (const id of [first, second]) await step(w, w.dispatcher, id, { action: 'accept' });
    const merged = await w.api(mergeTicketOp, { params: { code: U.village, id: second }, body: { into: { home: U.village, id: first } }, token: w.dispatcher });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ status: 'merged', data: { mergedInto: `${U.village}/${first}`, mergedStatus: 'accepted' } });
    // A merged ticket takes no steps of its own, is no longer suggested, and cannot be merged twice.
    const before = w.snapshot();
    expect((await w.api(actOnTicketOp, { params: { code: U.village, id: second }, body: { action: 'dispatch', to: { dept: dept.id } }, token: w.dispatcher })).status).toBe(422);
    expect((await w.api(mergeTicketOp, { params: { code: U.village, id: second }, body: { into: { home: U.village, id: first } }, token: w.dispatcher })).status).toBe(422);
    expect((await w.api(mergeTicketOp, { params: { code: U.village, id: first }, body: { into: { home: U.village, id: first } }, token: w.dispatcher })).status).toBe(400);
    expect(w.snapshot()).toBe(before);
    const third = await file(w, w.one, { ...SECOND, text: '学院路口东边路灯全坏了，晚上一片漆黑。' });
    const suggested = await w.api(suggestDuplicatesOp, { params: { code: U.village, id: third }, token: w.dispatcher });
    expect(suggested.body.items.map((x: { id: string }) => x.id)).toEqual([first]);

    await step(w, w.dispatcher, first, { action: 'dispatch', to: { dept: dept.id } });
    await step(w, clerk, first, { action: 'sign' });
    await step(w, clerk, first, { action: 'answer', note: '路灯线路已修复。' });
    expect((await w.api(rateTicketOp, { params: { code: U.village, id: second }, body: { level: 4 }, token: w.two })).status).toBe(422);
    await step(w, w.dispatcher, first, { action: 'callback', note: '已回访两位来信人' });
    const seen = await w.api(getTicketOp, { params: { code: U.village, id: second }, token: w.two });
    expect(seen.body).toMatchObject({ status: 'merged', mergedInto: { home: U.village, id: first }, primaryStatus: 'visited' });
    expect(seen.body.replies).toMatchObject([{ text: '路灯线路已修复。', via: first }]);
    expect((await w.api(rateTicketOp, { params: { code: U.village, id: second }, body: { level: 4 }, token: w.two })).status).toBe(200);
    expect((await w.api(rateTicketOp, { params: { code: U.village, id: first }, body: { level: 5 }, token: w.one })).status).toBe(200);
    await step(w, w.dispatcher, first, { action: 'complete' });

    const undone = await w.api(unmergeTicketOp, { params: { code: U.village, id: second }, token: w.dispatcher });
    expect(undone.status, JSON.stringify(undone.body)).toBe(200);
    expect(undone.body).toMatchObject({ status: 'accepted' });
    const own = await w.api(getTicketOp, { params: { code: U.village, id: second }, token: w.two });
    expect(own.body).toMatchObject({ status: 'accepted', rating: { level: 4 }, filer: { sub: 'citizen-2' }, replies: [{ text: '路灯线路已修复。', via: first }] });
    expect(own.body.mergedInto).toBeUndefined();
    const primary = await w.api(getTicketOp, { params: { code: U.village, id: first }, token: w.one });
    expect(primary.body).toMatchObject({ status: 'closed', merged: [], rating: { level: 5 }, filer: { sub: 'citizen-1' }, replies: [{ text: '路灯线路已修复。' }] });
    expect(primary.body.history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['mergeIn', 'mergeOut']));

    // The second filer was told of the merge, of the answer given through the first ticket, asked to rate, and told of the undoing.
    await w.settle();
    const inbox = await listMessages(w.deps, { sub: 'citizen-2', role: 'citizen', unit: U.village }, 10);
    // (The test's clock stands still, so the messages' ids do not order them.)
    const said = inbox.items.map((m) => m.text.zh);
    expect(said).toHaveLength(4);
    for (const re of [/合并办理/, /已答复/, /请对办理结果进行评价/, /恢复单独办理/]) expect(said).toContainEqual(expect.stringMatching(re));
  });
});
