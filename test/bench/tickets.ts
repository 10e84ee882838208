// Tickets: the loop over many tickets across a tree (throughput, store requests per step), the duplicate lookup's
// time per new ticket at two sizes of the province's open tickets, and precision and recall on the labelled pairs.
// In process, through the whole pipeline, on the in-memory store behind a counter: the figures are the platform's
// own work and its requests to the store port (each one DynamoDB request: GetItem, BatchGetItem of at most 100 keys,
// Query or TransactWriteItems), not DynamoDB's latency.
import { actOnTicketOp, fileTicketOp, rateTicketOp } from '../../functions/tickets/api';
import { indexWrites, suggestDuplicates } from '../../functions/tickets/duplicates';
import type { Category, Ticket } from '../../functions/tickets/model';
import { CATEGORY_CODES } from '../../functions/tickets/model';
import type { Principal } from '../../shared/roles';
import { MemoryStore } from '../../shared/store/memory-store';
import type { Store } from '../../shared/store/store';
import { createDepartment } from '../../tenants/people';
import { unitItem } from '../../tenants/unit';
import { newUnit } from '../../tenants/units';
import { seedAccounts } from '../support/accounts';
import { LABELLED_PAIRS, scoreLabelledPairs } from '../support/duplicate-pairs';
import { inProcessApi } from '../support/in-process-api';
import { memoryDeps } from '../support/memory-deps';
import { testTokens } from '../support/tokens';
import type { Verdict } from './report';
import { summary } from './stats';

type Print = (line: string) => void;
const OPS = ['get', 'getMany', 'query', 'transact', 'write'] as const;
type Op = (typeof OPS)[number];

/** Counts the store port's calls, by kind. */
function counting(store: Store) {
  const counts: Record<Op, number> = { get: 0, getMany: 0, query: 0, transact: 0, write: 0 };
  const counted = new Proxy(store, {
    get: (target, key) => {
      const f = Reflect.get(target, key) as (...a: unknown[]) => unknown;
      if (!(OPS as readonly string[]).includes(key as string)) return typeof f === 'function' ? f.bind(target) : f;
      return (...a: unknown[]) => {
        counts[key as Op]++;
        return f.apply(target, a);
      };
    },
  });
  const take = () => {
    const out = { ...counts };
    for (const k of OPS) counts[k] = 0;
    return out;
  };
  return { counted, take };
}

/** A province, 2 cities, 2 counties each, 2 townships each, 4 villages each: 8 dispatching townships, 32 villages. */
function tree() {
  const units: [string, string, string | undefined][] = [['330000000000', '浙江省', undefined]];
  const townships: { code: string; villages: string[] }[] = [];
  for (const c of ['01', '02']) {
    const city = `33${c}00000000`;
    units.push([city, `市${c}`, '330000000000']);
    for (const k of ['02', '03']) {
      const county = `33${c}${k}000000`;
      units.push([county, `县${c}${k}`, city]);
      for (const t of ['001', '002']) {
        const township = `33${c}${k}${t}000`;
        units.push([township, `镇${t}`, county]);
        const villages = ['201', '202', '203', '204'].map((v) => `33${c}${k}${t}${v}`);
        for (const v of villages) units.push([v, `村${v}`, township]);
        townships.push({ code: township, villages });
      }
    }
  }
  return { units, townships };
}

const STEPS = ['file', 'accept', 'dispatch', 'sign', 'answer', 'callback', 'rate', 'complete'] as const;

