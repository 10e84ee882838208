import { levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError } from '../../shared/errors';
import type { Item, Key, Store, Write } from '../../shared/store/store';
import { newTierMessage, type TierMessage } from '../../shared/tiers/message';
import { Rejected, type TierGroupEffect } from '../../shared/tiers/inbox';
import { outboxWrite, type TierEffect } from '../../shared/tiers/outbox';
import { isIsoDate } from '../../shared/working-days';
import * as z from '../../shared/zod';
import { unitKey } from '../../tenants/unit';
import { getUnit, listChildren } from '../../tenants/units';

/**
 * Statistics roll-ups. Each unit keeps, per day, counters of its own work and of its whole subtree's. An event is
 * counted through tier messages only: `countEvent` puts a 'rollup' message from the unit to itself beside the state
 * change, whose effect adds it to the unit's own and subtree counters and passes it on to the parent, which adds it
 * to its subtree counters and passes it on, up to the province. Adding is commutative, so order does not matter; the
 * processed-id record of each hop makes every message count once, so every event counts once at every ancestor.
 * The caller's transaction gains one put that can never conflict with anything (the counters, which many events
 * touch, are written by the consumer, which retries on concurrent changes).
 */

export const EVENT_KINDS = [
  'opened',
  'closed',
  'overdue',
  'escalated',
  'returned',
  // Applications: completed by their due date or after it; 好差评 ratings by level; rectifications opened and done.
  'onTime',
  'late',
  'ratedVerySatisfied',
  'ratedSatisfied',
  'ratedFair',
  'ratedDissatisfied',
  'ratedVeryDissatisfied',
  'rectificationOpened',
  'rectified',
  // Tickets: rated by their filer, of which 差评 (1 or 2 of 5), and merged into another.
  'rated',
  'badRated',
  'merged',
  // 政务公开: documents published, published after their Art. 26 deadline; requests received and answered.
  'disclosure-published',
  'disclosure-late',
  'disclosure-request',
  'disclosure-answered',
  // 诉求 and letters to the leadership (领导信箱), each apart, counted at the unit they were written to: received;
  // first answered; answered by the reply deadline; and the minutes from filing to that answer, summed, for the
  // average time to answer a unit's page shows.
  'ticket-received',
  'ticket-answered',
  'ticket-answered-on-time',
  'ticket-answer-minutes',
  'letter-received',
  'letter-answered',
  'letter-answered-on-time',
  'letter-answer-minutes',
  // Tickets filed, by category: one kind per category of the tickets' fixed list (tickets/model.ts), so it stays bounded.
  'ticket-streetlight',
  'ticket-road',
  'ticket-sanitation',
  'ticket-noise',
  'ticket-water',
  'ticket-greening',
  'ticket-traffic',
  'ticket-property',
  'ticket-social',
  'ticket-education',
  'ticket-health',
  'ticket-market',
  'ticket-conduct',
  'ticket-other',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export type Counts = Record<EventKind, number>;

export const isoDaySchema = z.string().check(z.refine(isIsoDate, { params: { i18n: 'iso_day' } }));
const countsSchema = z.partialRecord(z.enum(EVENT_KINDS), z.int().check(z.gte(0)));
export const countsShape = z.object(Object.fromEntries(EVENT_KINDS.map((k) => [k, z.int()])) as Record<EventKind, z.ZodMiniInt>);

const rollupPayloadSchema = z.strictObject({ day: isoDaySchema, counts: countsSchema });

export const statsKey = (unit: string, day: string): Key => ({ pk: `${prefixOf(unit)}#stats`, sk: day });

export const zeroCounts = (): Counts => Object.fromEntries(EVENT_KINDS.map((k) => [k, 0])) as Counts;

function add(into: Counts, more: Partial<Counts> | undefined): Counts {
  for (const k of EVENT_KINDS) into[k] += more?.[k] ?? 0;
  return into;
}

/** What a day's item stores: the kinds that counted (most of a day's counters stay at zero). */
const counted = (c: Counts): Partial<Counts> => Object.fromEntries(EVENT_KINDS.filter((k) => c[k] > 0).map((k) => [k, c[k]]));

export interface StatsEvent {
  unit: string;
  /** One kind, or several the same event counts as (one message for them all). */
  kind: EventKind | readonly EventKind[];
  /** The day it counts for, YYYY-MM-DD (China time, as the caller's records). */
  day: string;
  /** What happened, e.g. `ticket/01J…/closed`: carried as the messages' subject. */
  eventId: string;
  /** How much it adds (a duration in minutes, say); 1 when absent. */
  by?: number;
}

/** The write to put beside the state change the event records. */
export function countEvent(e: StatsEvent, now: Date): Write {
  return outboxWrite(
    newTierMessage(
      { kind: 'rollup', from: e.unit, to: e.unit, subject: e.eventId, payload: { day: e.day, counts: Object.fromEntries([e.kind].flat().map((k) => [k, e.by ?? 1])) } },
      now,
    ),
  );
}

/** Roll-ups that can be applied together: to one unit, for one day (undefined for a payload that fails its schema). */
export function rollupGroupKey(m: TierMessage): string | undefined {
  const p = rollupPayloadSchema.safeParse(m.payload);
  return p.success ? `${m.to}#${p.data.day}` : undefined;
}

const unprocessable = (message: TierMessage, en: string, zh: string) =>
  new ApiError('unprocessable', [], { zh: `汇总消息 ${message.id}：${zh}`, en: `rollup ${message.id}: ${en}` });

/**
 * At the receiver, for roll-ups to it for one day (one, or all those a consumer batch brought): the day's counters
 * in one optimistic write (recomputed by the consumer if another delivery got there first), and their sum passed on
 * to the parent in one message. Merging is what keeps the units near the top from being written once per event:
 * every event of a province passes through its one counter item a day.
 */
export const rollupGroupEffect: TierGroupEffect = async (deps, messages) => {
  const to = messages[0]!.to;
  const errors = new Map<string, ApiError>();
  const parsed: { m: TierMessage; day: string; counts: Partial<Counts> }[] = [];
  for (const m of messages) {
    const payload = rollupPayloadSchema.safeParse(m.payload);
    if (payload.success) parsed.push({ m, ...payload.data });
    else {
      const fields = payload.error.issues.map((i) => ({ path: ['payload', ...i.path].join('.'), message: i.message }));
      errors.set(m.id, new ApiError('validation_failed', fields, { zh: `汇总消息 ${m.id} 的内容有误`, en: `rollup ${m.id}: bad payload` }));
    }
  }
  if (errors.size > 0) throw new Rejected(errors);
  const day = parsed[0]!.day;
  if (parsed.some((p) => p.m.to !== to || p.day !== day)) throw new Error('roll-ups are merged only for one unit and one day');
  const table = levelOf(to);
  const senders = [...new Set(messages.map((m) => m.from).filter((f) => f !== to))];
  const [units, current] = await Promise.all([
    deps.store.getMany('registry', [to, ...senders].map(unitKey)),
    deps.store.get(table, statsKey(to, day)),
  ]);
  const byCode = new Map(units.map((u) => [u.code as string, u]));
  const receiver = byCode.get(to);
  for (const m of messages) {
    if (!receiver) errors.set(m.id, unprocessable(m, `no unit ${to}`, `单位 ${to} 不存在`));
    else if (m.from !== to && byCode.get(m.from)?.parent !== to) {
      errors.set(m.id, unprocessable(m, `${m.from} is not a child of ${to}`, `${m.from} 不是 ${to} 的下级单位`));
    }
  }
  if (errors.size > 0) throw new Rejected(errors);
  const own = zeroCounts();
  const all = zeroCounts();
  for (const p of parsed) {
    if (p.m.from === to) add(own, p.counts);
    add(all, p.counts);
  }
  const item: Item = {
    ...statsKey(to, day),
    unit: to,
    day,
    own: counted(add(add(zeroCounts(), current?.own as Counts | undefined), own)),
    subtree: counted(add(add(zeroCounts(), current?.subtree as Counts | undefined), all)),
    v: ((current?.v as number | undefined) ?? 0) + 1,
  };
  const writes: Write[] = [{ op: 'put', table, item, expect: current ? { version: current.v as number } : { absent: true } }];
  const parent = receiver!.parent as string | undefined;
  if (parent) {
    const first = messages[0]!;
    const subject = messages.length === 1 ? first.subject : `rollup/${to}/${day}/${messages.length}`;
    const via = [...first.via, to].slice(-8);
    writes.push(outboxWrite(newTierMessage({ kind: 'rollup', from: to, to: parent, subject, payload: { day, counts: counted(all) }, via }, deps.now())));
  }
  return writes;
};

/** One roll-up alone: the same effect, for a group of one. */
export const rollupEffect: TierEffect = async (deps, message) => {
  try {
    return await rollupGroupEffect(deps, [message]);
  } catch (e) {
    throw e instanceof Rejected ? e.errors.get(message.id)! : e;
  }
};

/** A unit's own and subtree counters summed over a date range, both ends included. */
export async function sumRange(store: Store, unit: string, from: string, to: string) {
  const own = zeroCounts();
  const subtree = zeroCounts();
  let cursor: string | undefined;
  do {
    const page = await store.query({ table: levelOf(unit), pk: statsKey(unit, from).pk, skBetween: [from, to], limit: 400, cursor });
    for (const row of page.items) {
      add(own, row.own as Counts);
      add(subtree, row.subtree as Counts);
    }
    cursor = page.cursor;
  } while (cursor);
  return { own, subtree };
}

/** A unit's figures for a date range: its own, its subtree's, and each direct child's subtree's. */
export async function readStats(deps: Pick<Deps, 'store'>, code: string, from: string, to: string) {
  const unit = await getUnit(deps.store, code);
  const children: { code: string; name: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await listChildren(deps.store, code, 200, cursor);
    children.push(...page.items.map((c) => ({ code: c.code, name: c.name })));
    cursor = page.cursor;
  } while (cursor);
  const [mine, ...theirs] = await Promise.all([
    sumRange(deps.store, code, from, to),
    ...children.map((c) => sumRange(deps.store, c.code, from, to)),
  ]);
  return {
    unit: unit.code,
    name: unit.name,
    from,
    to,
    own: mine!.own,
    subtree: mine!.subtree,
    children: children.map((c, i) => ({ ...c, subtree: theirs[i]!.subtree })),
  };
}
