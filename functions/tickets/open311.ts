import { createHash, randomBytes } from 'node:crypto';
import { encodeTime } from 'ulid';
import { commitAudited } from '../../shared/audit';
import { levelOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import { operation, type ErrorBody } from '../../shared/http/operation';
import type { Principal } from '../../shared/roles';
import { unitCodeSchema } from '../../shared/roles';
import type { Item, Key } from '../../shared/store/store';
import { worded } from '../../shared/validation-messages';
import * as z from '../../shared/zod';
import { unitKey } from '../../tenants/unit';
import { caseKey, type Case } from '../tiers/escalation';
import { CATEGORIES, CATEGORY_CODES, KIND, maskText, TICKET_TYPES, TYPE_NAMES, type Category, type Ticket } from './model';
import { fileTicket, ticketKey } from './tickets';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), so that existing civic-tech clients work against any
 * unit: the jurisdiction is the unit's code, services are the ticket categories, and a request filed here is an
 * ordinary ticket of that unit, which its dispatcher lists like any other. Filing needs an api_key issued to a
 * client the province registered; reading is public and shows what the public may see (texts masked, no filers,
 * no 举报 and no letters to the leadership). JSON only.
 */

export const open311ErrorSchema = z.array(z.object({ code: z.int(), description: z.string() }));

/** The spec's errors: one `{code, description}` per problem, `code` being the HTTP status. */
const errorFormat = {
  schema: open311ErrorSchema,
  body: (e: ErrorBody, status: number) =>
    e.fields.length > 0
      ? e.fields.map((f) => ({ code: status, description: `${f.path.replace(/^(body|query|params)\./, '')}: ${f.message}` }))
      : [{ code: status, description: e.message }],
};

const base = '/open311/v2/{jurisdiction}';
const jurisdiction = z.strictObject({ jurisdiction: unitCodeSchema });
/** Path segments the spec ends in `.json`: the route takes the whole segment (API Gateway's parameters are whole segments), the handler the part before it. */
const serviceFile = z.string().check(worded(z.regex(/^[a-z]+\.json$/), 'format'));
const idFile = z.string().check(worded(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}\.json$/), 'format'));
const stem = (segment: string) => segment.slice(0, -'.json'.length);

const serviceSchema = z.object({
  service_code: z.string(),
  service_name: z.string(),
  description: z.string(),
  metadata: z.boolean(),
  type: z.literal('realtime'),
  keywords: z.string(),
  group: z.string(),
});

const attributeSchema = z.object({
  variable: z.boolean(),
  code: z.string(),
  datatype: z.string(),
  required: z.boolean(),
  datatype_description: z.string(),
  order: z.int(),
  description: z.string(),
  values: z.array(z.object({ key: z.string(), name: z.string() })),
});

const requestSchema = z.object({
  service_request_id: z.string(),
  status: z.enum(['open', 'closed']),
  status_notes: z.optional(z.string()),
  service_name: z.string(),
  service_code: z.string(),
  description: z.string(),
  agency_responsible: z.string(),
  service_notice: z.string(),
  requested_datetime: z.string(),
  updated_datetime: z.string(),
  expected_datetime: z.optional(z.string()),
  address: z.optional(z.string()),
  lat: z.optional(z.number()),
  long: z.optional(z.number()),
});
type Request311 = z.infer<typeof requestSchema>;

const common = { tag: 'open311', auth: 'public' as const, errorFormat };

export const discoveryOp = operation({
  ...common,
  id: 'open311Discovery',
  method: 'GET',
  path: `${base}/discovery.json`,
  summary: { zh: 'Open311 服务发现', en: 'Open311 discovery' },
  errors: ['not_found'],
  params: jurisdiction,
  response: {
    status: 200,
    schema: z.object({
      changeset: z.string(),
      contact: z.string(),
      key_service: z.string(),
      endpoints: z.array(z.object({ specification: z.string(), url: z.string(), changeset: z.string(), type: z.string(), formats: z.array(z.string()) })),
    }),
  },
});

export const servicesOp = operation({
  ...common,
  id: 'open311Services',
  method: 'GET',
  path: `${base}/services.json`,
  summary: { zh: 'Open311 服务列表（诉求类别）', en: 'Open311 services (the ticket categories)' },
  errors: ['not_found'],
  params: jurisdiction,
  response: { status: 200, schema: z.array(serviceSchema) },
});