async function loop(tickets: number, print: Print) {
  const { deps } = memoryDeps(() => new Date());
  const { counted, take } = counting(deps.store);
  const at = new Date().toISOString();
  const { units, townships } = tree();
  await deps.store.putMany('registry', units.map(([code, name, parent]) => unitItem(newUnit(code, name, parent, at))));
  const t = await testTokens();
  const roles = new Map<string, { dispatcher: string; clerk: string; dept: string; villages: Map<string, string> }>();
  for (const tw of townships) {
    const admin: Principal = { sub: `admin-${tw.code}`, role: 'unit-admin', unit: tw.code };
    await seedAccounts(deps.store, [admin]);
    const dept = await createDepartment(deps, admin, tw.code, { name: '城管科' });
    const clerk: Principal = { sub: `clerk-${tw.code}`, role: 'staff', unit: tw.code, dept: dept.id };
    const villageStaff = tw.villages.map((v): Principal => ({ sub: `staff-${v}`, role: 'staff', unit: v }));
    await seedAccounts(deps.store, [clerk, ...villageStaff]);
    roles.set(tw.code, {
      dispatcher: await t.sign(admin),
      clerk: await t.sign(clerk),
      dept: dept.id,
      villages: new Map(await Promise.all(villageStaff.map(async (p) => [p.unit, await t.sign(p)] as const))),
    });
  }
  const api = await inProcessApi({ ...deps, store: counted }, t.verifier);
  const citizen = await t.sign({ sub: 'bench-citizen', role: 'citizen', unit: '330000000000' });
  const perStep = new Map<string, number[]>(STEPS.map((s) => [s, []]));
  const must = (r: { status: number; body: unknown }, want: number, what: string) => {
    if (r.status !== want) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body as Record<string, unknown>;
  };
  const total = (c: Record<Op, number>) => OPS.reduce((n, k) => n + c[k], 0);
  const byKind: Record<string, Record<Op, number>> = {};
  take();
  const t0 = performance.now();
  for (let i = 0; i < tickets; i++) {
    const tw = townships[i % townships.length]!;
    const r = roles.get(tw.code)!;
    const toVillage = i % 2 === 1 ? tw.villages[(i >> 1) % tw.villages.length]! : undefined;
    const handler = toVillage ? r.villages.get(toVillage)! : r.clerk;
    const step = async (name: (typeof STEPS)[number], run: () => Promise<unknown>) => {
      take();
      await run();
      const c = take();
      perStep.get(name)!.push(total(c));
      const sum = (byKind[name] ??= { get: 0, getMany: 0, query: 0, transact: 0, write: 0 });
      for (const k of OPS) sum[k] += c[k];
    };
    let id = '';
    const act = (token: string, body: object) => async () =>
      must(await api(actOnTicketOp, { params: { code: tw.code, id }, body, token }), 200, `${JSON.stringify(body)} on ${id}`);
    await step('file', async () => {
      const b = must(
        await api(fileTicketOp, {
          params: { code: tw.code },
          body: { type: 'complaint', category: CATEGORY_CODES[i % CATEGORY_CODES.length], text: `第${i}号诉求：小区门口路面破损，请尽快修复。`, location: { lat: 30 + (i % 100) * 0.01, lng: 120 + (i % 37) * 0.01 } },
          token: citizen,
        }),
        201,
        'file',
      );
      id = b.id as string;
    });
    await step('accept', act(r.dispatcher, { action: 'accept' }));
    await step('dispatch', act(r.dispatcher, { action: 'dispatch', to: toVillage ? { unit: toVillage } : { dept: r.dept } }));
    await step('sign', act(handler, { action: 'sign' }));
    await step('answer', act(handler, { action: 'answer', note: '已修复' }));
    await step('callback', act(r.dispatcher, { action: 'callback', note: '已回访' }));
    await step('rate', async () => must(await api(rateTicketOp, { params: { code: tw.code, id }, body: { level: 5 }, token: citizen }), 200, 'rate'));
    await step('complete', act(r.dispatcher, { action: 'complete' }));
  }
  const ms = performance.now() - t0;
  const steps = STEPS.map((s) => {
    const xs = perStep.get(s)!;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const k = byKind[s]!;
    return {
      step: s,
      mean,
      max: Math.max(...xs),
      byKind: Object.fromEntries(OPS.map((o) => [o, k[o] / xs.length])) as Record<Op, number>,
    };
  });
  print(`  the loop, ${tickets} tickets over ${townships.length} townships (half to a department, half to a village): ${((tickets / ms) * 1000).toFixed(1)} tickets/s, ${(((tickets * STEPS.length) / ms) * 1000).toFixed(0)} steps/s`);
  for (const s of steps) {
    const kinds = OPS.filter((o) => s.byKind[o] > 0).map((o) => `${o} ${s.byKind[o].toFixed(2)}`).join(', ');
    print(`    ${s.step.padEnd(9)} ${s.mean.toFixed(2)} store requests (max ${s.max}): ${kinds}`);
  }
  return { tickets, ms, ticketsPerSecond: (tickets / ms) * 1000, steps };
}

