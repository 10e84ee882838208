import * as z from '../../shared/zod';
import { commitAudited } from '../../shared/audit';
import { ancestorCandidates, isWithin, levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound, type FieldError } from '../../shared/errors';
import type { Text } from '../../shared/i18n';
import type { Principal } from '../../shared/roles';
import type { Item, Key, Store, Write } from '../../shared/store/store';
import { distinctWords } from '../../shared/text/words';
import { deptKey } from '../../tenants/people';
import { getUnit } from '../../tenants/units';
import { unitKey } from '../../tenants/unit';
import { formDefinitionErrors, formSchema } from './forms';

/**
 * The catalogue of government services (政务服务事项). A unit defines an item once; units below it adopt it with their
 * local details (implementing department, address, hours, a shorter promised limit) instead of copying it, so a
 * change at the top reaches every adopter at once, and each adopter sees which revisions it has not yet looked at.
 *
 * Keys, in the defining unit's level table:
 *   <p>#svc-item / <code>                 the item
 *   <p>#svc-topic#<life|biz>:<topic> / <code>  one summary per life event or business stage it serves
 *   <p>#svc-word#<word> / <code>          one entry per word of its name, department and topics
 * and in the adopter's: <p>#svc-adopt / <definer>/<code>.
 * A unit's catalogue is its own items and its ancestors' (at most five partitions, merged by code), so a page costs
 * the same whether one unit or ten thousand adopted the items on it.
 */

/**
 * Codes in the API, labels for people: the codes keep URLs and validation messages plain ASCII, the labels are what
 * the guide shows and what word search matches (a search for 出生 finds the items of the life event 'birth').
 */
export const ITEM_TYPE_LABELS = {
  licensing: '行政许可',
  benefit: '行政给付',
  confirmation: '行政确认',
  adjudication: '行政裁决',
  'other-power': '其他行政权力',
  'public-service': '公共服务',
} as const;
export const LIFE_EVENT_LABELS = {
  birth: '出生',
  school: '上学',
  employment: '就业',
  family: '婚育',
  housing: '住房',
  'social-insurance': '社保',
  medical: '医疗',
  elderly: '养老',
  'after-death': '身后事',
  household: '户籍',
  travel: '出行',
  relief: '救助',
} as const;
export const BUSINESS_STAGE_LABELS = {
  start: '开办',
  permit: '准营',
  operate: '经营',
  change: '变更',
  close: '注销',
  construction: '投资建设',
  hiring: '用工',
  tax: '纳税',
} as const;
/** How far an item can be done online, from wholly online to only at the counter. */
export const ONLINE_LABELS = { online: '全程网办', 'online-review': '网上预审', 'online-booking': '网上预约', counter: '窗口办理' } as const;
/** 即办件 are done on the spot; 承诺件 within a promised number of working days. */
export const KIND_LABELS = { instant: '即办件', promised: '承诺件' } as const;

const keys = <T extends object>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];
export const ITEM_TYPES = keys(ITEM_TYPE_LABELS);
export const LIFE_EVENTS = keys(LIFE_EVENT_LABELS);
export const BUSINESS_STAGES = keys(BUSINESS_STAGE_LABELS);
export const ONLINE_DEPTHS = keys(ONLINE_LABELS);
export const ITEM_KINDS = keys(KIND_LABELS);

export const itemCodeSchema = z.string().check(z.regex(/^[0-9A-Za-z][0-9A-Za-z-]{2,39}$/));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const days = z.int().check(z.gte(0), z.lte(365));
const ulid = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/));

export const materialSchema = z.strictObject({
  name: text(200),
  required: z.boolean(),
  copies: z.optional(z.int().check(z.gte(1), z.lte(20))),
  note: z.optional(text(500)),
});

/** What a definer writes: everything about the item that is the same wherever it is done. */
export const itemInputShape = {
  name: text(100),
  type: z.enum(ITEM_TYPES),
  /** The competent department (主管部门) as the public knows it. */
  competentDepartment: text(100),
  /** The definer's own department that handles applications made to it. */
  deptId: ulid,
  legalBasis: text(2_000),
  conditions: text(2_000),
  materials: z.array(materialSchema).check(z.maxLength(30)),
  fee: text(200),
  /** 法定办结时限 and 承诺办结时限, in working days; the promise is never above the law. */
  statutoryDays: days,
  promisedDays: days,
  kind: z.enum(ITEM_KINDS),
  online: z.enum(ONLINE_DEPTHS),
  lifeEvents: z.array(z.enum(LIFE_EVENTS)).check(z.maxLength(5)),
  businessStages: z.array(z.enum(BUSINESS_STAGES)).check(z.maxLength(5)),
  form: formSchema,
};
export const itemInputSchema = z.strictObject({ code: itemCodeSchema, ...itemInputShape });
export type ItemInput = z.infer<typeof itemInputSchema>;

