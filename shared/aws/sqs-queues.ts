import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Queues } from '../deps';
import { queueEnv, type QueueId } from '../resources';

/** Sends to the platform's queues, whose URLs the stack (or the local runtime) puts in the environment. */
export class SqsQueues implements Queues {
  constructor(
    private readonly urls: (id: QueueId) => string = (id) => {
      const url = process.env[queueEnv(id)];
      if (!url) throw new Error(`${queueEnv(id)} is not set`);
      return url;
    },
    readonly client: SQSClient = new SQSClient({}),
  ) {}

  async send(queue: QueueId, body: unknown, opts?: { delaySeconds?: number }) {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.urls(queue), MessageBody: JSON.stringify(body), DelaySeconds: opts?.delaySeconds }),
    );
  }
}

export async function queueUrl(client: SQSClient, name: string): Promise<string> {
  const out = await client.send(new GetQueueUrlCommand({ QueueName: name }));
  return out.QueueUrl!;
}
