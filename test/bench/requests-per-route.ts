import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ROUTES } from '../../infra/manifest';
import { webRoutes } from './web';
import { workbenchRoutes } from './workbench';
import { queueEnv } from '../../shared/resources';
import type { Api } from './api';
import { totalOf, type CountingProxy, type OpCounts } from './ddb-proxy';
import { ZHEJIANG } from './import-rate';
import { tierRoutes } from './tier-notices';
import { servicesRoutes } from './services';
import { ticketRoutes } from './ticket-routes';
import { notifyRoutes } from './notify';
import { disclosureRoutes } from './disclosure';

// Units of the imported Zhejiang tree (the routes are measured on it), and one the bench adds.
const CITY = '330100000000'; // 杭州市
const COUNTY = '330106000000'; // 西湖区
const NEW_COUNTY = '330199000000'; // not in the division file
/** The same listing on parents with 11, 20 and 113 children (the most of any Zhejiang unit); one page each. */
const PARENTS = [
  { code: ZHEJIANG, children: 11, what: '浙江省, 11 cities' },
  { code: '330102016000', children: 20, what: '笕桥街道, 20 villages' },
  { code: '330327100000', children: 113, what: '330327100000, 113 villages' },
];

export interface RouteCount {
  route: string;
  what: string;
  requests: OpCounts;
  total: number;
}

/**
 * Runs `post` with the jobs queue parked. The handler reads the queue's URL from the environment on each send, so
 * pointing that at a queue nobody polls keeps the import worker from starting (and its requests from being
 * counted) while the route's own are; the message is then handed to the real queue, as it would have been.
 */
async function withJobsParked<T>(post: () => Promise<T>): Promise<T> {
  const sqs = new SQSClient({});
  const env = queueEnv('jobs');
  const real = process.env[env]!;
  const { QueueUrl: parked } = await sqs.send(new CreateQueueCommand({ QueueName: 'govtiers-bench-parked' }));
  process.env[env] = parked;
  let result: T;
  try {
    result = await post();
  } finally {
    process.env[env] = real;
  }
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: parked, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  if (Messages.length !== 1) throw new Error(`expected one parked job message, found ${Messages.length}`);
  const [m] = Messages as [(typeof Messages)[number]];
  await sqs.send(new SendMessageCommand({ QueueUrl: real, MessageBody: m.Body }));
  await sqs.send(new DeleteMessageCommand({ QueueUrl: parked, ReceiptHandle: m.ReceiptHandle }));
  sqs.destroy();
  return result;
}

/**
 * One representative successful call of every route of the manifest, on the local runtime over DynamoDB Local,
 * with the DynamoDB requests each made, counted at the proxy. Calls run one at a time on an otherwise idle
 * runtime, so everything counted during a call is that call's. Needs the Zhejiang tree imported.
 */
