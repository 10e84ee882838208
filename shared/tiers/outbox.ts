import { levelOf, prefixOf } from '../codes';
import type { Deps } from '../deps';
import type { Item, Key, Write } from '../store/store';
import type { TierMessage } from './message';

/**
 * The sender's outbox: a message is written in the same transaction as the state change that causes it, in the
 * sender's own partition, and stays there until the receiver has recorded its effect. A relay sends what is new, a
 * reconciler sends again what was not acknowledged in time, so a crash after the write or a queue that drops the
 * message loses nothing.
 */
export const outboxKey = (m: Pick<TierMessage, 'from' | 'id'>): Key => ({ pk: `${prefixOf(m.from)}#outbox`, sk: m.id });

/**
 * How long a message may go unacknowledged before the reconciler sends it again (the first time). A minute, unless
 * `TIER_RESEND_AFTER_SECONDS` says otherwise (tests and benchmarks that must not wait).
 */
export const resendAfterMs = (): number => Number(process.env.TIER_RESEND_AFTER_SECONDS ?? 60) * 1000;
/** Later resends back off, doubling up to this, so a message that keeps failing does not flood its dead-letter queue. */
export const MAX_RESEND_INTERVAL_MS = 3_600_000;

/**
 * Pending items are listed, without a Scan, through a sparse index (gsi1): one partition per province and shard,
 * `33#outbox-pending#2`, so every gsi1pk still begins with a unit's prefix and `#`, and a busy province spreads its
 * pending messages over several partitions. The sort key starts with when the item falls due, so the reconciler reads
 * only what is overdue. Acknowledging deletes the item, which leaves the index too.
 */
export const OUTBOX_SHARDS = 4;
export const pendingPartition = (provincePrefix: string, shard: number) => `${provincePrefix}#outbox-pending#${shard}`;
/** The shard follows the ULID's last (random) character, so it is stable for a message and spread evenly. */
const shardOf = (id: string) => id.charCodeAt(id.length - 1) % OUTBOX_SHARDS;

function pendingIndex(m: TierMessage, dueAt: Date) {
  return { gsi1pk: pendingPartition(prefixOf(m.from).slice(0, 2), shardOf(m.id)), gsi1sk: `${dueAt.toISOString()}#${m.id}` };
}

export interface OutboxItem extends Item {
  message: TierMessage;
  state: 'pending';
  /** Times the reconciler has sent it again. */
  resends: number;
}

/** The write to put beside a state change: the message, pending until acknowledged. */
export function outboxWrite(m: TierMessage): Write {
  const item: OutboxItem = {
    ...outboxKey(m),
    ...pendingIndex(m, new Date(Date.parse(m.sentAt) + resendAfterMs())),
    message: m,
    state: 'pending',
    resends: 0,
  };
  return { op: 'put', table: levelOf(m.from), item, expect: { absent: true } };
}

/** After a resend: the same item, due again later; gone (acknowledged meanwhile) means nothing to do. */
export function resentWrite(item: OutboxItem, now: Date): Write {
  const resends = item.resends + 1;
  const wait = Math.min(MAX_RESEND_INTERVAL_MS, resendAfterMs() * 2 ** Math.min(resends, 16));
  return {
    op: 'put',
    table: levelOf(item.message.from),
    item: { ...item, ...pendingIndex(item.message, new Date(now.getTime() + wait)), resends, lastResentAt: now.toISOString() },
    expect: { exists: true },
  };
}

/** The acknowledgement: the receiver has recorded the effect, the sender forgets the message. */
export const ackWrite = (m: TierMessage): Write => ({ op: 'delete', table: levelOf(m.from), key: outboxKey(m) });

/**
 * What a message does at its receiver: the writes to apply, all or nothing, together with the record that the message
 * was processed (so a redelivery has no second effect). An effect may itself add outbox writes to pass a matter on.
 * It throws an ApiError for a message that can never apply (it then goes to the dead-letter queue with the reason).
 */
export type TierEffect = (deps: Deps, message: TierMessage) => Promise<Write[]>;