export const revisionSchema = z.object({ rev: z.int(), at: z.string(), by: z.string(), changed: z.array(z.string()) });
export const serviceItemSchema = z.object({
  ...itemInputShape,
  code: z.string(),
  /** The defining unit. */
  unit: z.string(),
  rev: z.int(),
  /** The latest revisions (at most REVISIONS_KEPT), newest last: what adopters are shown as changed. */
  revisions: z.array(revisionSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  v: z.int(),
});
export type ServiceItem = z.infer<typeof serviceItemSchema>;
const REVISIONS_KEPT = 20;

export const adoptionInputSchema = z.strictObject({
  /** The adopter's implementing department. */
  deptId: ulid,
  address: text(200),
  hours: text(200),
  phone: z.optional(z.string().check(z.regex(/^[0-9+() -]{3,32}$/))),
  /** A shorter promise than the definer's, if the adopter makes one. */
  promisedDays: z.optional(days),
});
export const adoptionSchema = z.object({
  ...adoptionInputSchema.def.shape,
  unit: z.string(),
  definer: z.string(),
  code: z.string(),
  /** The item's revision the adopter last looked at. */
  seenRev: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  v: z.int(),
});
export type Adoption = z.infer<typeof adoptionSchema>;

export const itemKey = (unit: string, code: string): Key => ({ pk: `${prefixOf(unit)}#svc-item`, sk: code });
const topicPartition = (unit: string, topic: string) => `${prefixOf(unit)}#svc-topic#${topic}`;
const wordPartition = (unit: string, word: string) => `${prefixOf(unit)}#svc-word#${word}`;
export const adoptionKey = (unit: string, definer: string, code: string): Key => ({ pk: `${prefixOf(unit)}#svc-adopt`, sk: `${definer}/${code}` });

const topicsOf = (i: Pick<ItemInput, 'lifeEvents' | 'businessStages'>) => [
  ...i.lifeEvents.map((t) => `life:${t}`),
  ...i.businessStages.map((t) => `biz:${t}`),
];
/** At most 40 words, so that an item with its index fits one transaction with room to spare. */
const wordsOf = (i: Pick<ItemInput, 'name' | 'competentDepartment' | 'lifeEvents' | 'businessStages' | 'type'>) =>
  distinctWords(
    [
      i.name,
      i.competentDepartment,
      ITEM_TYPE_LABELS[i.type],
      ...i.lifeEvents.map((t) => LIFE_EVENT_LABELS[t]),
      ...i.businessStages.map((t) => BUSINESS_STAGE_LABELS[t]),
    ].join(' '),
  ).slice(0, 40);

export const summarySchema = z.object({
  unit: z.string(),
  code: z.string(),
  name: z.string(),
  type: z.enum(ITEM_TYPES),
  kind: z.enum(ITEM_KINDS),
  online: z.enum(ONLINE_DEPTHS),
  promisedDays: z.int(),
  competentDepartment: z.string(),
  deptId: z.string(),
});
export type Summary = z.infer<typeof summarySchema>;
const summaryOf = (i: ServiceItem): Summary => ({
  unit: i.unit,
  code: i.code,
  name: i.name,
  type: i.type,
  kind: i.kind,
  online: i.online,
  promisedDays: i.promisedDays,
  competentDepartment: i.competentDepartment,
  deptId: i.deptId,
});

const fieldError = (path: string, message: Text): FieldError => ({ path, message });

function itemErrors(input: Omit<ItemInput, 'code'>): FieldError[] {
  const out = formDefinitionErrors(input.form, 'body.form');
  if (input.promisedDays > input.statutoryDays) {
    out.push(
      fieldError('body.promisedDays', {
        zh: `承诺办结时限（${input.promisedDays} 个工作日）不能超过法定办结时限（${input.statutoryDays} 个工作日）`,
        en: `the promised limit (${input.promisedDays} working days) must not exceed the statutory one (${input.statutoryDays})`,
      }),
    );
  }
  if (input.kind === 'instant' && input.promisedDays !== 0) {
    out.push(fieldError('body.promisedDays', { zh: '即办件当场办结，承诺时限应为 0', en: 'an on-the-spot item (即办件) promises 0 days' }));
  }
  if (input.lifeEvents.length + input.businessStages.length === 0) {
    out.push(fieldError('body.lifeEvents', { zh: '至少归入一个人生事件或企业阶段', en: 'give at least one life event or business stage' }));
  }
  return out;
}

/** A transaction check that the department exists and is active, as read now. */
async function activeDept(store: Store, unit: string, deptId: string, path: string): Promise<Write> {
  const key = deptKey(unit, deptId);
  const d = await store.get(levelOf(unit), key);
  if (d?.status !== 'active') {
    throw new ApiError('validation_failed', [fieldError(path, { zh: '本单位没有该部门，或该部门已停用', en: 'no active department with this id in the unit' })]);
  }
  return { op: 'check', table: levelOf(unit), key, expect: { version: d.v as number } };
}

/** The index writes that take `before`'s entries to `after`'s: puts for every summary, deletes for what left. */
function indexWrites(before: ServiceItem | undefined, after: ServiceItem): Write[] {
  const table = levelOf(after.unit);
  const sk = after.code;
  const out: Write[] = [];
  const topics = new Set(topicsOf(after));
  for (const t of topicsOf(before ?? { lifeEvents: [], businessStages: [] })) {
    if (!topics.has(t)) out.push({ op: 'delete', table, key: { pk: topicPartition(after.unit, t), sk } });
  }
  for (const t of topics) out.push({ op: 'put', table, item: { pk: topicPartition(after.unit, t), sk, ...summaryOf(after) } });
  const words = new Set(wordsOf(after));
  const had = new Set(before ? wordsOf(before) : []);
  for (const w of had) if (!words.has(w)) out.push({ op: 'delete', table, key: { pk: wordPartition(after.unit, w), sk } });
  for (const w of words) if (!had.has(w)) out.push({ op: 'put', table, item: { pk: wordPartition(after.unit, w), sk, code: sk } });
  return out;
}

export async function getItem(store: Store, unit: string, code: string): Promise<ServiceItem | undefined> {
  const item = await store.get(levelOf(unit), itemKey(unit, code));
  return item && serviceItemSchema.parse(item);
}

export async function defineItem(deps: Deps, actor: Principal, unit: string, input: ItemInput): Promise<ServiceItem> {
  const errors = itemErrors(input);
  if (errors.length > 0) throw new ApiError('validation_failed', errors);
  await getUnit(deps.store, unit);
  const dept = await activeDept(deps.store, unit, input.deptId, 'body.deptId');
  const at = deps.now().toISOString();
  const item: ServiceItem = { ...input, unit, rev: 1, revisions: [{ rev: 1, at, by: actor.sub, changed: ['*'] }], createdAt: at, updatedAt: at, v: 1 };
  try {
    await commitAudited(deps, deps.now(), unit, { actor, action: 'service-item.define', subject: `service-item/${input.code}`, after: item }, [
      { op: 'put', table: levelOf(unit), item: { ...itemKey(unit, input.code), ...item }, expect: { absent: true } },
      dept,
      ...indexWrites(undefined, item),
    ]);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'conflict') throw new ApiError('already_exists');
    throw e;
  }
  return item;
}