export const serviceDefinitionOp = operation({
  ...common,
  id: 'open311ServiceDefinition',
  method: 'GET',
  path: `${base}/services/{service_code}`,
  summary: { zh: 'Open311 服务定义（属性），路径为 services/{类别}.json', en: 'Open311 service definition (attributes), at services/{code}.json' },
  errors: ['not_found'],
  params: z.strictObject({ jurisdiction: unitCodeSchema, service_code: serviceFile }),
  response: { status: 200, schema: z.object({ service_code: z.string(), attributes: z.array(attributeSchema) }) },
});

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const postRequestOp = operation({
  ...common,
  id: 'open311PostRequest',
  method: 'POST',
  path: `${base}/requests.json`,
  summary: { zh: 'Open311 提交请求（表单编码，需 api_key），即提交一件诉求', en: 'Open311: file a request (form-encoded, with an api_key); it becomes a ticket' },
  errors: ['not_found', 'forbidden'],
  params: jurisdiction,
  bodyType: 'form',
  // The spec's optional fields this service does not use (device_id, account_id, media_url…) are let through and ignored.
  body: z.object({
    api_key: text(200),
    service_code: z.enum(CATEGORY_CODES),
    lat: z.optional(z.coerce.number().check(z.gte(-90), z.lte(90))),
    long: z.optional(z.coerce.number().check(z.gte(-180), z.lte(180))),
    address_string: z.optional(text(200)),
    description: z.optional(text(4_000)),
    first_name: z.optional(text(25)),
    last_name: z.optional(text(25)),
    phone: z.optional(z.string().check(worded(z.regex(/^[0-9+() -]{3,32}$/), 'phone'))),
    'attribute[type]': z.optional(z.enum(TICKET_TYPES)),
  }),
  response: { status: 201, schema: z.array(z.object({ service_request_id: z.string(), service_notice: z.string(), account_id: z.nullable(z.string()) })) },
});

export const tokenOp = operation({
  ...common,
  id: 'open311Token',
  method: 'GET',
  path: `${base}/tokens/{token}`,
  summary: { zh: 'Open311 由 token 查请求编号（本服务直接返回编号，token 即编号）', en: 'Open311: the request id of a token (requests are created at once, so a token is the id)' },
  errors: ['not_found'],
  params: z.strictObject({ jurisdiction: unitCodeSchema, token: idFile }),
  response: { status: 200, schema: z.array(z.object({ service_request_id: z.string(), token: z.string() })) },
});

/** The spec's span limit for start_date/end_date, and its row limit. */
export const MAX_SPAN_DAYS = 90;
export const MAX_ROWS = 1_000;

export const listRequestsOp = operation({
  ...common,
  id: 'open311ListRequests',
  method: 'GET',
  path: `${base}/requests.json`,
  summary: {
    zh: 'Open311 请求列表：按编号、类别、状态、起止时间（最长 90 天，默认最近 90 天）筛选，最多 1,000 条',
    en: 'Open311 requests: by ids, service code, status, start and end (at most 90 days apart; the last 90 days by default), at most 1,000',
  },
  errors: ['not_found'],
  params: jurisdiction,
  query: z.strictObject({
    service_request_id: z.optional(z.string().check(z.maxLength(100 * 27))),
    service_code: z.optional(z.enum(CATEGORY_CODES)),
    status: z.optional(z.enum(['open', 'closed'])),
    start_date: z.optional(z.iso.datetime({ offset: true })),
    end_date: z.optional(z.iso.datetime({ offset: true })),
  }),
  response: { status: 200, schema: z.array(requestSchema) },
});

export const getRequestOp = operation({
  ...common,
  id: 'open311GetRequest',
  method: 'GET',
  path: `${base}/requests/{service_request_id}`,
  summary: { zh: 'Open311 单个请求，路径为 requests/{编号}.json', en: 'Open311: one request, at requests/{id}.json' },
  errors: ['not_found'],
  params: z.strictObject({ jurisdiction: unitCodeSchema, service_request_id: idFile }),
  response: { status: 200, schema: z.array(requestSchema) },
});

export const registerClientOp = operation({
  id: 'registerOpen311Client',
  method: 'POST',
  path: '/v1/units/{code}/open311-clients',
  tag: 'open311',
  summary: {
    zh: '省级管理员登记 Open311 客户端并签发 api_key（只显示这一次），可向全省各单位提交请求',
    en: 'A province admin registers an Open311 client and gets its api_key (shown once), valid for every unit of the province',
  },
  auth: 'jwt',
  roles: ['province-admin'],
  errors: ['not_found'],
  params: z.strictObject({ code: unitCodeSchema }),
  body: z.strictObject({ name: text(100) }),
  response: { status: 201, schema: z.object({ id: z.string(), name: z.string(), apiKey: z.string(), createdAt: z.string() }) },
});

export const OPEN311_OPERATIONS = [discoveryOp, servicesOp, serviceDefinitionOp, postRequestOp, tokenOp, listRequestsOp, getRequestOp, registerClientOp];

// ---------------------------------------------------------------- clients and keys

