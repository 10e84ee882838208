import { levelOf, prefixOf } from '../codes';
import type { Deps } from '../deps';
import type { Key, Write } from '../store/store';
import type { TierMessage } from './message';

/**
 * The sender's outbox: a message is written in the same transaction as the state change that causes it, in the
 * sender's own partition, and stays there until the receiver has recorded its effect. A relay sends what is new, a
 * reconciler sends again what was not acknowledged in time, so a crash after the write or a queue that drops the
 * message loses nothing.
 */
export const outboxKey = (m: Pick<TierMessage, 'from' | 'id'>): Key => ({ pk: `${prefixOf(m.from)}#outbox`, sk: m.id });

/** The write to put beside a state change: the message, pending until acknowledged. */
export function outboxWrite(m: TierMessage): Write {
  return { op: 'put', table: levelOf(m.from), item: { ...outboxKey(m), message: m, state: 'pending' }, expect: { absent: true } };
}

/**
 * What a message does at its receiver: the writes to apply, all or nothing, together with the record that the message
 * was processed (so a redelivery has no second effect). An effect may itself add outbox writes to pass a matter on.
 * It throws an ApiError for a message that can never apply (it then goes to the dead-letter queue with the reason).
 */
export type TierEffect = (deps: Deps, message: TierMessage) => Promise<Write[]>;