/** Replaces an item's content (`v` the version read); adopters see the names of the fields that changed. */
export async function changeItem(deps: Deps, actor: Principal, unit: string, code: string, v: number, input: Omit<ItemInput, 'code'>) {
  const errors = itemErrors(input);
  if (errors.length > 0) throw new ApiError('validation_failed', errors);
  const before = await getItem(deps.store, unit, code);
  if (!before) throw notFound();
  if (before.v !== v) throw new ApiError('conflict');
  const changed = (Object.keys(itemInputShape) as (keyof typeof itemInputShape)[]).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(input[k]),
  );
  if (changed.length === 0) return before;
  const dept = before.deptId === input.deptId ? [] : [await activeDept(deps.store, unit, input.deptId, 'body.deptId')];
  const at = deps.now().toISOString();
  const rev = before.rev + 1;
  const after: ServiceItem = {
    ...before,
    ...input,
    rev,
    revisions: [...before.revisions, { rev, at, by: actor.sub, changed }].slice(-REVISIONS_KEPT),
    updatedAt: at,
    v: before.v + 1,
  };
  await commitAudited(deps, deps.now(), unit, { actor, action: 'service-item.change', subject: `service-item/${code}`, before, after }, [
    { op: 'put', table: levelOf(unit), item: { ...itemKey(unit, code), ...after }, expect: { version: before.v } },
    ...dept,
    ...indexWrites(before, after),
  ]);
  return after;
}