/** Open tickets spread over the province, `n` of them, straight into the duplicate index (the only part the lookup reads). */
function openTickets(n: number, seed: number): Pick<Ticket, 'id' | 'home' | 'category' | 'title' | 'text' | 'location' | 'createdAt'>[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  const things = ['路灯', '井盖', '垃圾桶', '下水道', '红绿灯', '电梯', '围墙', '公厕', '人行道', '绿化带'];
  const problems = ['坏了', '不亮', '堵塞', '破损', '漏水', '有异味', '占道', '倒塌'];
  return Array.from({ length: n }, (_, i) => {
    // 90 counties of 11 cities (the shape of 浙江省), a village code under each.
    const city = 1 + Math.floor(rnd() * 11);
    const county = 2 + Math.floor(rnd() * 8);
    const home = `33${String(city).padStart(2, '0')}${String(county).padStart(2, '0')}001201`;
    const t = `${things[Math.floor(rnd() * things.length)]}${problems[Math.floor(rnd() * problems.length)]}`;
    return {
      id: `01KB${String(i).padStart(22, '0')}`,
      home,
      category: CATEGORY_CODES[Math.floor(rnd() * CATEGORY_CODES.length)]!,
      title: t,
      text: `${t}，第${i}号`,
      location: { lat: 28 + rnd() * 3, lng: 118.5 + rnd() * 3 },
      createdAt: new Date(Date.parse('2026-03-02T01:00:00Z') - rnd() * 20 * 86_400_000).toISOString(),
    };
  });
}

/** The probe's own neighbourhood, the same at every size: 200 open tickets of its county, 50 in its category nearby. */
const PROBE_HOME = '330106004001';
function neighbourhood() {
  return Array.from({ length: 200 }, (_, i) => ({
    id: `01KC${String(i).padStart(22, '0')}`,
    home: PROBE_HOME,
    category: (i < 50 ? 'streetlight' : CATEGORY_CODES[i % CATEGORY_CODES.length]) as Category,
    title: '路灯不亮',
    text: i < 50 ? `文三路第${i}盏路灯晚上不亮` : `第${i}号其他诉求`,
    location: { lat: 30.2741 + (i % 20) * 0.0004, lng: 120.1551 + (i % 10) * 0.0004 },
    createdAt: new Date(Date.parse('2026-03-02T01:00:00Z') - i * 3_600_000).toISOString(),
  }));
}

async function lookupAt(size: number, probes: number) {
  const store = new MemoryStore();
  const all = [...neighbourhood(), ...openTickets(size - 200, size)];
  for (let i = 0; i < all.length; i += 1000) {
    const byTable = new Map<string, Record<string, unknown>[]>();
    for (const t of all.slice(i, i + 1000)) for (const w of indexWrites(t, 'put')) if (w.op === 'put') (byTable.get(w.table) ?? byTable.set(w.table, []).get(w.table)!).push(w.item);
    for (const [table, items] of byTable) await store.putMany(table as never, items as never);
  }
  const { counted, take } = counting(store);
  const times: number[] = [];
  const reads: number[] = [];
  // The first lookups of a run pay for the JIT: untimed.
  for (let i = -50; i < probes; i++) {
    const probe = { id: `01KD${String(i).padStart(22, '0')}`, home: PROBE_HOME, category: 'streetlight' as const, title: '路灯', text: '文三路学院路口路灯晚上都不亮', location: { lat: 30.2745, lng: 120.1556 }, createdAt: '2026-03-02T02:00:00.000Z' };
    take();
    const t0 = performance.now();
    await suggestDuplicates({ store: counted }, probe);
    if (i < 0) continue;
    times.push(performance.now() - t0);
    reads.push(take().query);
  }
  return { size, ...summary(times), queries: Math.max(...reads) };
}

