import { levelOf, prefixOf } from '../../shared/codes';
import type { Deps } from '../../shared/deps';
import { ApiError } from '../../shared/errors';
import type { Item, Key, Store, Write } from '../../shared/store/store';
import { newTierMessage, type TierMessage } from '../../shared/tiers/message';
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
  // 政务公开: documents published, published after their Art. 26 deadline; requests received and answered.
  'disclosure-published',
  'disclosure-late',
  'disclosure-request',
  'disclosure-answered',
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

export interface StatsEvent {
  unit: string;
  kind: EventKind;
  /** The day it counts for, YYYY-MM-DD (China time, as the caller's records). */
  day: string;
  /** What happened, e.g. `ticket/01J…/closed`: carried as the messages' subject. */
  eventId: string;
}

/** The write to put beside the state change the event records. */
export function countEvent(e: StatsEvent, now: Date): Write {
  return outboxWrite(
    newTierMessage({ kind: 'rollup', from: e.unit, to: e.unit, subject: e.eventId, payload: { day: e.day, counts: { [e.kind]: 1 } } }, now),
  );
}

const unprocessable = (message: TierMessage, en: string, zh: string) =>
  new ApiError('unprocessable', [], { zh: `汇总消息 ${message.id}：${zh}`, en: `rollup ${message.id}: ${en}` });

/**
 * At the receiver: the counters of the day, one optimistic write (recomputed by the consumer if another delivery got
 * there first), and the same counts passed on to the parent.
 */
export const rollupEffect: TierEffect = async (deps, message) => {
  const payload = rollupPayloadSchema.safeParse(message.payload);
  if (!payload.success) {
    const fields = payload.error.issues.map((i) => ({ path: ['payload', ...i.path].join('.'), message: i.message }));
    throw new ApiError('validation_failed', fields, { zh: `汇总消息 ${message.id} 的内容有误`, en: `rollup ${message.id}: bad payload` });
  }
  const { day, counts } = payload.data;
  const own = message.from === message.to;
  const [receiver, sender] = await Promise.all([
    deps.store.get('registry', unitKey(message.to)),
    own ? undefined : deps.store.get('registry', unitKey(message.from)),
  ]);
  if (!receiver) throw unprocessable(message, `no unit ${message.to}`, `单位 ${message.to} 不存在`);
  if (!own && sender?.parent !== message.to) {
    throw unprocessable(message, `${message.from} is not a child of ${message.to}`, `${message.from} 不是 ${message.to} 的下级单位`);
  }

  const table = levelOf(message.to);
  const current = await deps.store.get(table, statsKey(message.to, day));
  const item: Item = {
    ...statsKey(message.to, day),
    unit: message.to,
    day,
    own: add(add(zeroCounts(), current?.own as Counts | undefined), own ? counts : undefined),
    subtree: add(add(zeroCounts(), current?.subtree as Counts | undefined), counts),
    v: ((current?.v as number | undefined) ?? 0) + 1,
  };
  const writes: Write[] = [{ op: 'put', table, item, expect: current ? { version: current.v as number } : { absent: true } }];
  const parent = receiver.parent as string | undefined;
  if (parent) {
    const via = [...message.via, message.to].slice(-8);
    writes.push(outboxWrite(newTierMessage({ kind: 'rollup', from: message.to, to: parent, subject: message.subject, payload: { day, counts }, via }, deps.now())));
  }
  return writes;
};

async function sumRange(store: Store, unit: string, from: string, to: string) {
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
