import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { queueOfArn } from '../../shared/aws/dead-letters';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import type { Deps } from '../../shared/deps';
import { ApiError } from '../../shared/errors';
import { logger } from '../../shared/log';
import { QUEUE_SPEC } from '../../shared/resources';
import { receive, receiveGroup, type Outcome } from '../../shared/tiers/inbox';
import { tierMessageSchema, type TierMessage, type TierMessageKind } from '../../shared/tiers/message';
import type { TierEffect } from '../../shared/tiers/outbox';
import { EFFECTS, GROUPED_EFFECTS, type GroupedEffect } from './effects';

/**
 * The consumer of all five levels' inbox queues: one function, because what it does depends on the message's kind
 * and receiver, not on the queue it came by, and every level's consumer needs the same grants (the receiver's table
 * for the effect, any level's table for the sender's acknowledgement); five copies would only add resources.
 */

/** A message that no number of retries can apply: it goes to the dead-letter queue at once, with the reason. */
class Poison extends Error {}

function poisonOf(e: ApiError): Poison {
  const fields = e.fields.map((f) => `${f.path}: ${typeof f.message === 'string' ? f.message : f.message.en}`).join('; ');
  return new Poison(`${e.code}: ${e.message}${fields ? ` (${fields})` : ''}`);
}

function parse(body: string): TierMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Poison('not JSON');
  }
  const parsed = tierMessageSchema.safeParse(json);
  if (!parsed.success) {
    throw new Poison(`fails the tier message schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

async function apply(deps: Deps, message: TierMessage, effects: Partial<Record<TierMessageKind, TierEffect>>) {
  const effect = effects[message.kind];
  if (!effect) throw new Poison(`no effect for kind ${message.kind}`);
  try {
    return await receive(deps, message, effect);
  } catch (e) {
    throw e instanceof ApiError ? poisonOf(e) : e;
  }
}

/** One message body, applied alone (tests and tools; the handler groups what it can). */
export async function deliver(deps: Deps, body: string, effects: Partial<Record<TierMessageKind, TierEffect>> = EFFECTS) {
  const message = parse(body);
  return { message, outcome: await apply(deps, message, effects) };
}

interface Entry {
  message: TierMessage;
  /** The batch's records carrying this message: a standard queue may deliver one message twice in one batch. */
  records: SQSRecord[];
}

export function consumerHandler(effects = EFFECTS, grouped = GROUPED_EFFECTS, depsOf: () => Promise<Deps> = depsFromEnv) {
  return async (event: SQSEvent, _context?: Context): Promise<SQSBatchResponse> => {
    const deps = await depsOf();
    const batchItemFailures: SQSBatchItemFailure[] = [];
    const failed = async (r: SQSRecord, e: unknown) => {
      const source = queueOfArn(r.eventSourceARN);
      const receives = Number(r.attributes.ApproximateReceiveCount ?? 1);
      const last = source !== undefined && receives >= QUEUE_SPEC[source].maxReceiveCount;
      // Otherwise the record fails alone and comes back after the visibility timeout; on its last receive, or
      // when retrying cannot help, it is moved with its reason rather than by the redrive policy without one.
      if (!source || !(e instanceof Poison || last)) {
        batchItemFailures.push({ itemIdentifier: r.messageId });
        return;
      }
      const reason = e instanceof Poison ? e.message : `failed ${receives} times, last: ${(e as Error).message ?? String(e)}`;
      logger.warn('tier message dead-lettered', { messageId: r.messageId, source, reason });
      await deps.deadLetters.put(source, r.body, reason, receives).catch(() => batchItemFailures.push({ itemIdentifier: r.messageId }));
    };
    const work: Promise<void>[] = [];
    const entries = new Map<string, Entry>();
    for (const r of event.Records) {
      try {
        const message = parse(r.body);
        const entry = entries.get(message.id);
        if (entry) entry.records.push(r);
        else entries.set(message.id, { message, records: [r] });
      } catch (e) {
        work.push(failed(r, e));
      }
    }
    const logged = (m: TierMessage, outcome: Outcome) => logger.debug('tier message', { id: m.id, kind: m.kind, from: m.from, to: m.to, outcome });
    // Messages of a grouped kind with the same key (roll-ups to one unit for one day) are applied together.
    const groups = new Map<string, { effect: GroupedEffect; entries: Entry[] }>();
    for (const entry of entries.values()) {
      const effect = grouped[entry.message.kind];
      const key = effect?.key(entry.message);
      if (effect && key !== undefined) {
        const g = groups.get(`${entry.message.kind}#${key}`) ?? { effect, entries: [] };
        g.entries.push(entry);
        groups.set(`${entry.message.kind}#${key}`, g);
        continue;
      }
      work.push(
        apply(deps, entry.message, effects).then(
          (outcome) => logged(entry.message, outcome),
          async (e: unknown) => {
            for (const r of entry.records) await failed(r, e);
          },
        ),
      );
    }
    for (const { effect, entries: group } of groups.values()) {
      work.push(
        receiveGroup(deps, group.map((e) => e.message), effect.apply).then(
          async ({ outcomes, rejected }) => {
            for (const entry of group) {
              const error = rejected.get(entry.message.id);
              if (error) for (const r of entry.records) await failed(r, poisonOf(error));
              else logged(entry.message, outcomes.get(entry.message.id)!);
            }
          },
          async (e: unknown) => {
            for (const entry of group) for (const r of entry.records) await failed(r, e);
          },
        ),
      );
    }
    await Promise.all(work);
    return { batchItemFailures };
  };
}

export const handler = consumerHandler();