/** Keys are random 192-bit strings; a plain hash finds one without keeping it (nothing to guess from it). */
const keyHash = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex');
const keyItem = (province: string, apiKey: string): Key => ({ pk: `${province.slice(0, 2)}#open311-key`, sk: keyHash(apiKey) });

export async function registerClient(deps: Deps, actor: Principal, province: string, name: string) {
  if (levelOf(province) !== 'province') {
    throw new ApiError('validation_failed', [{ path: 'params.code', message: { zh: '客户端在省级登记', en: 'clients are registered at the province' } }]);
  }
  const now = deps.now();
  const apiKey = randomBytes(24).toString('base64url');
  const client = { id: keyHash(apiKey).slice(0, 16), name, createdAt: now.toISOString(), by: actor.sub };
  await commitAudited(deps, now, province, { actor, action: 'open311.client.register', subject: `open311-client/${client.id}`, after: client }, [
    { op: 'put', table: 'province', item: { ...keyItem(province, apiKey), ...client }, expect: { absent: true } },
  ]);
  return { id: client.id, name, apiKey, createdAt: client.createdAt };
}

// ---------------------------------------------------------------- services

async function requireJurisdiction(deps: Pick<Deps, 'store'>, code: string) {
  const unit = await deps.store.get('registry', unitKey(code));
  if (!unit) throw new ApiError('not_found', [], { zh: `没有辖区 ${code}`, en: `No jurisdiction ${code}` });
  return unit;
}

export async function discovery(deps: Deps, code: string) {
  await requireJurisdiction(deps, code);
  const changeset = '2026-12-01T00:00:00Z';
  return {
    changeset,
    contact: '12345',
    key_service: '由省级管理员登记客户端并签发 (a province admin registers clients and issues keys)',
    endpoints: [
      { specification: 'http://wiki.open311.org/GeoReport_v2', url: `/open311/v2/${code}`, changeset, type: 'production', formats: ['application/json'] },
    ],
  };
}

export async function services(deps: Deps, code: string) {
  await requireJurisdiction(deps, code);
  return CATEGORY_CODES.map((c) => ({
    service_code: c,
    service_name: CATEGORIES[c].zh,
    description: `${CATEGORIES[c].zh} (${CATEGORIES[c].en})`,
    metadata: true,
    type: 'realtime' as const,
    keywords: CATEGORIES[c].en.toLowerCase(),
    group: CATEGORIES[c].zh,
  }));
}

export async function serviceDefinition(deps: Deps, code: string, segment: string) {
  await requireJurisdiction(deps, code);
  const service = stem(segment);
  if (!(CATEGORY_CODES as string[]).includes(service)) throw new ApiError('not_found', [], { zh: `没有服务 ${service}`, en: `No service ${service}` });
  return {
    service_code: service,
    attributes: [
      {
        variable: true,
        code: 'type',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: '诉求类型，默认求助 (the kind of request; help by default)',
        order: 1,
        description: '诉求类型 (kind of request)',
        // 举报 goes through the platform's own channel, where who may see it is restricted.
        values: TICKET_TYPES.filter((t) => t !== 'report').map((t) => ({ key: t, name: `${TYPE_NAMES[t].zh} (${TYPE_NAMES[t].en})` })),
      },
    ],
  };
}

// ---------------------------------------------------------------- requests

type PostBody = z.infer<typeof postRequestOp.body>;

const badField = (path: string, zh: string, en: string) => new ApiError('validation_failed', [{ path, message: { zh, en } }]);

export async function postRequest(deps: Deps, code: string, body: PostBody) {
  await requireJurisdiction(deps, code);
  const client = await deps.store.get('province', keyItem(code, body.api_key));
  if (!client) throw new ApiError('forbidden', [], { zh: 'api_key 无效', en: 'Invalid api_key' });
  if ((body.lat === undefined) !== (body.long === undefined)) throw badField('body.long', 'lat 与 long 须同时提供', 'give lat and long together');
  if (body.lat === undefined && !body.address_string) throw badField('body.lat', '请提供位置（lat 与 long）或 address_string', 'a location is required: lat and long, or address_string');
  if (body['attribute[type]'] === 'report') throw badField('body.attribute[type]', '举报请通过平台提交', 'reports are filed on the platform itself');
  const name = [body.last_name, body.first_name].filter(Boolean).join('');
  const category = body.service_code as Category;
  const { ticket } = await fileTicket(
    deps,
    code,
    {
      type: body['attribute[type]'] ?? 'help',
      category,
      text: body.description ?? `${CATEGORIES[category].zh}：${body.address_string ?? ''}`,
      ...(body.lat !== undefined ? { location: { lat: body.lat, lng: body.long!, ...(body.address_string ? { address: body.address_string } : {}) } } : {}),
      ...(name || body.phone ? { caller: { ...(name ? { name } : {}), ...(body.phone ? { phone: body.phone } : {}) } } : {}),
    },
    { actor: { client: client.id as string }, channel: 'open311' },
  );
  return [{ service_request_id: ticket.id, service_notice: '已受理登记，可凭编号查询进度 (registered; follow it by its id)', account_id: null }];
}

