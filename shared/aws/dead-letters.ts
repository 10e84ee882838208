import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterQueues } from '../deps';
import { QUEUE_IDS, dlqEnv, queueArnEnv, queueEnv, type QueueId } from '../resources';

type Sdk = typeof import('@aws-sdk/client-sqs');

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

/** The queue an event record came from, by its ARN (the stack and the local runtime set `QUEUE_*_ARN`). */
export const queueOfArn = (eventSourceArn: string): QueueId | undefined =>
  QUEUE_IDS.find((id) => process.env[queueArnEnv(id)] === eventSourceArn);

/**
 * The dead-letter queues of the platform's queues. A consumer that gives up on a message puts it here itself, with the
 * reason as a message attribute, so that whoever looks at it later reads why; redriving sends it back to its queue.
 */
export class DeadLetters implements DeadLetterQueues {
  private constructor(
    private readonly sdk: Sdk,
    private readonly sqs: SQSClient,
  ) {}

  static async fromEnv(client?: SQSClient): Promise<DeadLetters> {
    const sdk: Sdk = await import('@aws-sdk/client-sqs');
    return new DeadLetters(sdk, client ?? new sdk.SQSClient({}));
  }

  async put(source: QueueId, body: string, reason: string, receives: number): Promise<void> {
    await this.sqs.send(
      new this.sdk.SendMessageCommand({
        QueueUrl: env(dlqEnv(source)),
        MessageBody: body,
        MessageAttributes: {
          // SQS caps an attribute at the message's 256 KiB, but a reason is for people: keep it readable.
          reason: { DataType: 'String', StringValue: reason.slice(0, 2000) || 'unknown' },
          failedAt: { DataType: 'String', StringValue: new Date().toISOString() },
          receives: { DataType: 'Number', StringValue: String(receives) },
        },
      }),
    );
  }

  async depth(source: QueueId): Promise<number> {
    const { Attributes } = await this.sqs.send(
      new this.sdk.GetQueueAttributesCommand({
        QueueUrl: env(dlqEnv(source)),
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  /**
   * Reads up to `max` messages, hiding each for `holdSeconds` (0: a look that leaves them visible). Receives repeat
   * until one brings nothing new, as SQS returns a sample of the queue on each receive.
   */
  private async receiveAll(source: QueueId, max: number, holdSeconds: number): Promise<Message[]> {
    const seen = new Map<string, Message>();
    for (let round = 0; seen.size < max && round < 50; round++) {
      const { Messages = [] } = await this.sqs.send(
        new this.sdk.ReceiveMessageCommand({
          QueueUrl: env(dlqEnv(source)),
          MaxNumberOfMessages: 10,
          VisibilityTimeout: holdSeconds,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const fresh = Messages.filter((m) => !seen.has(m.MessageId!));
      if (fresh.length === 0) break;
      for (const m of fresh) seen.set(m.MessageId!, m);
    }
    return [...seen.values()].slice(0, max);
  }

  async list(source: QueueId, max = 100): Promise<DeadLetter[]> {
    return (await this.receiveAll(source, max, 0)).map(toDeadLetter);
  }

  /** Sends the messages `chosen` accepts back to their queue and deletes them here; the others stay. */
  async redrive(source: QueueId, chosen: (d: DeadLetter) => boolean, max = 1000): Promise<number> {
    const held = await this.receiveAll(source, max, 60);
    let moved = 0;
    for (const m of held) {
      if (chosen(toDeadLetter(m))) {
        await this.sqs.send(new this.sdk.SendMessageCommand({ QueueUrl: env(queueEnv(source)), MessageBody: m.Body ?? '' }));
        await this.sqs.send(new this.sdk.DeleteMessageCommand({ QueueUrl: env(dlqEnv(source)), ReceiptHandle: m.ReceiptHandle! }));
        moved++;
      } else {
        await this.sqs.send(
          new this.sdk.ChangeMessageVisibilityCommand({ QueueUrl: env(dlqEnv(source)), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }),
        );
      }
    }
    return moved;
  }
}

function toDeadLetter(m: Message): DeadLetter {
  const attr = (k: string) => m.MessageAttributes?.[k]?.StringValue;
  return {
    messageId: m.MessageId!,
    body: m.Body ?? '',
    ...(attr('reason') ? { reason: attr('reason') } : {}),
    ...(attr('failedAt') ? { failedAt: attr('failedAt') } : {}),
    receives: Number(attr('receives') ?? m.Attributes?.ApproximateReceiveCount ?? 0),
  };
}