const notBelow = () =>
  new ApiError('validation_failed', [fieldError('params.definer', { zh: '只能承接上级单位定义的事项', en: 'only items defined by a unit above yours can be adopted' })]);

export async function getAdoption(store: Store, unit: string, definer: string, code: string): Promise<Adoption | undefined> {
  const item = await store.get(levelOf(unit), adoptionKey(unit, definer, code));
  return item && adoptionSchema.parse(item);
}

/** Adopts an item of a unit above, or changes the local details of an adoption (`v` 0 for a new one). */
export async function adoptItem(
  deps: Deps,
  actor: Principal,
  unit: string,
  definer: string,
  code: string,
  v: number,
  input: z.infer<typeof adoptionInputSchema>,
): Promise<Adoption> {
  if (!isWithin(unit, prefixOf(definer)) || unit === definer) throw notBelow();
  const [item, before] = await Promise.all([getItem(deps.store, definer, code), getAdoption(deps.store, unit, definer, code)]);
  if (!item) throw notFound();
  if ((before?.v ?? 0) !== v) throw new ApiError('conflict');
  if (input.promisedDays !== undefined && input.promisedDays > item.promisedDays) {
    throw new ApiError('validation_failed', [
      fieldError('body.promisedDays', {
        zh: `本地承诺时限不能超过上级承诺的 ${item.promisedDays} 个工作日`,
        en: `the local promise must not exceed the definer's ${item.promisedDays} working days`,
      }),
    ]);
  }
  const dept = await activeDept(deps.store, unit, input.deptId, 'body.deptId');
  const at = deps.now().toISOString();
  const after: Adoption = {
    ...input,
    unit,
    definer,
    code,
    seenRev: item.rev,
    createdAt: before?.createdAt ?? at,
    updatedAt: at,
    v: v + 1,
  };
  await commitAudited(deps, deps.now(), unit, { actor, action: before ? 'service-item.adoption-change' : 'service-item.adopt', subject: `service-item/${definer}/${code}`, before, after }, [
    { op: 'put', table: levelOf(unit), item: { ...adoptionKey(unit, definer, code), ...after }, expect: before ? { version: before.v } : { absent: true } },
    dept,
  ]);
  return after;
}

/** An adoption with the item as it is now and the revisions made since the adopter last looked. */
export async function readAdoption(store: Store, unit: string, definer: string, code: string) {
  const [item, adoption] = await Promise.all([getItem(store, definer, code), getAdoption(store, unit, definer, code)]);
  if (!item || !adoption) throw notFound();
  return { adoption, item, unseen: item.revisions.filter((r) => r.rev > adoption.seenRev) };
}

/** The adopter has looked at the item's revisions up to `rev`. */
export async function markSeen(deps: Deps, actor: Principal, unit: string, definer: string, code: string, rev: number) {
  const { adoption, item } = await readAdoption(deps.store, unit, definer, code);
  if (rev > item.rev || rev < adoption.seenRev) {
    throw new ApiError('validation_failed', [fieldError('body.rev', { zh: `修订号应在 ${adoption.seenRev} 到 ${item.rev} 之间`, en: `rev must be between ${adoption.seenRev} and ${item.rev}` })]);
  }
  const after: Adoption = { ...adoption, seenRev: rev, updatedAt: deps.now().toISOString(), v: adoption.v + 1 };
  await commitAudited(deps, deps.now(), unit, { actor, action: 'service-item.seen', subject: `service-item/${definer}/${code}`, before: adoption, after }, [
    { op: 'put', table: levelOf(unit), item: { ...adoptionKey(unit, definer, code), ...after }, expect: { version: adoption.v } },
  ]);
  return after;
}

// ---------------------------------------------------------------- where an item is offered

/** The unit, then its possible ancestors nearest first: where items offered at `unit` can be defined. */
export const lineage = (unit: string) => [unit, ...ancestorCandidates(unit)];

