import { levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import type { Principal } from '../../shared/roles';
import { MemoryStore } from '../../shared/store/memory-store';
import { tierMessageSchema, type TierMessage } from '../../shared/tiers/message';
import { EFFECTS } from '../../functions/tiers/effects';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from './accounts';
import { inProcessApi } from './in-process-api';
import { memoryDeps } from './memory-deps';
import { testTokens } from './tokens';

/** A small tree of Zhejiang with a second county beside the first, as units on the in-memory store. */
export const U = {
  province: '330000000000',
  city: '330100000000',
  county: '330106000000',
  township: '330106004000',
  village: '330106004001',
  village2: '330106004002',
  village3: '330106004003',
  otherCounty: '330102000000',
  otherTownship: '330102001000',
  otherVillage: '330102001001',
} as const;

const NAMES: Record<string, string> = {
  [U.province]: '浙江省', [U.city]: '杭州市', [U.county]: '西湖区', [U.township]: '西溪街道', [U.village]: '一村', [U.village2]: '二村',
  [U.village3]: '三村', [U.otherCounty]: '上城区', [U.otherTownship]: '清波街道', [U.otherVillage]: '清波村',
};
const PARENT: Record<string, string | undefined> = {
  [U.city]: U.province, [U.county]: U.city, [U.township]: U.county, [U.village]: U.township, [U.village2]: U.township,
  [U.village3]: U.township, [U.otherCounty]: U.city, [U.otherTownship]: U.otherCounty, [U.otherVillage]: U.otherTownship,
};

/**
 * The tree, staff at every unit (a staff member and a unit admin each, an auditor at the province), the API in
 * process, and a hand-driven transport: messages waiting in the outboxes are found and applied through the effects
 * exactly as the consumer would, in whatever order and as often as a test likes.
 */
export async function tierWorld(start = '2026-03-02T01:00:00Z', extra: Record<string, Principal> = {}) {
  let clock = new Date(start);
  const { deps, objects } = memoryDeps(() => clock);
  const store = deps.store as MemoryStore;
  const at = clock.toISOString();
  await store.putMany('registry', Object.values(U).map((code) => unitItem(newUnit(code, NAMES[code]!, PARENT[code], at))));
  const people: Record<string, Principal> = {};
  for (const code of Object.values(U)) {
    people[`staff@${code}`] = { sub: `staff-${code}`, role: 'staff', unit: code };
    people[`admin@${code}`] = { sub: `admin-${code}`, role: code === U.province ? 'province-admin' : 'unit-admin', unit: code };
  }
  people.auditor = { sub: 'auditor', role: 'auditor', unit: U.province };
  Object.assign(people, extra);
  await seedAccounts(store, Object.values(people));
  const t = await testTokens();
  const api = await inProcessApi(deps, t.verifier);
  const tokens = new Map<string, string>();
  for (const [k, p] of Object.entries(people)) tokens.set(k, await t.sign(p));
  const token = (who: string) => tokens.get(who)!;

  const delivered = new Set<string>();
  /** Messages in the outboxes of every unit of the tree that this transport has not delivered yet, oldest first. */
  async function pending(): Promise<TierMessage[]> {
    const out: TierMessage[] = [];
    for (const code of Object.values(U)) {
      const page = await store.query({ table: levelOf(code), pk: `${prefixOf(code)}#outbox`, limit: 1000 });
      out.push(...page.items.map((i) => tierMessageSchema.parse(i.message)).filter((m) => !delivered.has(m.id)));
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  /** Applies one message's effect, all its writes in one transaction, as the consumer does (minus its processed-id record). */
  async function apply(m: TierMessage) {
    const effect = EFFECTS[m.kind];
    if (!effect) throw new Error(`no effect for ${m.kind}`);
    await store.transact(await effect(deps, m));
    delivered.add(m.id);
  }
  /** Delivers until nothing is waiting (effects may send messages on). */
  async function settle() {
    for (let round = 0; round < 10; round++) {
      const waiting = await pending();
      if (waiting.length === 0) return;
      for (const m of waiting) await apply(m);
    }
    throw new Error('messages keep coming');
  }
  const snapshot = () => JSON.stringify([...store['tables']].map(([t, m]) => [t, [...m.entries()]]));
  const setClock = (iso: string) => void (clock = new Date(iso));
  /** A token for anyone else (citizens, staff of a department), whose account a test seeds itself. */
  const sign = (p: Principal) => t.sign(p);
  return { deps: deps as Deps, store, api, token, sign, people, pending, apply, settle, snapshot, setClock, objects };
}
