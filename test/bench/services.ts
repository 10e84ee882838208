import { prepare } from '../../functions/services/applications';
import { getItem, type ItemInput } from '../../functions/services/catalog';
import { levelOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { residentIdCheckChar } from '../../shared/identity-codes';
import type { Principal } from '../../shared/roles';
import { createDynamoStore } from '../../shared/store/dynamo-store';
import type { Item, Store } from '../../shared/store/store';
import { deptKey } from '../../tenants/people';
import { unitItem } from '../../tenants/unit';
import { newUnit } from '../../tenants/units';
import { seedAccounts } from '../support/accounts';
import type { Api } from './api';
import { totalOf, type CountingProxy, type OpCounts } from './ddb-proxy';
import type { Verdict } from './report';
import { uploaded } from './uploads';
import { summary } from './stats';

type Measure = <T>(route: string, what: string, call: () => Promise<T>) => Promise<T>;
type Print = (line: string) => void;

const PROVINCE = '330000000000';
const ID_BODY = '33010619900307002';
const applicant = { name: '测试申请人', idNumber: ID_BODY + residentIdCheckChar(ID_BODY), phone: '13800138000' };
const form = { applicantName: '测试申请人', babyName: '测试', birthDate: '2026-02-20' };
const deptOf = (unit: string) => `01HZZZZZZZA${unit}000`.slice(0, 26);

const item = (code: string, deptId: string): ItemInput => ({
  code,
  name: '基准测试事项出生登记',
  type: 'public-service',
  competentDepartment: '省卫生健康委员会',
  deptId,
  legalBasis: '基准测试',
  conditions: '基准测试',
  materials: [],
  fee: '不收费',
  statutoryDays: 20,
  promisedDays: 5,
  kind: 'promised',
  online: 'online',
  lifeEvents: ['birth'],
  businessStages: [],
  form: [
    { name: 'applicantName', label: '申请人姓名', type: 'text', required: true },
    { name: 'babyName', label: '新生儿姓名', type: 'text', required: true },
    { name: 'birthDate', label: '出生日期', type: 'date', required: true },
  ],
});

/** A department item at `unit`, as its admin's POST would have written it. */
const deptItem = (unit: string, at: string): Item => ({ ...deptKey(unit, deptOf(unit)), id: deptOf(unit), unit, name: '行政审批科', status: 'active', createdAt: at, updatedAt: at, v: 1 });

/** Callers of a unit's services: its admin (defines, adopts) and a clerk of its department (works applications). */
async function unitCallers(api: Api, store: Store, units: string[]) {
  const province = units[0]!;
  const at = new Date().toISOString();
  for (const u of units) await store.write({ op: 'put', table: levelOf(u), item: deptItem(u, at) });
  const admin = (u: string): Principal => ({ sub: `bench-svc-admin-${u}`, role: u === province ? 'province-admin' : 'unit-admin', unit: u });
  const clerk = (u: string): Principal => ({ sub: `bench-svc-clerk-${u}`, role: 'staff', unit: u, dept: deptOf(u) });
  await seedAccounts(store, units.flatMap((u) => [admin(u), clerk(u)]));
  const tokens = new Map<string, string>();
  for (const u of units) {
    tokens.set(`admin@${u}`, await api.token(admin(u)));
    tokens.set(`clerk@${u}`, await api.token(clerk(u)));
  }
  return (who: string) => tokens.get(who)!;
}

/** Every services route once, on the imported 浙江省 tree, for the requests-per-route table. */
export async function servicesRoutes(api: Api, measure: Measure) {
  const store = await createDynamoStore();
  const COUNTY = '330106000000'; // 西湖区
  const VILLAGE = '330106002051'; // 上保社区, under 北山街道
  const token = await unitCallers(api, store, [PROVINCE, COUNTY]);
  const citizen = await api.token({ sub: 'bench-svc-citizen', role: 'citizen', unit: VILLAGE });
  const code = 'BENCH-ROUTES-1';
  const other = 'BENCH-ROUTES-2';
  await measure('POST /v1/units/{code}/service-items', 'at the province', () =>
    api.call('POST', `/v1/units/${PROVINCE}/service-items`, { token: token(`admin@${PROVINCE}`), body: item(code, deptOf(PROVINCE)), expect: 201 }),
  );
  await api.call('POST', `/v1/units/${PROVINCE}/service-items`, { token: token(`admin@${PROVINCE}`), body: { ...item(other, deptOf(PROVINCE)), form: [item('x', 'x').form[0]] }, expect: 201 });
  const { code: _c, ...content } = item(code, deptOf(PROVINCE));
  await measure('PUT /v1/units/{code}/service-items/{item}', 'a new fee', () =>
    api.call('PUT', `/v1/units/${PROVINCE}/service-items/${code}`, { token: token(`admin@${PROVINCE}`), body: { ...content, fee: '免费', v: 1 }, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/service-items/{item}', 'the definer', () =>
    api.call('GET', `/v1/units/${PROVINCE}/service-items/${code}`, { token: token(`admin@${PROVINCE}`), expect: 200 }),
  );
  const local = { deptId: deptOf(COUNTY), address: '西湖区政务服务中心', hours: '工作日', promisedDays: 3 };
  await measure('PUT /v1/units/{code}/adoptions/{definer}/{item}', 'a county adopts', () =>
    api.call('PUT', `/v1/units/${COUNTY}/adoptions/${PROVINCE}/${code}`, { token: token(`admin@${COUNTY}`), body: { v: 0, ...local }, expect: 200 }),
  );
  await api.call('PUT', `/v1/units/${COUNTY}/adoptions/${PROVINCE}/${other}`, { token: token(`admin@${COUNTY}`), body: { v: 0, ...local }, expect: 200 });
  await measure('GET /v1/units/{code}/adoptions/{definer}/{item}', 'with what changed', () =>
    api.call('GET', `/v1/units/${COUNTY}/adoptions/${PROVINCE}/${code}`, { token: token(`admin@${COUNTY}`), expect: 200 }),
  );
  await measure('POST /v1/units/{code}/adoptions/{definer}/{item}/seen', 'up to rev 2', () =>
    api.call('POST', `/v1/units/${COUNTY}/adoptions/${PROVINCE}/${code}/seen`, { token: token(`admin@${COUNTY}`), body: { rev: 2 }, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/catalog', 'a village, by life event (five units, four levels of adoptions)', () =>
    api.call('GET', `/v1/units/${VILLAGE}/catalog?life=birth`, { expect: 200 }),
  );
  await measure('GET /v1/units/{code}/catalog', 'a village, by two words', () =>
    api.call('GET', `/v1/units/${VILLAGE}/catalog?q=${encodeURIComponent('出生 登记')}`, { expect: 200 }),
  );
  await measure('GET /v1/units/{code}/catalog/{definer}/{item}', 'the guide at a village', () =>
    api.call('GET', `/v1/units/${VILLAGE}/catalog/${PROVINCE}/${code}`, { expect: 200 }),
  );
  const submit = () => api.call<{ id: string; ref: string }>('POST', `/v1/units/${COUNTY}/applications`, { token: citizen, body: { definer: PROVINCE, item: code, form, applicant }, expect: 201 });
  const a = await measure('POST /v1/units/{code}/applications', 'a citizen at a county', submit);
  const clerk = token(`clerk@${COUNTY}`);
  const step = (id: string, action: string, extra = {}) =>
    api.call('POST', `/v1/units/${COUNTY}/applications/${id}/steps`, { token: clerk, body: { action, reason: '基准', ...extra }, expect: 200 });
  await measure('GET /v1/units/{code}/applications/{id}', 'the applicant', () => api.call('GET', `/v1/units/${COUNTY}/applications/${a.id}`, { token: citizen, expect: 200 }));
  const scan = await uploaded(api, citizen, COUNTY, 'application', '出生医学证明.pdf', 'application/pdf');
  const withFile = await api.call<{ id: string }>('POST', `/v1/units/${COUNTY}/applications`, { token: citizen, body: { definer: PROVINCE, item: code, form, applicant, attachments: [scan] }, expect: 201 });
  await measure('GET /v1/units/{code}/applications/{id}/attachments/{n}', 'the handling clerk, a download link', () =>
    api.call('GET', `/v1/units/${COUNTY}/applications/${withFile.id}/attachments/0`, { token: clerk, expect: 200 }),
  );
  await measure('POST /v1/units/{code}/applications/{id}/steps', 'accept', () => step(a.id, 'accept'));
  for (const s of ['review', 'approve']) await step(a.id, s);
  const done = await step(a.id, 'complete') as { result: { verificationCode: string } };
  const b = await submit();
  await step(b.id, 'request-supplement', { missing: ['材料'] });
  await measure('POST /v1/units/{code}/applications/{id}/supplement', 'the clock runs on', () =>
    api.call('POST', `/v1/units/${COUNTY}/applications/${b.id}/supplement`, { token: citizen, body: { form: {}, note: '已补正' }, expect: 200 }),
  );
  await measure('GET /v1/progress', 'by reference number and name', () =>
    api.call('GET', `/v1/progress?ref=${a.ref}&name=${encodeURIComponent(applicant.name)}`, { expect: 200 }),
  );
  await measure('GET /v1/results/{ref}', 'a verification code', () => api.call('GET', `/v1/results/${a.ref}?code=${done.result.verificationCode}`, { expect: 200 }));
  await measure('GET /v1/my/applications', 'first page', () => api.call('GET', '/v1/my/applications', { token: citizen, expect: 200 }));
  await measure('GET /v1/units/{code}/departments/{dept}/worklist', 'first page', () =>
    api.call('GET', `/v1/units/${COUNTY}/departments/${deptOf(COUNTY)}/worklist`, { token: clerk, expect: 200 }),
  );
  await measure('POST /v1/units/{code}/applications/{id}/rating', '不满意: opens a rectification', () =>
    api.call('POST', `/v1/units/${COUNTY}/applications/${a.id}/rating`, { token: citizen, body: { level: 'dissatisfied' }, expect: 200 }),
  );
  await measure('POST /v1/units/{code}/rectifications/{id}', 'call back', () =>
    api.call('POST', `/v1/units/${COUNTY}/rectifications/${a.id}`, { token: clerk, body: { step: 'callback', note: '已回访' }, expect: 200 }),
  );
  const bundle = { id: 'bench', name: '基准一件事', description: '两项', items: [{ definer: PROVINCE, item: code }, { definer: PROVINCE, item: other }] };
  await measure('POST /v1/units/{code}/bundles', 'two items', () =>
    api.call('POST', `/v1/units/${COUNTY}/bundles`, { token: token(`admin@${COUNTY}`), body: bundle, expect: 201 }),
  );
  await measure('GET /v1/units/{code}/bundles/{bundle}', 'with the combined form', () => api.call('GET', `/v1/units/${COUNTY}/bundles/bench`, { expect: 200 }));
  const sub = await measure('POST /v1/units/{code}/bundles/{bundle}/applications', 'two cases in one write', () =>
    api.call<{ id: string }>('POST', `/v1/units/${COUNTY}/bundles/bench/applications`, { token: citizen, body: { form, applicant }, expect: 201 }),
  );
  await measure('GET /v1/units/{code}/bundle-applications/{id}', 'tracked together', () =>
    api.call('GET', `/v1/units/${COUNTY}/bundle-applications/${sub.id}`, { token: citizen, expect: 200 }),
  );
}

// ---------------------------------------------------------------- the section

const STEPS = ['accept', 'review', 'approve', 'complete'] as const;

/** The section's own tree, under 贵州省's code so as to stay clear of the imported 浙江省: 4 cities, 5 counties each. */
const TREE = '520000000000';
function tree() {
  const at = new Date().toISOString();
  const cities = [1, 2, 3, 4].map((c) => `52${String(c).padStart(2, '0')}00000000`);
  const counties = cities.flatMap((c) => [1, 2, 3, 4, 5].map((k) => `${c.slice(0, 4)}${String(k).padStart(2, '0')}000000`));
  const units = [newUnit(TREE, '贵州省', undefined, at), ...cities.map((c) => newUnit(c, `市${c}`, TREE, at)), ...counties.map((k) => newUnit(k, `县${k}`, `${k.slice(0, 4)}00000000`, at))];
  return { counties, items: units.map(unitItem) };
}

async function pool<T>(n: number, width: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await work(i);
    }
  }));
  return out;
}

export interface PageFigures {
  store: number;
  myCases: { requests: number; ms: number };
  myCasesDeep: { requests: number; ms: number };
  worklist: { requests: number; ms: number };
}

/**
 * Submit → accept → review → approve → complete for many cases across 20 counties through the API (throughput, and
 * the DynamoDB requests of each step measured one at a time on an idle runtime), then "my cases" and a department
 * worklist at two store sizes: requests and latency per page.
 */
export async function servicesFigures(api: Api, proxy: CountingProxy, opts: { cases: number; sizes: number[]; log: (l: string) => void }) {
  const store = await createDynamoStore();
  const { counties, items } = tree();
  await store.putMany('registry', items);
  const token = await unitCallers(api, store, [TREE, ...counties]);
  const code = 'BENCH-SVC-1';
  await api.call('POST', `/v1/units/${TREE}/service-items`, { token: token(`admin@${TREE}`), body: item(code, deptOf(TREE)), expect: 201 });
  for (const c of counties) {
    await api.call('PUT', `/v1/units/${c}/adoptions/${TREE}/${code}`, { token: token(`admin@${c}`), body: { v: 0, deptId: deptOf(c), address: '政务服务中心', hours: '工作日' }, expect: 200 });
  }
  const citizens = await Promise.all(Array.from({ length: 50 }, (_, i) => api.token({ sub: `bench-svc-citizen-${i}`, role: 'citizen', unit: counties[i % counties.length]! })));
  const submit = (i: number) =>
    api.call<{ id: string }>('POST', `/v1/units/${counties[i % counties.length]}/applications`, { token: citizens[i % citizens.length]!, body: { definer: TREE, item: code, form, applicant }, expect: 201 });
  const act = (unit: string, id: string, action: string) =>
    api.call('POST', `/v1/units/${unit}/applications/${id}/steps`, { token: token(`clerk@${unit}`), body: { action, reason: '基准' }, expect: 200 });

  // Requests per step, one call at a time.
  const perStep: Record<string, OpCounts[]> = { submit: [], ...Object.fromEntries(STEPS.map((s) => [s, []])) };
  for (let i = 0; i < 5; i++) {
    proxy.take();
    const a = await submit(i);
    perStep.submit!.push(proxy.take());
    for (const s of STEPS) {
      await act(counties[i % counties.length]!, a.id, s);
      perStep[s]!.push(proxy.take());
    }
  }

  // Throughput: 16 applicants and clerks at once.
  opts.log(`services: ${opts.cases} cases through five steps`);
  proxy.take();
  const t0 = performance.now();
  await pool(opts.cases, 16, async (i) => {
    const a = await submit(i);
    for (const s of STEPS) await act(counties[i % counties.length]!, a.id, s);
  });
  const seconds = (performance.now() - t0) / 1000;
  const requests = totalOf(proxy.take());

  // Pages over a store that grows.
  const heavy: Principal = { sub: 'bench-svc-heavy', role: 'citizen', unit: counties[0]! };
  const heavyToken = await api.token(heavy);
  const unit = counties[0]!;
  const svcItem = (await getItem(store, TREE, code))!;
  const deps = { now: () => new Date() } as Deps;
  const pages: PageFigures[] = [];
  let seeded = 0;
  for (const size of opts.sizes) {
    opts.log(`services: store to ${size} cases of one applicant and one department`);
    // A few thousand at a time: the whole store at once would not fit the process's heap.
    for (let from = seeded; from < size; from += 5_000) {
      const byTable = new Map<string, Item[]>();
      for (let i = from; i < Math.min(size, from + 5_000); i++) {
        const due = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
        const p = prepare(deps, heavy, unit, { definer: TREE, item: code, form, applicant }, { item: svcItem, deptId: deptOf(unit), promisedDays: 5, due });
        // The case and its indexes as a submission writes them, without the messages (no transport runs here).
        for (const w of p.writes) {
          if (w.op !== 'put' || String(w.item.pk).endsWith('#outbox')) continue;
          if (!byTable.has(w.table)) byTable.set(w.table, []);
          byTable.get(w.table)!.push(w.item);
        }
      }
      for (const [table, list] of byTable) {
        const chunk = Math.ceil(list.length / 8);
        await Promise.all(Array.from({ length: 8 }, (_, k) => store.putMany(table as 'province', list.slice(k * chunk, (k + 1) * chunk))));
      }
    }
    seeded = size;
    const timed = async (call: () => Promise<unknown>) => {
      const ms: number[] = [];
      let req = 0;
      for (let r = 0; r < 5; r++) {
        proxy.take();
        const t = performance.now();
        await call();
        ms.push(performance.now() - t);
        req = totalOf(proxy.take());
      }
      return { requests: req, ms: summary(ms).median };
    };
    const myCases = await timed(() => api.call('GET', '/v1/my/applications?limit=50', { token: heavyToken, expect: 200 }));
    let cursor: string | undefined;
    for (let k = 0; k < 3; k++) cursor = (await api.call<{ cursor?: string }>('GET', `/v1/my/applications?limit=50${cursor ? `&cursor=${cursor}` : ''}`, { token: heavyToken, expect: 200 })).cursor;
    const myCasesDeep = await timed(() => api.call('GET', `/v1/my/applications?limit=50&cursor=${cursor}`, { token: heavyToken, expect: 200 }));
    const worklist = await timed(() => api.call('GET', `/v1/units/${unit}/departments/${deptOf(unit)}/worklist?limit=50`, { token: token(`clerk@${unit}`), expect: 200 }));
    pages.push({ store: size, myCases, myCasesDeep, worklist });
  }
  const median = (xs: OpCounts[]) => summary(xs.map(totalOf)).median;
  return {
    perStep: Object.fromEntries(Object.entries(perStep).map(([k, v]) => [k, { median: median(v), sample: v[0]! }])),
    throughput: { cases: opts.cases, seconds, casesPerSecond: opts.cases / seconds, requestsPerCase: requests / opts.cases },
    pages,
  };
}

export function servicesReport(r: Awaited<ReturnType<typeof servicesFigures>>, print: Print): Verdict[] {
  print('\n7. Services — applications through the API on the local runtime, DynamoDB requests counted at the proxy');
  for (const [step, v] of Object.entries(r.perStep)) print(`  ${step.padEnd(9)} ${String(v.median).padStart(2)} requests  ${JSON.stringify(v.sample)}`);
  const t = r.throughput;
  print(`  ${t.cases} cases × 5 steps, 16 at a time: ${t.seconds.toFixed(1)} s, ${t.casesPerSecond.toFixed(1)} cases/s, ${(t.casesPerSecond * 5).toFixed(0)} steps/s, ${t.requestsPerCase.toFixed(1)} requests per case`);
  for (const p of r.pages) {
    print(`  store of ${p.store} cases: my cases page 1 ${p.myCases.requests} requests ${p.myCases.ms.toFixed(0)} ms; page 5 ${p.myCasesDeep.requests} requests ${p.myCasesDeep.ms.toFixed(0)} ms; worklist ${p.worklist.requests} requests ${p.worklist.ms.toFixed(0)} ms`);
  }
  const worstStep = Math.max(...Object.values(r.perStep).map((v) => v.median));
  const same = (f: (p: PageFigures) => number) => new Set(r.pages.map(f)).size === 1;
  return [
    { figure: 'services: requests per step', target: '≤ 8 each (submit, accept, review, approve, complete)', measured: `at most ${worstStep}`, pass: worstStep <= 8 },
    {
      figure: 'services: requests per page',
      target: 'my cases and worklist independent of the store',
      measured: r.pages.map((p) => `${p.store}: ${p.myCases.requests}/${p.myCasesDeep.requests}/${p.worklist.requests}`).join('; '),
      pass: same((p) => p.myCases.requests) && same((p) => p.myCasesDeep.requests) && same((p) => p.worklist.requests),
    },
  ];
}
