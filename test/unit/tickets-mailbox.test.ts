import { describe, expect, it } from 'vitest';
import { putSettingsOp } from '../../functions/settings/api';
import { actOnTicketOp, fileTicketOp, listLettersOp, publishLetterOp } from '../../functions/tickets/api';
import { listPublishedQa } from '../../functions/tickets/mailbox';
import type { Principal } from '../../shared/roles';
import { createDepartment } from '../../tenants/people';
import { seedAccounts } from '../support/accounts';
import { tierWorld, U } from '../support/tier-world';

const LETTER = {
  type: 'suggestion',
  category: 'education',
  mailbox: true,
  publishConsent: true,
  text: '尊敬的领导：我是西溪街道居民张小华，电话13900001111。建议在街道辖区增设一所公办幼儿园，现在附近孩子入园要跑很远。',
  caller: { name: '张小华' },
};

async function world() {
  const w = await tierWorld();
  const admin = w.people[`admin@${U.township}`]!;
  const office = await createDepartment(w.deps, admin, U.township, { name: '党政办（领导办公室）' });
  const edu = await createDepartment(w.deps, admin, U.township, { name: '社会事务办' });
  const set = await w.api(putSettingsOp, { params: { code: U.township }, body: { v: 0, tickets: { leaderOffice: office.id } }, token: w.token(`admin@${U.county}`) });
  expect(set.status, JSON.stringify(set.body)).toBe(200);
  const officer: Principal = { sub: 'officer', role: 'staff', unit: U.township, dept: office.id };
  const clerk: Principal = { sub: 'clerk', role: 'staff', unit: U.township, dept: edu.id };
  await seedAccounts(w.store, [officer, clerk]);
  const writer: Principal = { sub: 'writer', role: 'citizen', unit: U.township };
  return { ...w, edu: edu.id, officer: await w.sign(officer), clerk: await w.sign(clerk), writer: await w.sign(writer) };
}

describe('the leader mailbox', () => {
  it('goes through the loop with the leader’s office as dispatcher, and is published without personal data', async () => {
    const w = await world();
    const filed = await w.api(fileTicketOp, { params: { code: U.township }, body: LETTER, token: w.writer });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body).toMatchObject({ channel: 'mailbox', mailbox: true });
    const id = filed.body.id as string;
    const act = (token: string, body: object) => w.api(actOnTicketOp, { params: { code: U.township, id }, body, token });
    // Staff outside the office do not dispatch letters to the leadership.
    expect((await act(w.token(`staff@${U.township}`), { action: 'accept' })).status).toBe(404);
    expect((await act(w.officer, { action: 'accept' })).status).toBe(200);
    expect((await act(w.officer, { action: 'dispatch', to: { dept: w.edu } })).status).toBe(200);
    expect((await act(w.clerk, { action: 'sign' })).status).toBe(200);
    const publishEarly = await w.api(publishLetterOp, { params: { code: U.township, id }, body: {}, token: w.officer });
    expect(publishEarly.status).toBe(422);
    expect((await act(w.clerk, { action: 'answer', note: '感谢张小华的建议。街道已将新建公办幼儿园列入明年计划，联系电话0571-87654321。' })).status).toBe(200);
    expect((await w.api(publishLetterOp, { params: { code: U.township, id }, body: {}, token: w.clerk })).status).toBe(403);

    const published = await w.api(publishLetterOp, { params: { code: U.township, id }, body: {}, token: w.officer });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const qa = published.body;
    expect(qa.question).not.toContain('张小华');
    expect(qa.question).not.toContain('13900001111');
    expect(qa.question).toContain('某某');
    expect(qa.answer).not.toContain('张小华');
    expect(qa.answer).not.toContain('87654321');
    expect((await w.api(publishLetterOp, { params: { code: U.township, id }, body: {}, token: w.officer })).status).toBe(409);

    const list = await w.api(listLettersOp, { params: { code: U.township }, query: {} });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([qa]);
    expect((await listPublishedQa(w.store, U.township, 10)).items).toEqual([qa]);
  });

  it('publishes nothing the writer did not agree to', async () => {
    const w = await world();
    const filed = await w.api(fileTicketOp, { params: { code: U.township }, body: { ...LETTER, publishConsent: false }, token: w.writer });
    const id = filed.body.id as string;
    const act = (token: string, body: object) => w.api(actOnTicketOp, { params: { code: U.township, id }, body, token });
    await act(w.officer, { action: 'accept' });
    await act(w.officer, { action: 'dispatch', to: { dept: w.edu } });
    await act(w.clerk, { action: 'sign' });
    await act(w.clerk, { action: 'answer', note: '已答复' });
    const before = w.snapshot();
    const r = await w.api(publishLetterOp, { params: { code: U.township, id }, body: {}, token: w.officer });
    expect(r.status).toBe(422);
    expect(w.snapshot()).toBe(before);
    expect((await w.api(listLettersOp, { params: { code: U.township }, query: {} })).body.items).toEqual([]);
  });
});