/** The unit and those of its ancestors that exist (one batch read); 404 when the unit itself does not. */
async function existingLineage(store: Store, unit: string): Promise<string[]> {
  const found = new Set((await store.getMany('registry', lineage(unit).map(unitKey))).map((u) => u.code as string));
  if (!found.has(unit)) throw notFound();
  return lineage(unit).filter((u) => found.has(u));
}

export interface Offer {
  /** Where to apply: the nearest unit from `unit` upwards that adopted the item, else its definer. */
  at: string;
  deptId: string;
  promisedDays: number;
  address?: string;
  hours?: string;
  phone?: string;
}

/**
 * For items defined above `unit`, the adoptions that decide where each is done, read in one batch per level between
 * `unit` and the definer (at most four, whatever the number of items or adopters).
 */
async function adoptionsFor(store: Store, unit: string, items: Pick<ServiceItem, 'unit' | 'code'>[]): Promise<Map<string, Adoption>> {
  const wanted = new Map<string, Key[]>();
  for (const i of items) {
    for (const u of lineage(unit)) {
      if (u === i.unit) break;
      const table = levelOf(u);
      wanted.set(table, [...(wanted.get(table) ?? []), adoptionKey(u, i.unit, i.code)]);
    }
  }
  const found = await Promise.all([...wanted].map(([table, keys]) => store.getMany(table as Parameters<Store['getMany']>[0], keys)));
  return new Map(found.flat().map((a) => [`${a.unit as string}/${a.definer as string}/${a.code as string}`, adoptionSchema.parse(a)]));
}

function offerOf(unit: string, item: Pick<ServiceItem, 'unit' | 'code' | 'deptId' | 'promisedDays'>, adoptions: Map<string, Adoption>): Offer {
  for (const u of lineage(unit)) {
    if (u === item.unit) break;
    const a = adoptions.get(`${u}/${item.unit}/${item.code}`);
    if (a) {
      return {
        at: u,
        deptId: a.deptId,
        promisedDays: Math.min(a.promisedDays ?? item.promisedDays, item.promisedDays),
        address: a.address,
        hours: a.hours,
        ...(a.phone ? { phone: a.phone } : {}),
      };
    }
  }
  return { at: item.unit, deptId: item.deptId, promisedDays: item.promisedDays };
}

/**
 * Where applications for items are made at `unit`, which must define or have adopted each: one batch read per
 * defining level and one for the unit's adoptions, however many items. Undefined for an item `unit` does not offer.
 */
export async function offersAt(store: Store, unit: string, refs: { definer: string; item: string }[]) {
  const byTable = new Map<string, Key[]>();
  for (const r of refs) byTable.set(levelOf(r.definer), [...(byTable.get(levelOf(r.definer)) ?? []), itemKey(r.definer, r.item)]);
  const adopted = refs.filter((r) => r.definer !== unit).map((r) => adoptionKey(unit, r.definer, r.item));
  const [items, adoptions] = await Promise.all([
    Promise.all([...byTable].map(([t, keys]) => store.getMany(t as Parameters<Store['getMany']>[0], keys))).then((x) => x.flat()),
    adopted.length > 0 ? store.getMany(levelOf(unit), adopted) : [],
  ]);
  const found = new Map(items.map((i) => [`${i.unit as string}/${i.code as string}`, serviceItemSchema.parse(i)]));
  const local = new Map(adoptions.map((a) => [`${unit}/${a.definer as string}/${a.code as string}`, adoptionSchema.parse(a)]));
  return refs.map((r) => {
    const item = found.get(`${r.definer}/${r.item}`);
    if (!item || (r.definer !== unit && !local.has(`${unit}/${r.definer}/${r.item}`))) return undefined;
    return { item, offer: offerOf(unit, item, local) };
  });
}

/** The one item as offered at `unit`: 404 for no such item, 422 when `unit` neither defines nor adopted it. */
export async function offerAt(store: Store, unit: string, definer: string, code: string) {
  const [found] = await offersAt(store, unit, [{ definer, item: code }]);
  if (found) return found;
  if (!(await getItem(store, definer, code))) throw notFound();
  throw new ApiError('unprocessable', [], { zh: `${unit} 没有承接该事项，请到办理地申请`, en: `${unit} does not offer this item; apply where it is done` });
}

