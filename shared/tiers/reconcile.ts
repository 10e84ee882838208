import type { Deps } from '../deps';
import { LEVELS } from '../levels';
import { ConditionFailed } from '../store/store';
import { queueFor } from './message';
import { OUTBOX_SHARDS, pendingPartition, resentWrite, type OutboxItem } from './outbox';

/**
 * The reconciler's work: every outbox item past its due time is sent again (the receiver ignores copies), then due
 * again later. It reads the sparse pending index partition by partition, never the tables.
 */

/** Items read per partition and run; the rest wait for the next run (the backlog metric shows them). */
const MAX_PER_PARTITION = 500;

/** Pending items due by `until` (all of them without it), at most `max` per partition. */
async function* pendingItems(deps: Deps, provincePrefixes: readonly string[], until: Date | undefined, max: number) {
  // Due times are ISO instants: every one sorts after '0' (DynamoDB refuses an empty key value).
  const due: [string, string] = ['0', until ? `${until.toISOString()}#~` : '~'];
  for (const table of LEVELS) {
    for (const province of provincePrefixes) {
      for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
        let cursor: string | undefined;
        let seen = 0;
        do {
          const page = await deps.store.query({
            table,
            index: 'gsi1',
            pk: pendingPartition(province, shard),
            skBetween: due,
            limit: Math.min(100, max - seen),
            cursor,
          });
          seen += page.items.length;
          yield* page.items;
          cursor = page.cursor;
        } while (cursor && seen < max);
      }
    }
  }
}

export interface ReconcileReport {
  /** Messages sent again. */
  resent: number;
  /** Of those, the ones already resent before: receivers that keep failing, or queues that keep losing them. */
  repeated: number;
}

export async function resendOverdue(deps: Deps, provincePrefixes: readonly string[]): Promise<ReconcileReport> {
  const now = deps.now();
  const report: ReconcileReport = { resent: 0, repeated: 0 };
  for await (const item of pendingItems(deps, provincePrefixes, now, MAX_PER_PARTITION)) {
    const outbox = item as OutboxItem;
    await deps.queues.send(queueFor(outbox.message), outbox.message);
    try {
      await deps.store.write(resentWrite(outbox, now));
    } catch (e) {
      // Acknowledged between the read and now: nothing left to do.
      if (!(e instanceof ConditionFailed)) throw e;
    }
    report.resent++;
    if (outbox.resends > 0) report.repeated++;
  }
  return report;
}

/**
 * Messages not yet acknowledged, counted up to `cap`: a few are always in flight, a growing number means receivers
 * are failing or messages are being lost. The health check reports it and an alarm watches it.
 */
export async function outboxBacklog(deps: Deps, provincePrefixes: readonly string[], cap = 1000): Promise<number> {
  let n = 0;
  for await (const item of pendingItems(deps, provincePrefixes, undefined, cap)) {
    if (item && ++n >= cap) break;
  }
  return n;
}
