import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import { queueFor, type TierMessage } from '../../shared/tiers/message';

/**
 * The relay: each new outbox item, read from the level tables' streams, is sent to the inbox queue of its receiver's
 * level. Streams rather than a schedule: a message leaves within a second of its transaction instead of waiting for
 * the next run, and nothing polls the tables. What the relay misses (a stream record past its 24 h retention, a send
 * that failed for good) the reconciler sends later; the receiver ignores copies.
 */

type Unmarshall = (typeof import('@aws-sdk/util-dynamodb'))['unmarshall'];

/** The message of a new outbox item, or nothing for every other change of the table. */
function newOutboxMessage(r: DynamoDBRecord, unmarshall: Unmarshall): TierMessage | undefined {
  const image = r.dynamodb?.NewImage;
  if (r.eventName !== 'INSERT' || !image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (typeof item.pk !== 'string' || !item.pk.endsWith('#outbox') || item.state !== 'pending') return undefined;
  return item.message as TierMessage;
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  // The runtime ships the SDK; imported on first use, as every handler does, so a cold start loads only what it runs.
  const [deps, { unmarshall }] = await Promise.all([depsFromEnv(), import('@aws-sdk/util-dynamodb')]);
  return processPartialResponse(
    event,
    async (r: DynamoDBRecord) => {
      const message = newOutboxMessage(r, unmarshall);
      if (message) await deps.queues.send(queueFor(message), message);
    },
    // A processor per invocation: the local runtime calls one module for five streams at once.
    new BatchProcessor(EventType.DynamoDBStreams),
    { context },
  );
};