export async function requestsPerRoute(api: Api, proxy: CountingProxy) {
  const rows: RouteCount[] = [];
  const measure = async <T>(route: string, what: string, call: () => Promise<T>): Promise<T> => {
    proxy.take();
    const out = await call();
    const requests = proxy.take();
    rows.push({ route, what, requests, total: totalOf(requests) });
    return out;
  };
  await api.bootstrap(ZHEJIANG, '浙江省', 'bench-admin');
  const admin = await api.token({ sub: 'bench-admin', role: 'province-admin', unit: ZHEJIANG });
  await api.call('POST', `/v1/units/${ZHEJIANG}/staff`, { token: admin, body: { sub: 'bench-auditor', name: '审计员', role: 'auditor' }, expect: 201 });
  const auditor = await api.token({ sub: 'bench-auditor', role: 'auditor', unit: ZHEJIANG });
  const citizen = await api.token({ sub: 'bench-citizen', role: 'citizen', unit: ZHEJIANG });
  const business = await api.token({ sub: 'bench-business', role: 'business', unit: ZHEJIANG });

  await measure('GET /health', 'public; DescribeTable is the local runtime’s own emulator probe', () => api.call('GET', '/health', { expect: 200 }));
  await measure('GET /v1/openapi.json', 'public', () => api.call('GET', '/v1/openapi.json', { expect: 200 }));

  // Units
  await measure('POST /v1/units', `new county ${NEW_COUNTY}`, () =>
    api.call('POST', '/v1/units', { token: admin, body: { code: NEW_COUNTY, name: '基准测试区' }, expect: 201 }),
  );
  await measure('GET /v1/units/{code}', CITY, () => api.call('GET', `/v1/units/${CITY}`, { token: admin, expect: 200 }));
  await measure('PATCH /v1/units/{code}', 'rename', () =>
    api.call('PATCH', `/v1/units/${NEW_COUNTY}`, { token: admin, body: { name: '基准测试区（改）', v: 1 }, expect: 200 }),
  );
  const children: { what: string; children: number; total: number }[] = [];
  for (const p of PARENTS) {
    const page = await measure('GET /v1/units/{code}/children', p.what, () =>
      api.call<{ items: unknown[]; cursor?: string }>('GET', `/v1/units/${p.code}/children?limit=200`, { token: admin, expect: 200 }),
    );
    if (page.items.length !== p.children || page.cursor) throw new Error(`${p.code} listed ${page.items.length} children, expected ${p.children}`);
    children.push({ what: p.what, children: p.children, total: rows.at(-1)!.total });
  }
  const { jobId } = await withJobsParked(() =>
    measure('POST /v1/units/{code}/imports', 'one township', () =>
      api.call<{ jobId: string }>('POST', `/v1/units/${NEW_COUNTY}/imports`, {
        token: admin,
        body: { code: '330199001000', name: '基准街道', level: 'township' },
        expect: 202,
      }),
    ),
  );
  await api.waitForJob(jobId, admin);
  await measure('GET /v1/jobs/{jobId}', 'finished job', () => api.call('GET', `/v1/jobs/${jobId}`, { token: admin, expect: 200 }));
  await measure('POST /v1/jobs/{jobId}/resume', 'finished job (nothing to resume)', () =>
    api.call('POST', `/v1/jobs/${jobId}/resume`, { token: admin, expect: 202 }),
  );

  // People
  const dept = await measure('POST /v1/units/{code}/departments', COUNTY, () =>
    api.call<{ id: string; v: number }>('POST', `/v1/units/${COUNTY}/departments`, { token: admin, body: { name: '办公室' }, expect: 201 }),
  );
  await measure('GET /v1/units/{code}/departments', COUNTY, () => api.call('GET', `/v1/units/${COUNTY}/departments`, { token: admin, expect: 200 }));
  await measure('PATCH /v1/units/{code}/departments/{deptId}', 'rename', () =>
    api.call('PATCH', `/v1/units/${COUNTY}/departments/${dept.id}`, { token: admin, body: { v: dept.v, name: '综合办公室' }, expect: 200 }),
  );
  const staff = await measure('POST /v1/units/{code}/staff', 'in a department', () =>
    api.call<{ v: number }>('POST', `/v1/units/${COUNTY}/staff`, {
      token: admin,
      body: { sub: 'bench-staff', name: '张三', role: 'staff', deptId: dept.id },
      expect: 201,
    }),
  );
  await measure('GET /v1/units/{code}/staff', COUNTY, () => api.call('GET', `/v1/units/${COUNTY}/staff`, { token: admin, expect: 200 }));
  await measure('PATCH /v1/units/{code}/staff/{sub}', 'rename', () =>
    api.call('PATCH', `/v1/units/${COUNTY}/staff/bench-staff`, { token: admin, body: { v: staff.v, name: '张三丰' }, expect: 200 }),
  );
  await measure('POST /v1/citizens', 'self-registration', () =>
    api.call('POST', '/v1/citizens', { token: citizen, body: { idNumber: '330106199003071236', name: '爱丽丝', unit: COUNTY }, expect: 201 }),
  );
  await measure('GET /v1/citizens/me', 'citizen', () => api.call('GET', '/v1/citizens/me', { token: citizen, expect: 200 }));
  // A second unverified claim of the same number opens a dispute at the county, which its staff resolve.
  const claimant = await api.token({ sub: 'bench-citizen-2', role: 'citizen', unit: ZHEJIANG });
  await api.call('POST', '/v1/citizens', { token: claimant, body: { idNumber: '330106199003071236', name: '鲍勃', unit: COUNTY }, expect: 201 });
  const disputes = await measure('GET /v1/units/{code}/identity-disputes', `${COUNTY}, one open`, () =>
    api.call<{ items: { id: string; v: number }[] }>('GET', `/v1/units/${COUNTY}/identity-disputes`, { token: admin, expect: 200 }),
  );
  const dispute = disputes.items[0]!;
  await measure('POST /v1/units/{code}/identity-disputes/{disputeId}/resolution', 'bound to no one', () =>
    api.call('POST', `/v1/units/${COUNTY}/identity-disputes/${dispute.id}/resolution`, {
      token: admin,
      body: { v: dispute.v, owner: null, reason: '两人均未出示证件，暂不绑定' },
      expect: 200,
    }),
  );
  await measure('POST /v1/businesses', 'self-registration', () =>
    api.call('POST', '/v1/businesses', { token: business, body: { creditCode: '91330100MA27XYW117', name: '杭州某某科技有限公司', unit: CITY }, expect: 201 }),
  );
  await measure('GET /v1/businesses/me', 'business', () => api.call('GET', '/v1/businesses/me', { token: business, expect: 200 }));

  // Settings
  const settings = await measure('GET /v1/units/{code}/settings', COUNTY, () =>
    api.call<{ v: number }>('GET', `/v1/units/${COUNTY}/settings`, { token: admin, expect: 200 }),
  );
  await measure('PUT /v1/units/{code}/settings', 'first save', () =>
    api.call('PUT', `/v1/units/${COUNTY}/settings`, { token: admin, body: { v: settings.v, calendar: { extraHolidays: ['2026-10-09'] } }, expect: 200 }),
  );
  await measure('GET /v1/units/{code}/working-days', '10 days from 2026-09-28', () =>
    api.call('GET', `/v1/units/${COUNTY}/working-days?from=2026-09-28&days=10`, { token: admin, expect: 200 }),
  );

  // Audit, once the writes above have made entries in the county's chain
  await measure('GET /v1/units/{code}/audit', `${COUNTY}, as auditor`, () => api.call('GET', `/v1/units/${COUNTY}/audit`, { token: auditor, expect: 200 }));
  await measure('GET /v1/units/{code}/audit/verify', `${COUNTY}, as auditor`, () =>
    api.call('GET', `/v1/units/${COUNTY}/audit/verify`, { token: auditor, expect: 200 }),
  );

  await tierRoutes(api, measure);
  await servicesRoutes(api, measure);
  await ticketRoutes(api, measure);
  await disclosureRoutes(api, measure);

  // Figures and dead letters (the latter on SQS: only the scope's reads touch DynamoDB)
  await measure('GET /v1/units/{code}/stats', `${ZHEJIANG}, one day`, () =>
    api.call('GET', `/v1/units/${ZHEJIANG}/stats?from=2026-03-02&to=2026-03-02`, { token: admin, expect: 200 }),
  );
  await measure('GET /v1/queues/{queue}/dead-letters', 'inbox-village', () => api.call('GET', '/v1/queues/inbox-village/dead-letters', { token: admin, expect: 200 }));
  await measure('POST /v1/queues/{queue}/dead-letters/redrive', 'inbox-village', () =>
    api.call('POST', '/v1/queues/inbox-village/dead-letters/redrive', { token: admin, expect: 200 }),
  );

  // Uploads: the unit's read; signing the POST policy touches no table.
  await measure('POST /v1/units/{code}/uploads', 'business, a PDF for an application', () =>
    api.call('POST', `/v1/units/${COUNTY}/uploads`, {
      token: business,
      body: { purpose: 'application', name: '营业执照.pdf', type: 'application/pdf', size: 200_000 },
      expect: 201,
    }),
  );
  await notifyRoutes(api, measure, COUNTY);
  // The web pages, as a browser goes through them (public pages, then signing in and out on the local issuer).
  await webRoutes(api.url, COUNTY, measure);
  await workbenchRoutes(api, ZHEJIANG, CITY, COUNTY, measure);

  const missing = ROUTES.filter((r) => !rows.some((row) => row.route === r.key)).map((r) => r.key);
  const unknown = rows.filter((row) => !ROUTES.some((r) => r.key === row.route)).map((row) => row.route);
  if (missing.length > 0 || unknown.length > 0) throw new Error(`routes not measured: ${missing.join(', ') || '-'}; not in the manifest: ${unknown.join(', ') || '-'}`);

  // Resolving a token's scope alone: a county's staff reading the province is refused by the scope from codes
  // alone, after the scope's reads (the caller's unit and those above it, and its staff record) and before anything else.
  const countyStaff = await api.token({ sub: 'bench-staff', role: 'staff', unit: COUNTY });
  proxy.take();
  await api.call('GET', `/v1/units/${ZHEJIANG}`, { token: countyStaff, expect: 403 });
  const scope = proxy.take();

  return { rows, children, scope };
}
