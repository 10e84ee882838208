import { monotonicFactory } from 'ulid';
import * as z from '../../shared/zod';
import { commitAudited } from '../../shared/audit';
import { ancestorCandidates, depth, isWithin, levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import { LEVELS, type Level } from '../../shared/levels';
import type { Principal } from '../../shared/roles';
import { ConditionFailed, type Item, type Key, type Store, type Write } from '../../shared/store/store';
import type { TableId } from '../../shared/resources';
import { listChildren } from '../../tenants/units';

/**
 * Notices down the tree, published once: a notice is stored at its sender with one small listing item per targeted
 * level, never copied to the units it reaches. A unit's inbox reads the listings of its ancestors for its own level
 * (at most four partitions) and its own read and 签收 state; signing writes the unit's acknowledgement and adds one
 * to a counter at the notice. Reaching 27,000 villages costs the sender the same handful of writes as reaching one.
 */

export const attachmentSchema = z.object({ name: z.string(), contentType: z.string(), key: z.string(), bytes: z.int() });

export const noticeSchema = z.object({
  id: z.string(),
  from: z.string(),
  title: z.string(),
  body: z.string(),
  attachments: z.array(attachmentSchema),
  /** The levels of the sender's subtree the notice is for. */
  levels: z.array(z.enum(LEVELS)),
  publishedAt: z.string(),
  by: z.string(),
});
export type Notice = z.infer<typeof noticeSchema>;

export const instructionSchema = z.object({ unit: z.string(), text: z.string(), at: z.string(), by: z.string() });
export type Instruction = z.infer<typeof instructionSchema>;

export const ackSchema = z.object({ readAt: z.optional(z.string()), signedAt: z.optional(z.string()), signedBy: z.optional(z.string()) });

export const inboxItemSchema = z.object({
  id: z.string(),
  from: z.string(),
  title: z.string(),
  publishedAt: z.string(),
  /** Implementing instructions attached by units between the sender and this unit, from the top down. */
  instructions: z.array(instructionSchema),
  readAt: z.optional(z.string()),
  signedAt: z.optional(z.string()),
});

export const noticeKey = (from: string, id: string): Key => ({ pk: `${prefixOf(from)}#notice`, sk: id });
const listingPartition = (from: string, level: Level) => `${prefixOf(from)}#notice@${level}`;
const ackKey = (unit: string, id: string): Key => ({ pk: `${prefixOf(unit)}#notice-ack`, sk: id });
const instructionKey = (unit: string, id: string): Key => ({ pk: `${prefixOf(unit)}#notice-instruction`, sk: id });
/**
 * Signatures are counted per level over a few shards, each an item with an optimistic version: units signing at the
 * same moment mostly land on different shards instead of queueing on one item.
 */
const SHARDS = 16;
const countPartition = (from: string, id: string) => `${prefixOf(from)}#notice-signed#${id}`;
const countKey = (from: string, id: string, level: Level, shard: number): Key => ({ pk: countPartition(from, id), sk: `${level}#${String(shard).padStart(2, '0')}` });

const nextId = monotonicFactory();
const levelsBelow = (unit: string): Level[] => LEVELS.filter((l) => depth(l) > depth(levelOf(unit)));

export interface NewAttachment {
  name: string;
  contentType: string;
  /** The file's bytes, base64-encoded; kept in the bucket as sent. */
  base64: string;
}

export interface NewNotice {
  title: string;
  body: string;
  levels?: Level[];
  attachments?: NewAttachment[];
}

export async function publishNotice(deps: Deps, actor: Principal, from: string, input: NewNotice): Promise<Notice> {
  const below = levelsBelow(from);
  const levels = input.levels ? [...new Set(input.levels)] : below;
  levels.forEach((l, i) => {
    if (!below.includes(l)) {
      throw new ApiError('validation_failed', [{ path: `body.levels.${i}`, message: { zh: `${l} 不在本单位之下`, en: `${l} is not a level below yours` } }]);
    }
  });
  if (levels.length === 0) {
    throw new ApiError('validation_failed', [{ path: 'body.levels', message: { zh: '村级单位没有下级可发通知', en: 'a village has no units below it to notify' } }]);
  }
  const now = deps.now();
  const id = nextId(now.getTime());
  // Files first: if the commit then fails they are unreferenced, never a notice pointing at nothing.
  const attachments = await Promise.all(
    (input.attachments ?? []).map(async (f, i) => {
      const key = `notices/${prefixOf(from)}/${id}/${i}`;
      await deps.files.put(key, f.base64, f.contentType);
      return { name: f.name, contentType: f.contentType, key, bytes: Math.floor((f.base64.replace(/=+$/, '').length * 3) / 4) };
    }),
  );
  const notice: Notice = { id, from, title: input.title, body: input.body, attachments, levels, publishedAt: now.toISOString(), by: actor.sub };
  const table = levelOf(from);
  await commitAudited(deps, now, from, { actor, action: 'notice.publish', subject: `notice/${id}`, after: notice }, [
    { op: 'put', table, item: { ...noticeKey(from, id), ...notice }, expect: { absent: true } },
    ...levels.map((l): Write => ({ op: 'put', table, item: { pk: listingPartition(from, l), sk: id, id, from, title: notice.title, publishedAt: notice.publishedAt } })),
  ]);
  return notice;
}

async function getNotice(store: Store, from: string, id: string): Promise<Notice> {
  const item = await store.get(levelOf(from), noticeKey(from, id));
  if (!item) throw notFound();
  return noticeSchema.parse(item);
}

/** A notice as a unit it is addressed to sees it; 404 for one not addressed to the unit, as for one that is not there. */
async function addressedNotice(store: Store, unit: string, from: string, id: string): Promise<Notice> {
  if (!isWithin(unit, prefixOf(from)) || unit === from) throw notFound();
  const n = await getNotice(store, from, id);
  if (!n.levels.includes(levelOf(unit))) throw notFound();
  return n;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const encode = (id: string) => Buffer.from(id).toString('base64url');
function decode(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!ULID.test(id)) throw new ApiError('invalid_cursor');
  return id;
}

/** Groups keys by the table they live in, and reads each table's in one batch. */
async function getAcross(store: Store, wanted: { table: TableId; key: Key }[]): Promise<Item[]> {
  const byTable = new Map<TableId, Key[]>();
  for (const w of wanted) byTable.set(w.table, [...(byTable.get(w.table) ?? []), w.key]);
  return (await Promise.all([...byTable].map(([t, keys]) => store.getMany(t, keys)))).flat();
}

/**
 * A unit's inbox, newest first: the notices its ancestors addressed to its level, read from one listing partition per
 * ancestor, with the instructions of the units in between and the unit's own read and 签收 state.
 */
export async function readInbox(store: Store, unit: string, limit: number, cursor?: string) {
  const before = cursor ? decode(cursor) : undefined;
  const level = levelOf(unit);
  const ancestors = ancestorCandidates(unit);
  const pages = await Promise.all(
    ancestors.map((a) =>
      store.query({
        table: levelOf(a),
        pk: listingPartition(a, level),
        descending: true,
        // One more than a page, and the cursor's own item, which the range includes.
        limit: limit + 2,
        ...(before ? { skBetween: ['0', before] as [string, string] } : {}),
      }),
    ),
  );
  const all = pages
    .flatMap((p) => p.items)
    .filter((i) => i.sk !== before)
    .sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0));
  const page = all.slice(0, limit);
  // A partition cut short still gave more than a page after dropping the cursor's item, so this sees it too.
  const more = all.length > limit;
  const [acks, instructions] = await Promise.all([
    page.length ? store.getMany(level, page.map((n) => ackKey(unit, n.sk))) : [],
    getAcross(
      store,
      page.flatMap((n) =>
        ancestors.filter((a) => a !== n.from && isWithin(a, prefixOf(n.from as string))).map((a) => ({ table: levelOf(a), key: instructionKey(a, n.sk) })),
      ),
    ),
  ]);
  const items = page.map((n) => {
    const ack = acks.find((x) => x.sk === n.sk);
    const notes = topDown(instructions.filter((x) => x.sk === n.sk));
    return {
      id: n.sk,
      from: n.from as string,
      title: n.title as string,
      publishedAt: n.publishedAt as string,
      instructions: notes,
      ...(ack?.readAt ? { readAt: ack.readAt as string } : {}),
      ...(ack?.signedAt ? { signedAt: ack.signedAt as string } : {}),
    };
  });
  return { items, ...(more ? { cursor: encode(page.at(-1)!.sk) } : {}) };
}

