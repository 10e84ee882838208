import { levelOf, prefixOf } from '../codes';
import type { Deps } from '../deps';
import { ConditionFailed, type Key, type Write } from '../store/store';
import { ackWrite, type TierEffect } from './outbox';
import type { TierMessage } from './message';

/**
 * The receiving side of a tier message: its effect, the record that it was processed and the sender's acknowledgement,
 * in one transaction. The processed-id record (receiver's partition, written only if absent) is what makes a
 * redelivery, a resend by the reconciler or a redrive from the dead-letter queue harmless: it is acknowledged again and
 * changes nothing.
 */
export const processedKey = (m: Pick<TierMessage, 'to' | 'id'>): Key => ({ pk: `${prefixOf(m.to)}#inbox`, sk: m.id });

/** Kept well beyond the reconciler's longest resend interval, so no copy of a message can outlive its record. */
const PROCESSED_TTL_SECONDS = 90 * 24 * 3600;
/** An effect that read state a concurrent delivery changed is recomputed this many times before the message is retried. */
const MAX_ATTEMPTS = 8;

export type Outcome = 'applied' | 'duplicate';

export async function receive(deps: Deps, message: TierMessage, effect: TierEffect): Promise<Outcome> {
  const table = levelOf(message.to);
  const acknowledgeAgain = async (): Promise<Outcome> => {
    await deps.store.write(ackWrite(message));
    return 'duplicate';
  };
  if (await deps.store.get(table, processedKey(message))) return acknowledgeAgain();
  for (let attempt = 1; ; attempt++) {
    const writes = await effect(deps, message);
    const now = deps.now();
    const processed: Write = {
      op: 'put',
      table,
      item: {
        ...processedKey(message),
        kind: message.kind,
        from: message.from,
        subject: message.subject,
        processedAt: now.toISOString(),
        expiresAt: Math.floor(now.getTime() / 1000) + PROCESSED_TTL_SECONDS,
      },
      expect: { absent: true },
    };
    try {
      // The processed record first: a failed condition at index 0 means "already done", whatever else failed too.
      await deps.store.transact([processed, ...writes, ackWrite(message)]);
      return 'applied';
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
      if (e.index === 0) return acknowledgeAgain();
      if (attempt >= MAX_ATTEMPTS) {
        throw new Error(`${message.kind} ${message.id}: write ${e.index - 1} of its effect kept meeting concurrent changes`, { cause: e });
      }
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}