export async function token(deps: Deps, code: string, segment: string) {
  const id = stem(segment);
  const found = await deps.store.get(levelOf(code), caseKey(code, KIND, id));
  if (!found) throw notFound();
  return [{ service_request_id: id, token: id }];
}

const CLOSED = new Set(['closed', 'merged']);
/** What the public sees of a ticket: no filer, numbers masked, the status in the spec's two words. */
function toRequest(c: Case, t: Ticket | undefined): Request311 {
  const category = c.data.category as Category;
  const notes = c.escalatedTo ? `已上报 ${c.escalatedTo} 办理` : c.data.mergedInto ? `已与 ${c.data.mergedInto} 合并办理` : undefined;
  return {
    service_request_id: c.id,
    status: CLOSED.has(c.status) ? 'closed' : 'open',
    ...(notes ? { status_notes: notes } : {}),
    service_name: CATEGORIES[category]?.zh ?? category,
    service_code: category,
    description: c.body,
    agency_responsible: c.escalatedTo ?? c.unit,
    service_notice: '',
    requested_datetime: c.createdAt,
    updated_datetime: c.updatedAt,
    ...(c.due ? { expected_datetime: `${c.due}T23:59:59+08:00` } : {}),
    ...(t?.location?.address ? { address: maskText(t.location.address) } : {}),
    ...(t?.location ? { lat: t.location.lat, long: t.location.lng } : {}),
  };
}

/** Filed to this jurisdiction (not escalated to it from below), and neither a 举报 nor a letter to the leadership. */
const isPublic = (code: string) => (c: Case) => c.data.home === code && c.data.type !== 'report' && c.data.mailbox !== '1';

async function withTickets(deps: Deps, code: string, cases: Case[]) {
  const items = await deps.store.getMany(levelOf(code), cases.map((c) => ticketKey(code, c.id)));
  const byId = new Map(items.map((i) => [i.id as string, i as unknown as Ticket]));
  return cases.map((c) => toRequest(c, byId.get(c.id)));
}

const caseOf = (i: Item) => i as unknown as Case;

export async function getRequest(deps: Deps, code: string, segment: string) {
  await requireJurisdiction(deps, code);
  const item = await deps.store.get(levelOf(code), caseKey(code, KIND, stem(segment)));
  if (!item || !isPublic(code)(caseOf(item))) throw notFound();
  return withTickets(deps, code, [caseOf(item)]);
}

type ListQuery = z.infer<typeof listRequestsOp.query>;

/**
 * Requests filed to the jurisdiction, newest first, within start_date and end_date: ticket ids are ULIDs, whose
 * first ten characters are the time they were made, so the span is one key range of the unit's cases.
 */
export async function listRequests(deps: Deps, code: string, q: ListQuery) {
  await requireJurisdiction(deps, code);
  const table = levelOf(code);
  if (q.service_request_id) {
    const ids = q.service_request_id.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length > 100 || ids.some((id) => !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))) {
      throw badField('query.service_request_id', '最多 100 个以逗号分隔的请求编号', 'at most 100 request ids, separated by commas');
    }
    const items = await deps.store.getMany(table, ids.map((id) => caseKey(code, KIND, id)));
    return withTickets(deps, code, items.map(caseOf).filter(isPublic(code)));
  }
  const end = q.end_date ? Date.parse(q.end_date) : deps.now().getTime();
  const start = q.start_date ? Date.parse(q.start_date) : end - MAX_SPAN_DAYS * 86_400_000;
  if (start > end) throw badField('query.end_date', 'end_date 不能早于 start_date', 'end_date must not be before start_date');
  if (end - start > MAX_SPAN_DAYS * 86_400_000) throw badField('query.end_date', '起止时间最长 90 天', 'start_date and end_date are at most 90 days apart');
  const sk = (ms: number, fill: string) => `${KIND}/${encodeTime(Math.max(0, ms), 10)}${fill.repeat(16)}`;
  const rows: Case[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.query({ table, pk: caseKey(code, KIND, '').pk, skBetween: [sk(start, '0'), sk(end, 'Z')], limit: 200, cursor, descending: true });
    for (const item of page.items) {
      const c = caseOf(item);
      const open = !CLOSED.has(c.status);
      if (!isPublic(code)(c) || (q.service_code && c.data.category !== q.service_code) || (q.status && (q.status === 'open') !== open)) continue;
      rows.push(c);
      if (rows.length === MAX_ROWS) break;
    }
    cursor = page.cursor;
  } while (cursor && rows.length < MAX_ROWS);
  return withTickets(deps, code, rows);
}