export const offerSchema = z.object({
  at: z.string(),
  deptId: z.string(),
  promisedDays: z.int(),
  address: z.optional(z.string()),
  hours: z.optional(z.string()),
  phone: z.optional(z.string()),
});

// ---------------------------------------------------------------- browsing

export type Topic = { life: keyof typeof LIFE_EVENT_LABELS } | { biz: keyof typeof BUSINESS_STAGE_LABELS };

const cursorOf = (s: Summary) => Buffer.from(JSON.stringify([s.code, s.unit])).toString('base64url');
function afterOf(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string')) return v as [string, string];
  } catch {
    // falls through to the error below
  }
  throw new ApiError('invalid_cursor');
}
const order = (a: Summary, b: Summary) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0);

/**
 * A page of what is offered at `unit` (its own items and its ancestors'), optionally for one life event or business
 * stage, in code order: one query per possible defining unit (at most five) and one batch read per level for the
 * adoptions that say where each is done. Nothing here grows with the number of adopting units.
 */
export async function browse(store: Store, unit: string, topic: Topic | undefined, limit: number, cursor?: string) {
  const after = afterOf(cursor);
  const units = await existingLineage(store, unit);
  const t = topic && ('life' in topic ? `life:${topic.life}` : `biz:${topic.biz}`);
  const pages = await Promise.all(
    units.map((u) =>
      store.query({
        table: levelOf(u),
        pk: t ? topicPartition(u, t) : itemKey(u, '').pk,
        ...(after ? { skBetween: [after[0], '~'] as [string, string] } : {}),
        limit: limit + 1,
      }),
    ),
  );
  const merged = pages
    .flatMap((p) => p.items.map((i) => summarySchema.parse(i)))
    .filter((s) => !after || order(s, { code: after[0], unit: after[1] } as Summary) > 0)
    .sort(order);
  const items = merged.slice(0, limit);
  // More may follow when any partition filled its page, or the merge had more than a page.
  const more = merged.length > limit || pages.some((p) => p.cursor !== undefined);
  const adoptions = await adoptionsFor(store, unit, items);
  return {
    items: items.map((s) => ({ ...s, offer: offerOf(unit, s, adoptions) })),
    ...(more && items.length > 0 ? { cursor: cursorOf(items.at(-1)!) } : {}),
  };
}

/** Items offered at `unit` whose name, department or topics hold every word of `q` (Chinese segmented into words). */
export async function search(store: Store, unit: string, q: string, limit: number) {
  const ws = distinctWords(q).slice(0, 5);
  const units = await existingLineage(store, unit);
  if (ws.length === 0) return { items: [] };
  const hits = await Promise.all(
    ws.map(async (w) => {
      const pages = await Promise.all(units.map((u) => store.query({ table: levelOf(u), pk: wordPartition(u, w), limit: 500 })));
      return new Set(pages.flatMap((p, n) => p.items.map((i) => `${units[n]}/${i.sk}`)));
    }),
  );
  const [first, ...rest] = hits;
  const matched = [...first!].filter((k) => rest.every((h) => h.has(k))).sort().slice(0, limit);
  const byTable = new Map<string, Key[]>();
  for (const m of matched) {
    const [u, code] = m.split('/') as [string, string];
    byTable.set(levelOf(u), [...(byTable.get(levelOf(u)) ?? []), itemKey(u, code)]);
  }
  const found = (await Promise.all([...byTable].map(([t, keys]) => store.getMany(t as Parameters<Store['getMany']>[0], keys)))).flat();
  const items = found.map((i) => serviceItemSchema.parse(i));
  const adoptions = await adoptionsFor(store, unit, items);
  return {
    items: items
      .map((i) => ({ ...summaryOf(i), offer: offerOf(unit, i, adoptions) }))
      .sort(order),
  };
}

/** The public guide (办事指南) of an item as done at `unit`: the definition with the local details of where it is done. */
export async function guide(store: Store, unit: string, definer: string, code: string) {
  if (!lineage(unit).includes(definer)) throw notFound();
  const item = await getItem(store, definer, code);
  if (!item) throw notFound();
  const adoptions = await adoptionsFor(store, unit, [item]);
  const offer = offerOf(unit, item, adoptions);
  const dept = await store.get(levelOf(offer.at), deptKey(offer.at, offer.deptId));
  const { revisions: _r, v: _v, deptId: _d, ...shown } = item;
  return { ...shown, offer: { ...offer, ...(dept ? { department: dept.name as string } : {}) } };
}
