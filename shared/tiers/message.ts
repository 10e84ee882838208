import { ulid } from 'ulid';
import { levelOf } from '../codes';
import { inboxOf, type QueueId } from '../resources';
import { unitCodeSchema } from '../roles';
import * as z from '../zod';

/**
 * A message between two units of the tree, carried by the inbox queue of the receiver's level. Sender and consumers
 * share this one schema; a message that fails it is never applied (it ends in the dead-letter queue with the reason).
 */
export const TIER_MESSAGE_KINDS = [
  'escalation',
  'supervision',
  'assignment',
  'assignment-update',
  'rollup',
  'data-request',
  'data-response',
  'ticket-dispatch',
  'notification',
] as const;
export type TierMessageKind = (typeof TIER_MESSAGE_KINDS)[number];

export const tierMessageSchema = z.strictObject({
  /** A ULID: unique, and ordered by the time the sender made it. */
  id: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/)),
  kind: z.enum(TIER_MESSAGE_KINDS),
  from: unitCodeSchema,
  to: unitCodeSchema,
  /** The record the message concerns, as `<kind>/<id>` in the sender's or the receiver's key space. */
  subject: z.string().check(z.minLength(1), z.maxLength(256)),
  payload: z.record(z.string(), z.unknown()),
  sentAt: z.iso.datetime(),
  /** Units the message (or the matter it carries) has passed on its way, oldest first. */
  via: z.array(unitCodeSchema).check(z.maxLength(8)),
});
export type TierMessage = z.infer<typeof tierMessageSchema>;

export function newTierMessage(m: Omit<TierMessage, 'id' | 'sentAt' | 'via'> & { via?: string[] }, now: Date): TierMessage {
  return { ...m, id: ulid(now.getTime()), sentAt: now.toISOString(), via: m.via ?? [] };
}

/** The queue that carries a message: the inbox of the receiver's level. */
export const queueFor = (m: Pick<TierMessage, 'to'>): QueueId => inboxOf(levelOf(m.to));