const topDown = (items: Item[]): Instruction[] =>
  items.map((x) => instructionSchema.parse(x)).sort((a, b) => depth(levelOf(a.unit)) - depth(levelOf(b.unit)));

/** The notice in full, for a unit it is addressed to, with the instructions above the unit. */
export async function readAddressed(store: Store, unit: string, from: string, id: string) {
  const notice = await addressedNotice(store, unit, from, id);
  const between = ancestorCandidates(unit).filter((a) => a !== from && isWithin(a, prefixOf(from)));
  const [ack, instructions] = await Promise.all([
    store.get(levelOf(unit), ackKey(unit, id)),
    getAcross(store, between.map((a) => ({ table: levelOf(a), key: instructionKey(a, id) }))),
  ]);
  return {
    notice,
    instructions: topDown(instructions),
    ...ackSchema.parse(ack ?? {}),
  };
}

/**
 * Marks a notice read or signed for (签收) by a unit; doing it again changes nothing. Signing is a formal act and is
 * audited; a read receipt only records when the unit first opened it.
 */
export async function acknowledge(deps: Deps, actor: Principal, unit: string, from: string, id: string, kind: 'read' | 'sign') {
  const { store } = deps;
  await addressedNotice(store, unit, from, id);
  const table = levelOf(unit);
  const level = levelOf(unit);
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await store.get(table, ackKey(unit, id));
    const state = ackSchema.parse(current ?? {});
    if (kind === 'read' ? state.readAt : state.signedAt) return state;
    const at = deps.now().toISOString();
    const after = { ...state, readAt: state.readAt ?? at, ...(kind === 'sign' ? { signedAt: at, signedBy: actor.sub } : {}) };
    const v = (current?.v as number | undefined) ?? 0;
    const ack: Write = { op: 'put', table, item: { ...ackKey(unit, id), from, ...after, v: v + 1 }, expect: current ? { version: v } : { absent: true } };
    try {
      if (kind === 'read') {
        await store.write(ack);
      } else {
        const shard = countKey(from, id, level, Math.floor(Math.random() * SHARDS));
        const counter = await store.get(levelOf(from), shard);
        const count = ((counter?.count as number | undefined) ?? 0) + 1;
        const cv = (counter?.v as number | undefined) ?? 0;
        await commitAudited(deps, deps.now(), unit, { actor, action: 'notice.sign', subject: `notice/${from}/${id}`, before: state, after }, [
          ack,
          { op: 'put', table: levelOf(from), item: { ...shard, level, count, v: cv + 1 }, expect: counter ? { version: cv } : { absent: true } },
        ]);
      }
      return after;
    } catch (e) {
      // Another signature took the same shard, or this unit's own second click got there first: read again.
      if (!(e instanceof ConditionFailed) && !(e instanceof ApiError && e.code === 'conflict')) throw e;
    }
  }
  throw new ApiError('conflict');
}

