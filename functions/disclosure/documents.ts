import { createHash } from 'node:crypto';
import { encodeTime, monotonicFactory } from 'ulid';
import * as z from '../../shared/zod';
import { commitAudited } from '../../shared/audit';
import { ancestorCandidates, depth, isWithin, levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import type { Text } from '../../shared/i18n';
import { LEVELS, type Level } from '../../shared/levels';
import type { Principal } from '../../shared/roles';
import type { Item, Key, Store, Write } from '../../shared/store/store';
import { fold } from '../../shared/text/words';
import { toChinaDate } from '../../shared/working-days';
import { dueDate } from '../../tenants/settings';
import { unitKey } from '../../tenants/unit';
import { countEvent } from '../stats/rollup';
import { CATEGORY_IDS, type Category } from './categories';
import { indexDocument, unindexDocument } from './search-index';
import { attachmentSchema, type Attachment } from '../uploads/attachments';

/**
 * 主动公开 documents, published once. A document lives at its issuing unit with every version of it; the units it
 * applies to (the whole subtree below the issuer, some levels of it, or some named units) read it by reference from
 * small listing items (one per level reached, kept at the issuer, and one per unit named; each also by category),
 * never from a copy. A unit's page merges its own listing with those its ancestors issued for its level: at most
 * five partitions, whatever the number of documents in the province or of units a document reaches.
 */


export const reachSchema = z.object({
  /** Levels of the issuer's subtree the document applies to (all of them by default). */
  levels: z.array(z.enum(LEVELS)),
  /** Units of the issuer's subtree named one by one. */
  units: z.array(z.string()),
});
export type Reach = z.infer<typeof reachSchema>;

export const DOC_STATUSES = ['draft', 'published', 'withdrawn'] as const;

export const documentSchema = z.object({
  id: z.string(),
  /** 索引号: `{organisation code}/{year}-{serial}`, assigned at publication. */
  indexNo: z.optional(z.string()),
  issuer: z.string(),
  department: z.optional(z.string()),
  /** 文号, e.g. 浙政办发〔2026〕3号. */
  docNumber: z.optional(z.string()),
  category: z.enum(CATEGORY_IDS),
  title: z.string(),
  subjects: z.array(z.string()),
  /** 成文日期: when the information was formed; the Art. 26 deadline counts from it. */
  writtenOn: z.string(),
  /** Last day of validity, if any. */
  validUntil: z.optional(z.string()),
  body: z.string(),
  attachments: z.array(attachmentSchema),
  reach: reachSchema,
  status: z.enum(DOC_STATUSES),
  /** Publication due under 条例 Art. 26: 20 working days after `writtenOn` (the unit's `disclosure.proactive`). */
  due: z.string(),
  publishedAt: z.optional(z.string()),
  /** Published after `due`. */
  late: z.optional(z.boolean()),
  /** Same content published earlier in the province: this document is a reference to it, its body is not stored. */
  original: z.optional(z.object({ issuer: z.string(), id: z.string() })),
  fingerprint: z.string(),
  withdrawal: z.optional(z.object({ reason: z.string(), at: z.string(), by: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
  by: z.string(),
  /** Version: every change writes the next one, and every version stays readable. */
  v: z.int(),
});
export type Doc = z.infer<typeof documentSchema>;

export const listingItemSchema = z.object({
  id: z.string(),
  issuer: z.string(),
  indexNo: z.string(),
  title: z.string(),
  category: z.enum(CATEGORY_IDS),
  docNumber: z.optional(z.string()),
  summary: z.string(),
  publishedAt: z.string(),
  updatedAt: z.string(),
});
export type ListingItem = z.infer<typeof listingItemSchema>;

/** A draft as its unit's list of drafts shows it. */
export const draftSchema = z.object({ id: z.string(), title: z.string(), category: z.enum(CATEGORY_IDS), due: z.string(), by: z.optional(z.string()) });

// ---------------------------------------------------------------- keys

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const docKey = (issuer: string, id: string): Key => ({ pk: `${prefixOf(issuer)}#doc`, sk: id });
const versionKey = (issuer: string, id: string, v: number): Key => ({ pk: `${prefixOf(issuer)}#doc#${id}`, sk: `v#${pad(v, 6)}` });
const serialKey = (issuer: string, year: string): Key => ({ pk: `${prefixOf(issuer)}#doc-serial`, sk: year });
const indexNoKey = (issuer: string, indexNo: string): Key => ({ pk: `${prefixOf(issuer)}#doc-indexno`, sk: indexNo });
export const profileKey = (unit: string): Key => ({ pk: `${prefixOf(unit)}#disclosure-profile`, sk: 'profile' });
/** The last publication per category, for the freshness list. */
export const lastPartition = (unit: string) => `${prefixOf(unit)}#doc-last`;
/** Drafts by their Art. 26 due date, for the overdue list. */
export const draftPartition = (unit: string) => `${prefixOf(unit)}#doc-draft`;
/**
 * Listing partitions: `@self` is a unit's own page (what it issued, and what a unit above named it in), `@<level>`
 * what a unit issued for a level of its subtree.
 */
export const listingPartition = (unit: string, target: 'self' | Level, category?: Category) =>
  `${prefixOf(unit)}#docs@${target}${category ? `#${category}` : ''}`;
/**
 * Content fingerprints of a province's documents, spread over 16 partitions by the hash's first digit so that
 * publications across the province do not all write one partition.
 */
const fingerprintKey = (issuer: string, hash: string): Key => ({ pk: `${code2(issuer)}#doc-fp#${hash[0]}`, sk: hash });
const code2 = (code: string) => code.slice(0, 2);

/** Same words in the same order make the same fingerprint, however spaced, punctuated or typed (full-width, case). */
export const fingerprint = (body: string) =>
  createHash('sha256').update(fold(body).replace(/[^\p{L}\p{N}]+/gu, '')).digest('hex');

const nextId = monotonicFactory();
const bad = (path: string, message: Text) => new ApiError('validation_failed', [{ path, message }]);
const unprocessable = (message: Text) => new ApiError('unprocessable', [], message);

// ---------------------------------------------------------------- writing

export interface NewDocument {
  title: string;
  category: Category;
  department?: string;
  docNumber?: string;
  subjects: string[];
  writtenOn: string;
  validUntil?: string;
  body: string;
  attachments: Attachment[];
  reach?: { levels?: Level[]; units?: string[] };
  /** Keep it as a draft, to publish later (its Art. 26 deadline runs meanwhile). */
  draft?: boolean;
}

async function checkReach(store: Store, issuer: string, reach: NewDocument['reach']): Promise<Reach> {
  const below = LEVELS.filter((l) => depth(l) > depth(levelOf(issuer)));
  const units = [...new Set(reach?.units ?? [])];
  const levels = reach?.levels ? [...new Set(reach.levels)] : reach?.units ? [] : below;
  levels.forEach((l, i) => {
    if (!below.includes(l)) throw bad(`body.reach.levels.${i}`, { zh: `${l} 不在本单位之下`, en: `${l} is not a level below yours` });
  });
  units.forEach((u, i) => {
    if (!isWithin(u, prefixOf(issuer)) || u === issuer) throw bad(`body.reach.units.${i}`, { zh: `${u} 不是本单位的下级单位`, en: `${u} is not a unit below yours` });
  });
  if (units.length) {
    const found = new Map((await store.getMany('registry', units.map(unitKey))).map((u) => [u.code as string, u]));
    units.forEach((u, i) => {
      if (found.get(u)?.status !== 'active') throw bad(`body.reach.units.${i}`, { zh: `单位 ${u} 不存在或已停用`, en: `Unit ${u} does not exist or is suspended` });
    });
  }
  return { levels, units };
}

function checkDates(input: { writtenOn?: string; validUntil?: string }, today: string, writtenOn = input.writtenOn) {
  if (input.writtenOn && input.writtenOn > today) throw bad('body.writtenOn', { zh: '成文日期不能晚于今天', en: 'writtenOn cannot be in the future' });
  if (input.validUntil && writtenOn && input.validUntil < writtenOn) {
    throw bad('body.validUntil', { zh: '有效期不能早于成文日期', en: 'validUntil cannot be before writtenOn' });
  }
}

/**
 * A document's listing keys, each also in its category's listing: on the issuer's page, for each level it reaches
 * (kept at the issuer), and on the page of each unit it names (kept there: a reference, bounded by the units named,
 * so that a page reads one partition for all of them).
 */
const listingKeys = (d: Pick<Doc, 'issuer' | 'id' | 'reach' | 'category'>): { table: Level; key: Key }[] =>
  [
    ...[d.issuer, ...d.reach.units].map((unit) => ({ unit, target: 'self' as const })),
    ...d.reach.levels.map((target) => ({ unit: d.issuer, target })),
  ].flatMap(({ unit, target }) =>
    [undefined, d.category].map((c) => ({ table: levelOf(unit), key: { pk: listingPartition(unit, target, c), sk: d.id } })),
  );

export function listingOf(d: Doc, body = d.body): ListingItem {
  return {
    id: d.id,
    issuer: d.issuer,
    indexNo: d.indexNo!,
    title: d.title,
    category: d.category,
    ...(d.docNumber ? { docNumber: d.docNumber } : {}),
    summary: body.slice(0, 200),
    publishedAt: d.publishedAt!,
    updatedAt: d.updatedAt,
  };
}

const headWrite = (d: Doc, before?: Doc): Write => ({
  op: 'put',
  table: levelOf(d.issuer),
  item: { ...docKey(d.issuer, d.id), ...d },
  expect: before ? { version: before.v } : { absent: true },
});
const versionWrite = (d: Doc): Write => ({ op: 'put', table: levelOf(d.issuer), item: { ...versionKey(d.issuer, d.id, d.v), ...d }, expect: { absent: true } });

/** The organisation code of a 索引号: the unit's 统一社会信用代码 where it recorded one, else its division code. */
async function organisationCode(store: Store, issuer: string) {
  const profile = await store.get(levelOf(issuer), profileKey(issuer));
  return (profile?.creditCode as string | undefined) ?? issuer;
}

export async function createDocument(deps: Deps, actor: Principal, issuer: string, input: NewDocument): Promise<Doc> {
  const now = deps.now();
  const today = toChinaDate(now);
  checkDates(input, today);
  const reach = await checkReach(deps.store, issuer, input.reach);
  const { due } = await dueDate(deps.store, issuer, input.writtenOn, { deadline: 'disclosure.proactive' });
  const at = now.toISOString();
  const { reach: _r, draft, ...fields } = input;
  const doc: Doc = {
    ...fields,
    id: nextId(now.getTime()),
    issuer,
    reach,
    status: 'draft',
    due,
    fingerprint: fingerprint(input.body),
    createdAt: at,
    updatedAt: at,
    by: actor.sub,
    v: 1,
  };
  if (draft) {
    await commitAudited(deps, now, issuer, { actor, action: 'disclosure.draft', subject: `document/${doc.id}`, after: doc }, [
      headWrite(doc),
      versionWrite(doc),
      { op: 'put', table: levelOf(issuer), item: { pk: draftPartition(issuer), sk: `${due}#${doc.id}`, id: doc.id, title: doc.title, category: doc.category, due, by: actor.sub } },
    ]);
    return doc;
  }
  return publish(deps, actor, undefined, doc);
}

export async function publishDraft(deps: Deps, actor: Principal, issuer: string, id: string, v: number): Promise<Doc> {
  const before = await readHead(deps.store, issuer, id);
  if (before.v !== v) throw new ApiError('conflict');
  if (before.status !== 'draft') throw unprocessable({ zh: '只有草稿可以发布', en: 'Only a draft can be published' });
  return publish(deps, actor, before, { ...before, v: before.v + 1 });
}

/**
 * Publication: the 索引号 from the issuer's yearly counter (a conditional write, so two publications never share a
 * serial), the listings for every target, the fingerprint, the freshness marker and the counted events, with the
 * audit entry, in one transaction. Same content already published in the province makes this a reference to it.
 */
async function publish(deps: Deps, actor: Principal, draft: Doc | undefined, doc: Doc): Promise<Doc> {
  const { store } = deps;
  const issuer = doc.issuer;
  const table = levelOf(issuer);
  for (let attempt = 0; attempt < 6; attempt++) {
    const now = deps.now();
    const at = now.toISOString();
    const today = toChinaDate(now);
    const year = today.slice(0, 4);
    const [serial, fp, org] = await Promise.all([
      store.get(table, serialKey(issuer, year)),
      store.get('province', fingerprintKey(issuer, doc.fingerprint)),
      organisationCode(store, issuer),
    ]);
    const n = ((serial?.n as number | undefined) ?? 0) + 1;
    const indexNo = `${org}/${year}-${pad(n, 5)}`;
    const original = fp ? { issuer: fp.issuer as string, id: fp.id as string } : undefined;
    const late = today > doc.due;
    const after: Doc = {
      ...doc,
      indexNo,
      status: 'published',
      publishedAt: at,
      late,
      updatedAt: at,
      // A reference keeps no second copy of the text or its files: readers get the original's.
      ...(original ? { original, body: '', attachments: [] } : {}),
    };
    const text = original ? await originalText(store, original) : { body: doc.body, attachments: doc.attachments };
    const listing = listingOf(after, text.body);
    const writes: Write[] = [
      headWrite(after, draft),
      versionWrite(after),
      { op: 'put', table, item: { ...serialKey(issuer, year), n, v: n }, expect: serial ? { version: serial.v as number } : { absent: true } },
      { op: 'put', table, item: { ...indexNoKey(issuer, indexNo), id: after.id }, expect: { absent: true } },
      ...listingKeys(after).map((k): Write => ({ op: 'put', table: k.table, item: { ...k.key, ...listing } })),
      { op: 'put', table, item: { pk: lastPartition(issuer), sk: after.category, category: after.category, on: today, id: after.id, by: actor.sub } },
      ...(original
        ? []
        : [{ op: 'put', table: 'province', item: { ...fingerprintKey(issuer, after.fingerprint), issuer, id: after.id }, expect: { absent: true } } as Write]),
      ...(draft ? [{ op: 'delete', table, key: { pk: draftPartition(issuer), sk: `${doc.due}#${doc.id}` } } as Write] : []),
      countEvent({ unit: issuer, kind: 'disclosure-published', day: today, eventId: `document/${after.id}/published` }, now),
      ...(late ? [countEvent({ unit: issuer, kind: 'disclosure-late', day: today, eventId: `document/${after.id}/late` }, now)] : []),
    ];
    try {
      await commitAudited(deps, now, issuer, { actor, action: 'disclosure.publish', subject: `document/${after.id}`, before: draft ?? null, after }, writes);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'conflict')) throw e;
      // Someone changed the draft meanwhile: that is the caller's conflict. Otherwise another publication took the
      // serial (or the fingerprint) first: read again and retry.
      if (draft && (await readHead(store, issuer, doc.id)).v !== draft.v) throw e;
      continue;
    }
    await indexDocument(deps, after, text.body);
    return after;
  }
  throw new ApiError('conflict');
}

async function originalText(store: Store, original: { issuer: string; id: string }) {
  const o = await readHead(store, original.issuer, original.id);
  return { body: o.body, attachments: o.attachments };
}

export interface DocumentChange {
  v: number;
  title?: string;
  category?: Category;
  department?: string;
  docNumber?: string;
  subjects?: string[];
  validUntil?: string;
  body?: string;
  attachments?: Attachment[];
}

/** A new version; `v` is the version the change was made from, and a stale one is a 409 with nothing written. */
export async function updateDocument(deps: Deps, actor: Principal, issuer: string, id: string, change: DocumentChange): Promise<Doc> {
  const before = await readHead(deps.store, issuer, id);
  if (before.v !== change.v) throw new ApiError('conflict');
  if (before.status === 'withdrawn') throw unprocessable({ zh: '已撤回的文件不能修改', en: 'A withdrawn document cannot be changed' });
  checkDates(change, toChinaDate(deps.now()), before.writtenOn);
  const now = deps.now();
  const at = now.toISOString();
  const { v: _v, ...fields } = change;
  const newBody = change.body !== undefined && fingerprint(change.body) !== before.fingerprint;
  const after: Doc = { ...before, ...fields, updatedAt: at, by: actor.sub, v: before.v + 1 };
  if (newBody) {
    // Its own text now: no longer a reference to the original.
    delete after.original;
    after.fingerprint = fingerprint(change.body!);
  }
  const table = levelOf(issuer);
  const writes: Write[] = [headWrite(after, before), versionWrite(after)];
  let text = { body: after.body, attachments: after.attachments };
  if (before.status === 'published') {
    if (after.original) text = await originalText(deps.store, after.original);
    const listing = listingOf(after, text.body);
    const keep = new Set(listingKeys(after).map((k) => k.key.pk));
    writes.push(
      ...listingKeys(after).map((k): Write => ({ op: 'put', table: k.table, item: { ...k.key, ...listing } })),
      ...listingKeys(before)
        .filter((k) => !keep.has(k.key.pk))
        .map((k): Write => ({ op: 'delete', table: k.table, key: k.key })),
      { op: 'put', table, item: { pk: lastPartition(issuer), sk: after.category, category: after.category, on: toChinaDate(now), id, by: actor.sub } },
    );
  }
  await commitAudited(deps, now, issuer, { actor, action: 'disclosure.update', subject: `document/${id}`, before, after }, writes);
  if (after.status === 'published') await indexDocument(deps, after, text.body);
  return after;
}

/**
 * Withdrawal (撤回): the document leaves every listing, the search index and the fingerprints, but its record and
 * every version stay, with the reason, for auditors.
 */
export async function withdrawDocument(deps: Deps, actor: Principal, issuer: string, id: string, v: number, reason: string): Promise<Doc> {
  const before = await readHead(deps.store, issuer, id);
  if (before.v !== v) throw new ApiError('conflict');
  if (before.status !== 'published') throw unprocessable({ zh: '只有已发布的文件可以撤回', en: 'Only a published document can be withdrawn' });
  const now = deps.now();
  const at = now.toISOString();
  const after: Doc = { ...before, status: 'withdrawn', withdrawal: { reason, at, by: actor.sub }, updatedAt: at, v: before.v + 1 };
  const table = levelOf(issuer);
  const fp = await deps.store.get('province', fingerprintKey(issuer, before.fingerprint));
  const ownsFingerprint = fp?.issuer === issuer && fp.id === id;
  await commitAudited(deps, now, issuer, { actor, action: 'disclosure.withdraw', subject: `document/${id}`, before, after }, [
    headWrite(after, before),
    versionWrite(after),
    ...listingKeys(before).map((k): Write => ({ op: 'delete', table: k.table, key: k.key })),
    ...(ownsFingerprint ? [{ op: 'delete', table: 'province', key: fingerprintKey(issuer, before.fingerprint) } as Write] : []),
  ]);
  await unindexDocument(deps, after);
  return after;
}

/** Records the 统一社会信用代码 the unit's 索引号 begin with from now on (serials already given stay as they are). */
export async function setCreditCode(deps: Deps, actor: Principal, unit: string, creditCode: string) {
  const table = levelOf(unit);
  const before = await deps.store.get(table, profileKey(unit));
  const now = deps.now();
  const v = (before?.v as number | undefined) ?? 0;
  const after = { unit, creditCode, updatedAt: now.toISOString(), v: v + 1 };
  await commitAudited(deps, now, unit, { actor, action: 'disclosure.profile', subject: 'disclosure-profile', before: before ?? null, after }, [
    { op: 'put', table, item: { ...profileKey(unit), ...after }, expect: before ? { version: v } : { absent: true } },
  ]);
  return after;
}

// ---------------------------------------------------------------- reading

export async function readHead(store: Store, issuer: string, id: string): Promise<Doc> {
  const item = await store.get(levelOf(issuer), docKey(issuer, id));
  if (!item) throw notFound();
  return documentSchema.parse(item);
}

/** A published document as the public reads it: a reference shows the original's text and files. */
export async function readPublished(store: Store, issuer: string, id: string) {
  const d = await readHead(store, issuer, id);
  if (d.status !== 'published') throw notFound();
  return d.original ? { ...d, ...(await originalText(store, d.original)) } : d;
}

export async function readVersions(store: Store, issuer: string, id: string): Promise<Doc[]> {
  const out: Doc[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ table: levelOf(issuer), pk: versionKey(issuer, id, 0).pk, skBeginsWith: 'v#', limit: 100, cursor });
    out.push(...page.items.map((i) => documentSchema.parse(i)));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const encode = (id: string) => Buffer.from(id).toString('base64url');
function decode(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!ULID.test(id)) throw new ApiError('invalid_cursor');
  return id;
}

/** A cursor that starts a list at what was created before `ms` (a year's end, say): ids begin with their time. */
export const cursorBefore = (ms: number) => encode(`${encodeTime(ms, 10)}${'0'.repeat(16)}`);

/** The partitions a unit's page reads: its own page, and what each possible ancestor issued for its level (at most five). */
export function pagePartitions(unit: string, category?: Category): { table: Level; pk: string }[] {
  return [
    { table: levelOf(unit), pk: listingPartition(unit, 'self', category) },
    ...ancestorCandidates(unit).map((a) => ({ table: levelOf(a), pk: listingPartition(a, levelOf(unit), category) })),
  ];
}

/**
 * A unit's document list, newest first: a page from each of its partitions, merged. A document addressed both to
 * the unit's level and to the unit by name shows once.
 */
export async function listDocuments(store: Store, unit: string, q: { limit: number; cursor?: string; category?: Category }) {
  const before = q.cursor ? decode(q.cursor) : undefined;
  const pages = await Promise.all(
    pagePartitions(unit, q.category).map((p) =>
      store.query({ table: p.table, pk: p.pk, descending: true, limit: q.limit + 2, ...(before ? { skBetween: ['0', before] as [string, string] } : {}) }),
    ),
  );
  const seen = new Set<string>();
  const all: Item[] = [];
  for (const i of pages.flatMap((p) => p.items).sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0))) {
    if (i.sk === before || seen.has(i.sk)) continue;
    seen.add(i.sk);
    all.push(i);
  }
  const page = all.slice(0, q.limit);
  const items = page.map(({ pk: _pk, sk: _sk, ...rest }) => listingItemSchema.parse(rest));
  return { items, ...(all.length > q.limit ? { cursor: encode(page.at(-1)!.sk) } : {}) };
}

/** The unit's drafts by due date, from the small partition that publication empties: never the documents themselves. */
export async function listDrafts(store: Store, unit: string, q: { limit: number; cursor?: string }) {
  const page = await store.query({ table: levelOf(unit), pk: draftPartition(unit), limit: q.limit, cursor: q.cursor });
  const items = page.items.map(({ id, title, category, due, by }) => draftSchema.parse({ id, title, category, due, by }));
  return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
}
