import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { queueOfArn } from '../../shared/aws/dead-letters';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import type { Deps } from '../../shared/deps';
import { ApiError } from '../../shared/errors';
import { logger } from '../../shared/log';
import { QUEUE_SPEC } from '../../shared/resources';
import { receive } from '../../shared/tiers/inbox';
import { tierMessageSchema, type TierMessageKind } from '../../shared/tiers/message';
import type { TierEffect } from '../../shared/tiers/outbox';
import { EFFECTS } from './effects';

/**
 * The consumer of all five levels' inbox queues: one function, because what it does depends on the message's kind
 * and receiver, not on the queue it came by, and every level's consumer needs the same grants (the receiver's table
 * for the effect, any level's table for the sender's acknowledgement); five copies would only add resources.
 */

/** A message that no number of retries can apply: it goes to the dead-letter queue at once, with the reason. */
class Poison extends Error {}

export async function deliver(deps: Deps, body: string, effects: Partial<Record<TierMessageKind, TierEffect>> = EFFECTS) {
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
  const message = parsed.data;
  const effect = effects[message.kind];
  if (!effect) throw new Poison(`no effect for kind ${message.kind}`);
  try {
    return { message, outcome: await receive(deps, message, effect) };
  } catch (e) {
    if (e instanceof ApiError) {
      const fields = e.fields.map((f) => `${f.path}: ${typeof f.message === 'string' ? f.message : f.message.en}`).join('; ');
      throw new Poison(`${e.code}: ${e.message}${fields ? ` (${fields})` : ''}`);
    }
    throw e;
  }
}


export function consumerHandler(effects = EFFECTS) {
  return async (event: SQSEvent, context: Context) => {
    const deps = await depsFromEnv();
    const record = async (r: SQSRecord) => {
      try {
        const { message, outcome } = await deliver(deps, r.body, effects);
        logger.debug('tier message', { id: message.id, kind: message.kind, from: message.from, to: message.to, outcome });
      } catch (e) {
        const source = queueOfArn(r.eventSourceARN);
        const receives = Number(r.attributes.ApproximateReceiveCount ?? 1);
        const last = source !== undefined && receives >= QUEUE_SPEC[source].maxReceiveCount;
        // Otherwise the record fails alone and comes back after the visibility timeout; on its last receive, or
        // when retrying cannot help, it is moved with its reason rather than by the redrive policy without one.
        if (!source || !(e instanceof Poison || last)) throw e;
        const reason = e instanceof Poison ? e.message : `failed ${receives} times, last: ${(e as Error).message ?? String(e)}`;
        logger.warn('tier message dead-lettered', { messageId: r.messageId, source, reason });
        await deps.deadLetters.put(source, r.body, reason, receives);
      }
    };
    // A processor per invocation: the local runtime calls one module for five queues at once.
    return processPartialResponse(event, record, new BatchProcessor(EventType.SQS), { context });
  };
}

export const handler = consumerHandler();
