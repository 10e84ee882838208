import { levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { createDynamoStore } from '../../shared/store/dynamo-store';
import { tierMessageSchema } from '../../shared/tiers/message';
import { EFFECTS } from '../../functions/tiers/effects';
import type { Principal } from '../../shared/roles';
import { seedAccounts } from '../support/accounts';
import type { Api } from './api';
import { totalOf, type CountingProxy, type OpCounts } from './ddb-proxy';
import { summary } from './stats';
import { ZHEJIANG, zhejiangItems } from './import-rate';

const CITY = '330100000000'; // 杭州市
const COUNTY = '330106000000'; // 西湖区
/** How many villages' inboxes are read besides the last one, spread evenly over the province. */
const SAMPLE = 200;
const ROUNDS = 7;

/**
 * A notice from 浙江省 to every unit below it, through the API on the imported tree: the DynamoDB requests the
 * publication took (and, for comparison, those of a notice to one county's units), the time from the POST until the
 * last village's inbox shows it (median and worst of a few rounds), and the reads of one inbox page.
 */
export async function noticeReach(api: Api, proxy: CountingProxy) {
  const villages = (await zhejiangItems()).map((u) => u.code as string).filter((c) => levelOf(c) === 'village').sort();
  const last = villages.at(-1)!;
  const sample = Array.from({ length: SAMPLE }, (_, i) => villages[Math.floor((i * villages.length) / SAMPLE)]!);
  // Every caller stands on its account record, as the platform requires.
  const callers: Principal[] = [
    { sub: 'bench-notices', role: 'province-admin', unit: ZHEJIANG },
    { sub: 'bench-notices-county', role: 'unit-admin', unit: COUNTY },
    ...[last, ...sample].map((v): Principal => ({ sub: `bench-${v}`, role: 'staff', unit: v })),
  ];
  await seedAccounts(await createDynamoStore(), callers);
  const province = await api.token(callers[0]!);
  const county = await api.token(callers[1]!);

  const tokenOf = (village: string) => api.token({ sub: `bench-${village}`, role: 'staff', unit: village });
  const lastToken = await tokenOf(last);
  const shows = async (village: string, id: string, token: string) => {
    const page = await api.call<{ items: { id: string }[] }>('GET', `/v1/units/${village}/inbox?limit=10`, { token, expect: 200 });
    return page.items.some((n) => n.id === id);
  };
  // A few rounds, one after the other: the machine is shared, a single figure would be mostly its noise.
  const rounds: { publishMs: number; lastShownMs: number; requests: OpCounts }[] = [];
  let id = '';
  for (let round = 0; round < ROUNDS; round++) {
    proxy.take();
    const t0 = performance.now();
    ({ id } = await api.call<{ id: string }>('POST', `/v1/units/${ZHEJIANG}/notices`, { token: province, body: { title: `全省通知（基准 ${round}）`, body: '正文' }, expect: 201 }));
    const publishMs = performance.now() - t0;
    const requests = proxy.take();
    while (!(await shows(last, id, lastToken))) if (performance.now() - t0 > 60_000) throw new Error(`${last} never saw the notice`);
    rounds.push({ publishMs, lastShownMs: performance.now() - t0, requests });
  }
  const tokens = await Promise.all(sample.map(tokenOf));
  proxy.take();
  const seen = await Promise.all(sample.map((v, i) => shows(v, id, tokens[i]!)));
  const inboxRequests = proxy.take();
  if (seen.some((s) => !s)) throw new Error('a sampled village does not see the province notice');

  proxy.take();
  await api.call('POST', `/v1/units/${COUNTY}/notices`, { token: county, body: { title: '区通知（基准）', body: '正文' }, expect: 201 });
  const countyRequests = proxy.take();
  const shown = summary(rounds.map((r) => r.lastShownMs));
  const publishRequests = rounds[0]!.requests;
  if (rounds.some((r) => totalOf(r.requests) !== totalOf(publishRequests))) throw new Error('publishing took different requests in different rounds');
  return {
    villages: villages.length,
    rounds: ROUNDS,
    publishMedianMs: Math.round(summary(rounds.map((r) => r.publishMs)).median),
    lastShownMedianMs: Math.round(shown.median),
    lastShownMaxMs: Math.round(Math.max(...rounds.map((r) => r.lastShownMs))),
    publishRequests,
    publishTotal: totalOf(publishRequests),
    countyPublishRequests: countyRequests,
    countyPublishTotal: totalOf(countyRequests),
    inboxRequestsPerRead: totalOf(inboxRequests) / SAMPLE,
  };
}

/**
 * The bench's runtime keeps the tier transport still (so no background work is counted against a route): messages
 * waiting in the outboxes of the given units are applied here, through the very effects the consumer calls.
 */
export async function deliver(deps: Pick<Deps, 'store' | 'now'>, units: string[]) {
  for (const unit of units) {
    const page = await deps.store.query({ table: levelOf(unit), pk: `${prefixOf(unit)}#outbox`, limit: 1000 });
    for (const item of page.items) {
      const m = tierMessageSchema.parse(item.message);
      await deps.store.transact(await EFFECTS[m.kind]!(deps as Deps, m));
    }
  }
}

export type Measure = <T>(route: string, what: string, call: () => Promise<T>) => Promise<T>;

/** One successful call of each tiers route, for the requests-per-route table: a county assigns, a township works it. */
export async function tierRoutes(api: Api, measure: Measure) {
  const store = await createDynamoStore();
  const deps = { store, now: () => new Date() };
  const TOWNSHIP = '330106002000'; // 北山街道
  const who = (role: 'staff' | 'unit-admin', unit: string): Principal => ({ sub: `bench-tiers-${role}-${unit}`, role, unit });
  const callers = [who('unit-admin', CITY), who('staff', COUNTY), who('staff', TOWNSHIP)];
  await seedAccounts(store, callers);
  const [city, county, township] = await Promise.all(callers.map((p) => api.token(p)));

  const n = await measure('POST /v1/units/{code}/notices', 'from 杭州市 to its whole subtree', () =>
    api.call<{ id: string }>('POST', `/v1/units/${CITY}/notices`, { token: city, body: { title: '市通知', body: '正文' }, expect: 201 }),
  );
  await measure('GET /v1/units/{code}/inbox', 'a township: three ancestors', () => api.call('GET', `/v1/units/${TOWNSHIP}/inbox`, { token: township, expect: 200 }));
  await measure('GET /v1/units/{code}/inbox/{from}/{id}', 'in full', () =>
    api.call('GET', `/v1/units/${TOWNSHIP}/inbox/${CITY}/${n.id}`, { token: township, expect: 200 }),
  );
  await measure('POST /v1/units/{code}/inbox/{from}/{id}/instructions', 'the county', () =>
    api.call('POST', `/v1/units/${COUNTY}/inbox/${CITY}/${n.id}/instructions`, { token: county, body: { text: '请各街道落实' }, expect: 201 }),
  );
  await measure('POST /v1/units/{code}/inbox/{from}/{id}/acks', 'sign', () =>
    api.call('POST', `/v1/units/${TOWNSHIP}/inbox/${CITY}/${n.id}/acks`, { token: township, body: { kind: 'sign' }, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/notices/{id}', 'signed counts per level', () =>
    api.call('GET', `/v1/units/${CITY}/notices/${n.id}`, { token: city, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/notices/{id}/unsigned', 'first 50 counties', () =>
    api.call('GET', `/v1/units/${CITY}/notices/${n.id}/unsigned?level=county`, { token: city, expect: 200 }),
  );

  const a = await measure('POST /v1/units/{code}/assignments', 'to one township', () =>
    api.call<{ id: string }>('POST', `/v1/units/${COUNTY}/assignments`, {
      token: county,
      body: { title: '交办（基准）', body: '正文', assignees: [TOWNSHIP], workingDays: 5 },
      expect: 201,
    }),
  );
  await deliver(deps, [COUNTY]);
  await measure('POST /v1/units/{code}/cases/{kind}/{id}/actions', 'accept', () =>
    api.call('POST', `/v1/units/${TOWNSHIP}/cases/assignment/${a.id}/actions`, { token: township, body: { action: 'accept' }, expect: 200 }),
  );
  await measure('POST /v1/units/{code}/cases/{kind}/{id}/supervision', 'by 杭州市', () =>
    api.call('POST', `/v1/units/${TOWNSHIP}/cases/assignment/${a.id}/supervision`, { token: city, body: { comment: '督办' }, expect: 201 }),
  );
  await measure('GET /v1/units/{code}/cases/{kind}/{id}', 'the assignee', () =>
    api.call('GET', `/v1/units/${TOWNSHIP}/cases/assignment/${a.id}`, { token: township, expect: 200 }),
  );
  await deliver(deps, [TOWNSHIP]);
  await measure('GET /v1/units/{code}/assignments/{id}', 'the assigner', () =>
    api.call('GET', `/v1/units/${COUNTY}/assignments/${a.id}`, { token: county, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/cases', 'open ones by due date', () =>
    api.call('GET', `/v1/units/${TOWNSHIP}/cases?open=1`, { token: township, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/assignments', 'sent', () => api.call('GET', `/v1/units/${COUNTY}/assignments`, { token: county, expect: 200 }));
  await measure('GET /v1/units/{code}/notices', 'sent', () => api.call('GET', `/v1/units/${CITY}/notices`, { token: city, expect: 200 }));

  const columns = [{ key: 'households', label: '户数', type: 'integer', required: true }];
  const d = await measure('POST /v1/units/{code}/data-requests', 'one column, to one township', () =>
    api.call<{ id: string }>('POST', `/v1/units/${COUNTY}/data-requests`, {
      token: county,
      body: { title: '报送（基准）', body: '正文', assignees: [TOWNSHIP], workingDays: 5, columns },
      expect: 201,
    }),
  );
  await deliver(deps, [COUNTY]);
  await api.call('POST', `/v1/units/${TOWNSHIP}/cases/data-request/${d.id}/actions`, { token: township, body: { action: 'accept' }, expect: 200 });
  await api.call('POST', `/v1/units/${TOWNSHIP}/cases/data-request/${d.id}/actions`, {
    token: township,
    body: { action: 'complete', rows: [{ households: 1200 }] },
    expect: 200,
  });
  await deliver(deps, [TOWNSHIP]);
  await measure('GET /v1/units/{code}/data-requests/{id}', 'the requester, one unit sent rows', () =>
    api.call('GET', `/v1/units/${COUNTY}/data-requests/${d.id}`, { token: county, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/data-requests/{id}/rows.csv', 'one unit', () =>
    api.call('GET', `/v1/units/${COUNTY}/data-requests/${d.id}/rows.csv`, { token: county, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/data-requests', 'sent', () => api.call('GET', `/v1/units/${COUNTY}/data-requests`, { token: county, expect: 200 }));
}

export type NoticeReach = Awaited<ReturnType<typeof noticeReach>>;