/** A unit above the addressee attaches its own implementing instructions to a notice from further up, once. */
export async function addInstruction(deps: Deps, actor: Principal, unit: string, from: string, id: string, text: string) {
  const notice = await addressedNotice(deps.store, unit, from, id);
  if (!notice.levels.some((l) => depth(l) > depth(levelOf(unit)))) {
    throw new ApiError('unprocessable', [], { zh: '该通知不发往本单位的下级，无需转发落实', en: 'The notice reaches no level below your unit' });
  }
  const now = deps.now();
  const instruction: Instruction = { unit, text, at: now.toISOString(), by: actor.sub };
  try {
    await commitAudited(deps, now, unit, { actor, action: 'notice.instruct', subject: `notice/${from}/${id}`, after: instruction }, [
      { op: 'put', table: levelOf(unit), item: { ...instructionKey(unit, id), ...instruction }, expect: { absent: true } },
    ]);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'conflict') throw new ApiError('already_exists');
    throw e;
  }
  return instruction;
}

/** The sender's view: the notice and, per targeted level, how many units have signed. */
export async function readSent(store: Store, from: string, id: string) {
  const notice = await getNotice(store, from, id);
  const counts = await store.query({ table: levelOf(from), pk: countPartition(from, id), limit: LEVELS.length * SHARDS });
  const signed = Object.fromEntries(notice.levels.map((l) => [l, 0])) as Record<string, number>;
  for (const c of counts.items) signed[c.level as string] = (signed[c.level as string] ?? 0) + (c.count as number);
  return { notice, signed };
}

/**
 * Units of one targeted level that have not signed, in code order: a depth-first walk of the children index below
 * the sender, checking each page of candidates against their acknowledgements in one batch read. The cursor is the
 * last code given, and the walk skips every subtree wholly before it.
 */
export async function unsigned(store: Store, from: string, id: string, level: Level, limit: number, cursor?: string) {
  const notice = await getNotice(store, from, id);
  if (!notice.levels.includes(level)) {
    throw new ApiError('validation_failed', [{ path: 'query.level', message: { zh: '该通知不发往这一层级', en: 'the notice is not addressed to this level' } }]);
  }
  if (cursor !== undefined && !(/^\d{12}$/.test(cursor) && isWithin(cursor, prefixOf(from)))) throw new ApiError('invalid_cursor');
  const out: { code: string; name: string }[] = [];
  const walk = async (parent: string): Promise<boolean> => {
    let page: string | undefined;
    do {
      const children = await listChildren(store, parent, 200, page);
      const here = children.items.filter((u) => u.level === level && (!cursor || u.code > cursor));
      const signed = new Set(
        (here.length ? await store.getMany(level, here.map((u) => ackKey(u.code, id))) : []).filter((a) => a.signedAt).map((a) => a.pk),
      );
      for (const u of children.items) {
        if (here.includes(u)) {
          if (signed.has(ackKey(u.code, id).pk)) continue;
          out.push({ code: u.code, name: u.name });
          if (out.length === limit) return true;
        } else if (depth(u.level) < depth(level)) {
          // A subtree lies wholly before the cursor when its code is smaller and the cursor is not inside it.
          if (cursor && u.code < cursor && !cursor.startsWith(prefixOf(u.code))) continue;
          if (await walk(u.code)) return true;
        }
      }
      page = children.cursor;
    } while (page);
    return false;
  };
  const full = await walk(from);
  return { items: out, ...(full ? { cursor: out.at(-1)!.code } : {}) };
}
