import { describe, expect, it } from 'vitest';
import { sumRange } from '../../functions/stats/rollup';
import { actOnTicket, fileTicket } from '../../functions/tickets/tickets';
import type { Principal } from '../../shared/roles';
import { tierWorld, U } from '../support/tier-world';

const CITIZEN: Principal = { sub: 'citizen-1', role: 'citizen', unit: U.village };

/** Filed to the township, dispatched to a village, signed for there and answered at `answerAt`. */
async function answered(w: Awaited<ReturnType<typeof tierWorld>>, mailbox: boolean, answerAt: string) {
  const { ticket } = await fileTicket(w.deps, U.township, { type: 'suggestion', category: 'social', text: '建议社区食堂增加送餐上门服务。', mailbox }, { actor: CITIZEN, channel: mailbox ? 'mailbox' : 'online' });
  const office = w.people[`admin@${U.township}`]!;
  const village = w.people[`admin@${U.village}`]!;
  await actOnTicket(w.deps, office, U.township, ticket.id, { action: 'accept' });
  await actOnTicket(w.deps, office, U.township, ticket.id, { action: 'dispatch', to: { unit: U.village } });
  await actOnTicket(w.deps, village, U.township, ticket.id, { action: 'sign' });
  w.setClock(answerAt);
  await actOnTicket(w.deps, village, U.township, ticket.id, { action: 'answer', note: '已安排。' });
  return ticket.id;
}

describe("a unit's interaction record", () => {
  it('counts letters and tickets received and first answered at the unit written to, on time or not, with the minutes taken', async () => {
    const w = await tierWorld('2026-03-02T01:00:00Z');
    await answered(w, true, '2026-03-02T03:30:00Z');
    w.setClock('2026-03-02T01:00:00Z');
    await answered(w, false, '2026-05-04T01:00:00Z');
    // One more ticket, never answered.
    w.setClock('2026-03-03T01:00:00Z');
    await fileTicket(w.deps, U.township, { type: 'complaint', category: 'noise', text: '夜间施工噪声扰民。' }, { actor: CITIZEN, channel: 'online' });
    await w.settle();
    const { own, subtree } = await sumRange(w.store, U.township, '2026-01-01', '2026-12-31');
    expect(own).toMatchObject({
      'letter-received': 1,
      'letter-answered': 1,
      'letter-answered-on-time': 1,
      'letter-answer-minutes': 150,
      'ticket-received': 2,
      'ticket-answered': 1,
      'ticket-answered-on-time': 0,
      'ticket-answer-minutes': 63 * 24 * 60,
    });
    // The village that answered is not the unit written to; the county sees its subtree's.
    expect((await sumRange(w.store, U.village, '2026-01-01', '2026-12-31')).own['ticket-answered']).toBe(0);
    expect((await sumRange(w.store, U.county, '2026-01-01', '2026-12-31')).subtree['ticket-received']).toBe(2);
    expect(subtree['letter-answered']).toBe(1);
  });
});
