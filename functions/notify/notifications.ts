import { createHash } from 'node:crypto';
import * as z from '../../shared/zod';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import { prefixOf } from '../../shared/codes';
import type { Principal } from '../../shared/roles';
import { ConditionFailed, type Item, type Key, type Write } from '../../shared/store/store';
import { newTierMessage, type TierMessage } from '../../shared/tiers/message';
import { outboxWrite, type TierEffect } from '../../shared/tiers/outbox';
import { CHANNELS, senderFromEnv, type NotificationSender } from './sender';

/**
 * Notifications to people (an application decided, a ticket answered, a document published): a tier message of kind
 * `notification` from a unit to itself, written in the producer's own transaction beside its state change. The tier
 * relay, the reconciler and the consumer then do for it what they do for any message: it leaves within a second, is
 * sent again until acknowledged, and its effect (the in-app message, and the SMS or e-mail through the sender port)
 * is recorded once under its id. A second relay for notifications would only repeat that machinery.
 */

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const notificationPayloadSchema = z.strictObject({
  account: text(128),
  channels: z.array(z.enum(CHANNELS)).check(z.maxLength(CHANNELS.length)),
  text: z.strictObject({ zh: text(500), en: text(500) }),
  /** A path inside the platform (the case, the document), never another site. */
  link: z.optional(z.string().check(z.regex(/^\/(?!\/)[^\s]{0,511}$/))),
});
export type NotificationPayload = z.infer<typeof notificationPayloadSchema>;

export interface Notification extends NotificationPayload {
  /** The unit on whose behalf it goes out: the producer's own unit, in whose table the outbox item is written. */
  unit: string;
  /** The record it is about, `<kind>/<id>` (e.g. `ticket/01J…`). */
  subject: string;
}

export const NOTIFICATION_KIND = 'notification';

/**
 * The one write a capability adds to its transaction to notify someone. A notification the payload schema refuses
 * throws here, before anything is written, rather than dead-lettering later.
 */
export function notifyWrite(n: Notification, now: Date): Write {
  const { unit, subject, ...payload } = n;
  const checked = notificationPayloadSchema.safeParse(payload);
  if (!checked.success) throw new Error(`notification for ${subject}: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return outboxWrite(newTierMessage({ kind: NOTIFICATION_KIND, from: unit, to: unit, subject, payload: checked.data }, now));
}

/**
 * An account's messages are kept in its province's table under a hash of the account id: found from the token alone
 * (its unit names the province), a partition per account, and a key that starts with a unit prefix as every key does.
 */
const inboxPartition = (provincePrefix: string, account: string) =>
  `${provincePrefix}#messages#${createHash('sha256').update(account).digest('hex').slice(0, 32)}`;
const PROVINCE_TABLE = 'province' as const;
const messageKey = (provincePrefix: string, account: string, id: string): Key => ({ pk: inboxPartition(provincePrefix, account), sk: id });

export const messageSchema = z.object({
  id: z.string(),
  unit: z.string(),
  subject: z.string(),
  text: z.object({ zh: z.string(), en: z.string() }),
  link: z.optional(z.string()),
  createdAt: z.string(),
  readAt: z.optional(z.string()),
});
export type Message = z.infer<typeof messageSchema>;

const toMessage = (i: Item): Message => messageSchema.parse(i);

/** The effect at the unit: the in-app message, and the sender port for the other channels, once per notification id. */
export const notificationEffect =
  (sender: () => NotificationSender): TierEffect =>
  async (_deps, m: TierMessage) => {
    const parsed = notificationPayloadSchema.safeParse(m.payload);
    if (!parsed.success) {
      throw new ApiError('validation_failed', parsed.error.issues.map((i) => ({ path: `payload.${i.path.join('.')}`, message: { zh: i.message, en: i.message } })));
    }
    const p = parsed.data;
    // Before the transaction that records the message as processed: a crash between the two sends it again, with the
    // same id, which the adapter delivers once. After it, a crash would lose it.
    if (p.channels.length > 0) await sender().send({ id: m.id, account: p.account, channels: p.channels, text: p.text, subject: m.subject, unit: m.to, ...(p.link ? { link: p.link } : {}) });
    const message: Message = { id: m.id, unit: m.to, subject: m.subject, text: p.text, ...(p.link ? { link: p.link } : {}), createdAt: m.sentAt };
    return [{ op: 'put', table: PROVINCE_TABLE, item: { ...messageKey(prefixOf(m.to).slice(0, 2), p.account, m.id), ...message, v: 1 } }];
  };

let defaultSender: NotificationSender | undefined;
export const notificationEffectFromEnv = notificationEffect(() => (defaultSender ??= senderFromEnv()));

const provinceOf = (p: Principal) => p.unit.slice(0, 2);

/** The caller's messages, newest first (ids are ULIDs). */
export async function listMessages(deps: Pick<Deps, 'store'>, p: Principal, limit: number, cursor?: string) {
  const page = await deps.store.query({ table: PROVINCE_TABLE, pk: inboxPartition(provinceOf(p), p.sub), limit, cursor, descending: true });
  return { items: page.items.map(toMessage), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/** Marks one of the caller's messages read; reading it again keeps the first time. */
export async function markRead(deps: Pick<Deps, 'store' | 'now'>, p: Principal, id: string): Promise<Message> {
  const key = messageKey(provinceOf(p), p.sub, id);
  const item = await deps.store.get(PROVINCE_TABLE, key);
  if (!item) throw notFound();
  if (item.readAt) return toMessage(item);
  const read = { ...item, readAt: deps.now().toISOString(), v: Number(item.v) + 1 };
  try {
    await deps.store.write({ op: 'put', table: PROVINCE_TABLE, item: read, expect: { version: Number(item.v) } });
    return toMessage(read);
  } catch (e) {
    // A concurrent read mark is the same mark: the other's time is as right as ours.
    const now = e instanceof ConditionFailed ? await deps.store.get(PROVINCE_TABLE, key) : undefined;
    if (!now?.readAt) throw e;
    return toMessage(now);
  }
}
