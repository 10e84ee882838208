import { getCase } from '../../functions/tiers/escalation';
import { KIND as ASSIGNMENT } from '../../functions/tiers/assignments';
import type { Deps } from '../../shared/deps';
import type { Principal } from '../../shared/roles';
import { seedAccounts } from '../support/accounts';
import type { Api } from './api';
import { summary } from './stats';

// 清波门社区 and the units above it, village first.
const CHAIN = ['330102001051', '330102001000', '330102000000', '330100000000', '330000000000'] as const;
const POLL_MS = 10;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`escalation bench: ${what} not reached in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export interface EscalationFigures {
  rounds: number;
  /** From the village's escalate request until the province holds the case, staff at each tier acting at once. */
  endToEnd: { medianMs: number; p99Ms: number; maxMs: number };
  /** One hop: from an escalate request until the parent holds the case. */
  hop: { medianMs: number; p99Ms: number };
}

/**
 * A case escalated from a village to the province, hop by hop, through the API and the running tier transport:
 * the township assigns a task to the village (so the village holds a case), then staff of the village, township,
 * county and city each escalate it as soon as their unit holds it. Needs the 浙江省 units in the registry and the
 * transport running (relay, inbox consumers).
 */
export async function escalationLatency(api: Api, deps: Pick<Deps, 'store'>, rounds = 25): Promise<EscalationFigures> {
  const staff = CHAIN.map((unit): Principal => ({ sub: `bench-escalation-${unit}`, role: 'staff', unit }));
  await seedAccounts(deps.store, staff);
  const tokens = await Promise.all(staff.map((p) => api.token(p)));
  const holds = async (unit: string, id: string) => Boolean(await getCase(deps as Deps, unit, ASSIGNMENT, id));
  const totals: number[] = [];
  const hops: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const { id } = await api.call<{ id: string }>('POST', `/v1/units/${CHAIN[1]}/assignments`, {
      token: tokens[1],
      body: { title: `基准交办 ${round}`, body: '请核实后办理', assignees: [CHAIN[0]], workingDays: 5 },
      expect: 201,
    });
    await until(`the village holding assignment ${id}`, () => holds(CHAIN[0], id));
    const t0 = performance.now();
    for (let i = 0; i < CHAIN.length - 1; i++) {
      const h0 = performance.now();
      await api.call('POST', `/v1/units/${CHAIN[i]}/cases/${ASSIGNMENT}/${id}/actions`, {
        token: tokens[i],
        body: { action: 'escalate', note: '本级无法办结，请上级协调' },
        expect: 200,
      });
      await until(`${CHAIN[i + 1]} holding assignment ${id}`, () => holds(CHAIN[i + 1]!, id));
      hops.push(performance.now() - h0);
    }
    totals.push(performance.now() - t0);
  }
  const end = summary(totals);
  const hop = summary(hops);
  return {
    rounds,
    endToEnd: { medianMs: Math.round(end.median), p99Ms: Math.round(end.p99), maxMs: Math.round(Math.max(...totals)) },
    hop: { medianMs: Math.round(hop.median), p99Ms: Math.round(hop.p99) },
  };
}
