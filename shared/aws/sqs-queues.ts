import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Queues } from '../deps';
import { queueEnv, type QueueId } from '../resources';

type Sdk = typeof import('@aws-sdk/client-sqs');

/** A queue's URL from the environment the stack (or the local runtime) sets. */
export function queueUrlFromEnv(id: QueueId): string {
  const url = process.env[queueEnv(id)];
  if (!url) throw new Error(`${queueEnv(id)} is not set`);
  return url;
}

/** Sends to the platform's queues. The SDK is imported on first use (see createDynamoStore). */
export async function createSqsQueues(url: (id: QueueId) => string = queueUrlFromEnv, client?: SQSClient): Promise<Queues> {
  const sdk: Sdk = await import('@aws-sdk/client-sqs');
  const sqs = client ?? new sdk.SQSClient({});
  return {
    async send(queue, body, opts) {
      await sqs.send(new sdk.SendMessageCommand({ QueueUrl: url(queue), MessageBody: JSON.stringify(body), DelaySeconds: opts?.delaySeconds }));
    },
  };
}