/** The labelled pairs through the index itself: the first filed, the second looked up against it. */
async function endToEnd() {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [i, p] of LABELLED_PAIRS.entries()) {
    const store = new MemoryStore();
    const side = (s: (typeof p)['a'], id: string, createdAt: string) => ({
      id,
      home: PROBE_HOME,
      category: s.category as Category,
      title: '',
      text: s.text,
      ...(s.lat !== undefined ? { location: { lat: s.lat, lng: s.lng! } } : {}),
      createdAt,
    });
    const a = side(p.a, `01KE${String(i).padStart(22, '0')}`, '2026-03-01T00:00:00.000Z');
    await store.transact(indexWrites(a, 'put'));
    const b = side(p.b, `01KF${String(i).padStart(22, '0')}`, new Date(Date.parse(a.createdAt) + p.hoursApart * 3_600_000).toISOString());
    const found = (await suggestDuplicates({ store }, b)).some((s) => s.id === a.id);
    if (found && p.duplicate) tp++;
    if (found && !p.duplicate) fp++;
    if (!found && p.duplicate) fn++;
  }
  return { precision: tp / (tp + fp), recall: tp / (tp + fn) };
}

export async function ticketFigures(print: Print) {
  print('\nTickets (in process, the whole pipeline on the in-memory store; requests are calls of the store port)');
  // 2,000 by default: on two shared cores the loop runs at about 10-20 tickets a second in process; BENCH_TICKETS=10000 for the figure.
  const n = Number(process.env.BENCH_TICKETS ?? 2_000);
  const loopFigures = await loop(n, print);
  const sizes = (process.env.BENCH_TICKETS_OPEN ?? '10000,100000').split(',').map(Number);
  const lookups: Awaited<ReturnType<typeof lookupAt>>[] = [];
  for (const size of sizes) {
    const r = await lookupAt(size, 300);
    lookups.push(r);
    print(`  duplicate suggestions with ${size.toLocaleString('en')} open tickets in the province: median ${r.median.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, ${r.queries} queries per new ticket`);
  }
  const pairs = scoreLabelledPairs();
  const e2e = await endToEnd();
  print(`  labelled pairs (${pairs.pairs}): precision ${pairs.precision.toFixed(3)}, recall ${pairs.recall.toFixed(3)} by the score alone; ${e2e.precision.toFixed(3)} and ${e2e.recall.toFixed(3)} through the index`);
  const ratio = lookups.at(-1)!.median / lookups[0]!.median;
  const maxStep = Math.max(...loopFigures.steps.map((s) => s.max));
  const verdicts: Verdict[] = [
    { figure: 'tickets: store requests per step (most in any step)', target: '≤ 12, whatever the number of tickets', measured: String(maxStep), pass: maxStep <= 12 },
    {
      figure: `tickets: duplicate lookup, ${sizes.at(-1)} vs ${sizes[0]} open tickets`,
      target: 'same queries; median within 2×',
      measured: `${lookups.map((l) => l.queries).join(' vs ')} queries; ${ratio.toFixed(2)}×`,
      pass: ratio <= 2 && lookups.every((l) => l.queries === lookups[0]!.queries),
    },
    { figure: 'tickets: duplicate precision / recall (labelled pairs)', target: '≥ 0.85 / ≥ 0.8', measured: `${pairs.precision.toFixed(3)} / ${pairs.recall.toFixed(3)}`, pass: pairs.precision >= 0.85 && pairs.recall >= 0.8 },
  ];
  return { figures: { loop: loopFigures, lookups, pairs: { precision: pairs.precision, recall: pairs.recall, throughIndex: e2e } }, verdicts };
}
