import { createDocument, listDocuments, type Doc } from '../../functions/disclosure/documents';
import { search } from '../../functions/disclosure/search-index';
import { CORPUS, QUERIES } from '../../infra/local/disclosure-corpus';
import { words } from '../../shared/text/words';
import type { Principal } from '../../shared/roles';
import type { QueryInput, Store, Write } from '../../shared/store/store';
import { createDynamoStore } from '../../shared/store/dynamo-store';
import { seedAccounts } from '../support/accounts';
import { tierWorld, U } from '../support/tier-world';
import type { Api } from './api';
import { totalOf, type CountingProxy, type OpCounts } from './ddb-proxy';
import { ZHEJIANG } from './import-rate';
import { uploaded } from './uploads';
import type { Verdict } from './report';
import { summary } from './stats';

type Print = (line: string) => void;
type Measure = <T>(route: string, what: string, call: () => Promise<T>) => Promise<T>;

const COUNTY = '330106000000'; // 西湖区
const TOWNSHIP = '330106002000'; // 北山街道
const VILLAGE = '330106002051'; // 上保社区

/** One successful call of each 政务公开 route on the imported tree, for the requests-per-route table. */
export async function disclosureRoutes(api: Api, measure: Measure) {
  const store = await createDynamoStore();
  const who = (role: Principal['role'], unit: string): Principal => ({ sub: `bench-disclosure-${role}-${unit}`, role, unit });
  const callers = [who('staff', COUNTY), who('unit-admin', COUNTY), who('auditor', ZHEJIANG)];
  await seedAccounts(store, callers);
  const [county, countyAdmin, auditor] = await Promise.all(callers.map((p) => api.token(p)));
  const citizen = await api.token({ sub: 'bench-disclosure-citizen', role: 'citizen', unit: VILLAGE });
  const docs = `/v1/units/${COUNTY}/disclosure/documents`;
  const body = { title: '西湖区老旧小区改造项目清单', category: 'key-areas', writtenOn: '2026-03-02', body: '今年列入改造计划的小区共十二个，改造内容包括屋面防水和加装电梯。' };

  await measure('PUT /v1/units/{code}/disclosure/issuer', 'first credit code', () =>
    api.call('PUT', `/v1/units/${COUNTY}/disclosure/issuer`, { token: countyAdmin, body: { creditCode: '11330106002489882R' }, expect: 200 }),
  );
  const d = await measure('POST /v1/units/{code}/disclosure/documents', 'a county, to its whole subtree', () =>
    api.call<{ id: string; v: number }>('POST', docs, { token: county, body, expect: 201 }),
  );
  await measure('PATCH /v1/units/{code}/disclosure/documents/{id}', 'new title', () =>
    api.call('PATCH', `${docs}/${d.id}`, { token: county, body: { v: d.v, title: '西湖区老旧小区改造项目清单（更新）' }, expect: 200 }),
  );
  const draft = await api.call<{ id: string; v: number }>('POST', docs, { token: county, body: { ...body, body: '草稿正文', draft: true }, expect: 201 });
  await measure('POST /v1/units/{code}/disclosure/documents/{id}/publication', 'a draft', () =>
    api.call('POST', `${docs}/${draft.id}/publication`, { token: county, body: { v: draft.v }, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/disclosure/documents', 'a village page: its own and four ancestors', () =>
    api.call('GET', `/v1/units/${VILLAGE}/disclosure/documents`, { expect: 200 }),
  );
  await measure('GET /v1/units/{code}/disclosure/documents/{id}', 'public', () => api.call('GET', `${docs}/${d.id}`, { expect: 200 }));
  await measure('GET /v1/units/{code}/disclosure/documents/{id}/versions', 'two versions', () => api.call('GET', `${docs}/${d.id}/versions`, { expect: 200 }));
  await measure('GET /v1/units/{code}/disclosure/records/{id}', 'as auditor', () =>
    api.call('GET', `/v1/units/${COUNTY}/disclosure/records/${d.id}`, { token: auditor, expect: 200 }),
  );
  const report = await uploaded(api, county!, COUNTY, 'document', '改造项目清单.pdf', 'application/pdf');
  const withFile = await api.call<{ id: string; v: number }>('POST', docs, { token: county, body: { ...body, title: '西湖区老旧小区改造项目清单（附件）', body: '清单见附件。', attachments: [report] }, expect: 201 });
  await measure('GET /v1/units/{code}/disclosure/documents/{id}/attachments/{n}', 'public, a download link', () =>
    api.call('GET', `${docs}/${withFile.id}/attachments/0`, { expect: 200 }),
  );
  const draftWithFile = await api.call<{ id: string }>('POST', docs, { token: county, body: { ...body, body: '草稿，清单见附件。', draft: true, attachments: [report] }, expect: 201 });
  await measure('GET /v1/units/{code}/disclosure/records/{id}/attachments/{n}', 'a draft’s, as auditor', () =>
    api.call('GET', `/v1/units/${COUNTY}/disclosure/records/${draftWithFile.id}/attachments/0`, { token: auditor, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/disclosure/search', 'two words from a village', () =>
    api.call('GET', `/v1/units/${VILLAGE}/disclosure/search?q=${encodeURIComponent('加装电梯')}`, { expect: 200 }),
  );
  await measure('GET /v1/units/{code}/disclosure/feed', 'a village', () => api.call('GET', `/v1/units/${VILLAGE}/disclosure/feed`, { expect: 200 }));
  await measure('GET /v1/units/{code}/disclosure/freshness', 'a county with 11 townships', () =>
    api.call('GET', `/v1/units/${COUNTY}/disclosure/freshness`, { token: countyAdmin, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/disclosure/drafts', 'a county, by due date', () =>
    api.call('GET', `/v1/units/${COUNTY}/disclosure/drafts`, { token: countyAdmin, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/disclosure/annual-report', 'a county, one year', () =>
    api.call('GET', `/v1/units/${COUNTY}/disclosure/annual-report?year=2026`, { token: auditor, expect: 200 }),
  );
  await measure('POST /v1/units/{code}/disclosure/documents/{id}/withdrawal', 'with a reason', () =>
    api.call('POST', `${docs}/${d.id}/withdrawal`, { token: county, body: { v: 2, reason: '基准测试' }, expect: 200 }),
  );
  const r = await measure('POST /v1/units/{code}/disclosure/requests', 'a citizen', () =>
    api.call<{ id: string }>('POST', `/v1/units/${COUNTY}/disclosure/requests`, { token: citizen, body: { title: '改造名单', description: '申请获取改造小区名单' }, expect: 201 }),
  );
  await measure('GET /v1/units/{code}/disclosure/requests/{id}', 'its applicant', () =>
    api.call('GET', `/v1/units/${COUNTY}/disclosure/requests/${r.id}`, { token: citizen, expect: 200 }),
  );
  await measure('POST /v1/units/{code}/disclosure/requests/{id}/actions', '补正', () =>
    api.call('POST', `/v1/units/${COUNTY}/disclosure/requests/${r.id}/actions`, { token: county, body: { action: 'correction', note: '请说明小区' }, expect: 200 }),
  );
  await measure('POST /v1/units/{code}/disclosure/requests/{id}/correction', 'the applicant', () =>
    api.call('POST', `/v1/units/${COUNTY}/disclosure/requests/${r.id}/correction`, { token: citizen, body: { text: '文一路沿线' }, expect: 200 }),
  );
}

/**
 * Publishing to every unit of 浙江省 on the imported tree (27,036 units): the DynamoDB requests and time of a
 * document from the province to its whole subtree, against one from a township to its villages only.
 */
export async function disclosureReach(api: Api, proxy: CountingProxy) {
  const store = await createDynamoStore();
  const callers: Principal[] = [
    { sub: 'bench-reach-province', role: 'province-admin', unit: ZHEJIANG },
    { sub: 'bench-reach-township', role: 'staff', unit: TOWNSHIP },
  ];
  await seedAccounts(store, callers);
  const [province, township] = await Promise.all(callers.map((p) => api.token(p)));
  const publish = async (unit: string, token: string, i: number, reach?: unknown) => {
    proxy.take();
    const t0 = performance.now();
    await api.call('POST', `/v1/units/${unit}/disclosure/documents`, {
      token,
      body: { title: `基准文件 ${i}`, category: 'policy', writtenOn: '2026-03-02', body: `第${i}号基准文件正文，发往${unit}以下各单位。`, ...(reach ? { reach } : {}) },
      expect: 201,
    });
    const ms = performance.now() - t0;
    return { ms, requests: proxy.take() };
  };
  const whole: { ms: number; requests: OpCounts }[] = [];
  const one: { ms: number; requests: OpCounts }[] = [];
  for (let i = 0; i < 5; i++) {
    whole.push(await publish(ZHEJIANG, province!, i));
    one.push(await publish(TOWNSHIP, township!, 100 + i, { levels: ['village'] }));
  }
  return {
    province: { requests: whole.at(-1)!.requests, total: totalOf(whole.at(-1)!.requests), ms: summary(whole.map((x) => x.ms)).median },
    township: { requests: one.at(-1)!.requests, total: totalOf(one.at(-1)!.requests), ms: summary(one.map((x) => x.ms)).median },
  };
}

function counting(store: Store) {
  const c = { requests: 0, writes: 0 };
  const wrap = <K extends 'query' | 'get' | 'getMany' | 'putMany' | 'write'>(k: K) => {
    const f = (store[k] as (...a: unknown[]) => Promise<unknown>).bind(store);
    (store as unknown as Record<string, unknown>)[k] = async (...a: unknown[]) => {
      c.requests++;
      return f(...a);
    };
  };
  (['query', 'get', 'getMany', 'putMany', 'write'] as const).forEach(wrap);
  const transact = store.transact.bind(store);
  store.transact = async (ws: Write[]) => {
    c.requests++;
    c.writes += ws.length;
    return transact(ws);
  };
  return c;
}

/** A small seeded generator, so every run searches the same documents. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * Search and listing in process, on the in-memory store (loading 10,000 documents into DynamoDB Local would take
 * most of an hour here): the corpus written for this project among filler documents made of its own words, so the
 * labelled queries compete with thousands of near misses. Latency is the domain's (store in memory), requests are
 * the store calls a deployment would make.
 */
export async function disclosureFigures(sizes = [1_000, 10_000]) {
  const w = await tierWorld();
  const units = [U.province, U.city, U.county, U.township, U.village, U.otherCounty, U.otherTownship, U.otherVillage];
  const at = { province: U.province, city: U.city, county: U.county, township: U.township, village: U.village } as const;
  const vocabulary = [...new Set(CORPUS.flatMap((d) => words(`${d.title}${d.body}`)).filter((x) => x.length > 1))];
  const categories = [...new Set(CORPUS.map((d) => d.category))];
  const random = rng(2026);
  const pick = <T>(a: T[]) => a[Math.floor(random() * a.length)]!;
  const made = new Map<string, Doc>();
  for (const d of CORPUS) {
    made.set(d.key, await createDocument(w.deps, w.people[`staff@${at[d.level]}`]!, at[d.level], { title: d.title, category: d.category, subjects: d.subjects, body: d.body, writtenOn: '2026-02-27', attachments: [] }));
  }
  let count = CORPUS.length;
  const rounds: {
    docs: number;
    loadMs: number;
    search: { medianMs: number; p99Ms: number; requestsPerQuery: number };
    recallAt10: number;
    index: { postings: number; bytes: number; perDocBytes: number };
    listRequestsPerPage: number;
  }[] = [];
  for (const size of sizes) {
    const t0 = performance.now();
    for (; count < size; count++) {
      const unit = pick(units);
      const title = Array.from({ length: 4 + Math.floor(random() * 4) }, () => pick(vocabulary)).join('');
      const body = Array.from({ length: 40 + Math.floor(random() * 60) }, () => pick(vocabulary)).join(random() < 0.5 ? '' : '，');
      await createDocument(w.deps, w.people[`staff@${unit}`]!, unit, { title, category: pick(categories), subjects: [], body: `${body}。${count}`, writtenOn: '2026-02-27', attachments: [] });
    }
    const loadMs = performance.now() - t0;
    const c = counting(w.store);
    const samples: number[] = [];
    let found = 0;
    let wanted = 0;
    for (let round = 0; round < 5; round++) {
      for (const { q, relevant } of QUERIES) {
        const s0 = performance.now();
        const r = await search(w.store, { q, unit: U.province, above: false, limit: 10, offset: 0 });
        samples.push(performance.now() - s0);
        if (round > 0) continue;
        const ids = new Set(r.items.map((i) => i.id));
        wanted += relevant.length;
        found += relevant.filter((k) => ids.has(made.get(k)!.id)).length;
      }
    }
    const requestsPerQuery = c.requests / samples.length;
    c.requests = 0;
    const first = await listDocuments(w.store, U.village, { limit: 20 });
    await listDocuments(w.store, U.village, { limit: 20, cursor: first.cursor });
    const listRequestsPerPage = c.requests / 2;
    const province = [...(w.store['tables'].get('province')?.values() ?? [])];
    const postings = province.filter((i) => (i.pk as string).includes('#ft#'));
    const bytes = postings.reduce((n, i) => n + Buffer.byteLength(JSON.stringify(i)), 0);
    const s = summary(samples);
    rounds.push({
      docs: count,
      loadMs: Math.round(loadMs),
      search: { medianMs: Math.round(s.median * 100) / 100, p99Ms: Math.round(s.p99 * 100) / 100, requestsPerQuery: Math.round(requestsPerQuery * 10) / 10 },
      recallAt10: Math.round((found / wanted) * 1000) / 1000,
      index: { postings: postings.length, bytes, perDocBytes: Math.round(bytes / count) },
      listRequestsPerPage,
    });
  }
  return { queries: QUERIES.length, rounds };
}

export type DisclosureFigures = Awaited<ReturnType<typeof disclosureFigures>>;
export type DisclosureReach = Awaited<ReturnType<typeof disclosureReach>>;

export function disclosureReport(f: DisclosureFigures | undefined, reach: DisclosureReach | undefined, print: Print): Verdict[] {
  const verdicts: Verdict[] = [];
  print('\n7. 政务公开 — search and pages in process (in-memory store), publication on the imported 浙江省 over DynamoDB Local');
  if (f) {
    for (const r of f.rounds) {
      print(
        `  ${r.docs.toLocaleString('en')} documents (loaded in ${(r.loadMs / 1000).toFixed(1)} s): search median ${r.search.medianMs} ms, p99 ${r.search.p99Ms} ms, ` +
          `${r.search.requestsPerQuery} store requests a query; recall@10 ${r.recallAt10} on ${f.queries} labelled queries; ` +
          `index ${r.index.postings.toLocaleString('en')} postings, ${(r.index.bytes / 1024 / 1024).toFixed(1)} MiB (${r.index.perDocBytes} B a document); ` +
          `a village page: ${r.listRequestsPerPage} requests`,
      );
    }
    const last = f.rounds.at(-1)!;
    const pages = new Set(f.rounds.map((r) => r.listRequestsPerPage));
    verdicts.push(
      { figure: '政务公开: recall@10 on the labelled queries', target: '≥ 0.9', measured: String(last.recallAt10), pass: last.recallAt10 >= 0.9 },
      {
        figure: '政务公开: requests per page of a unit\'s documents',
        target: 'independent of the documents in the province',
        measured: f.rounds.map((r) => `${r.docs.toLocaleString('en')} → ${r.listRequestsPerPage}`).join(', '),
        pass: pages.size === 1,
      },
    );
  }
  if (reach) {
    print(`  a document from 浙江省 to its whole subtree (27,036 units): ${reach.province.total} requests, median ${reach.province.ms.toFixed(0)} ms`);
    print(`  the same from 北山街道 to its villages only:                 ${reach.township.total} requests, median ${reach.township.ms.toFixed(0)} ms`);
    verdicts.push({
      figure: '政务公开: DynamoDB requests to publish',
      target: 'independent of the units reached',
      measured: `${reach.province.total} (whole province) vs ${reach.township.total} (one township's villages)`,
      pass: reach.province.total === reach.township.total,
    });
  }
  return verdicts;
}
