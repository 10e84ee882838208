import {
  DynamoDBClient,
  TransactionCanceledException,
  TransactionConflictException,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';

const SINGLE_WRITES = new Set(['PutItemCommand', 'DeleteItemCommand', 'UpdateItemCommand']);

export interface ConflictingClient {
  client: DynamoDBClient;
  /** Every write the store asked the client for, in order, and whether a conflict was injected instead of sending it. */
  writes: { command: string; injected: boolean }[];
}

/**
 * A DynamoDBClient that rejects a share (`rate`, 0 to 1) of writes as real DynamoDB does under contention, which
 * DynamoDB Local never does (it runs transactions one at a time): a transaction is cancelled with a
 * TransactionConflict (or, one time in five, ThrottlingError) reason on one of its items, and a single write gets
 * TransactionConflictException. The fault is raised in the client's first middleware step, before the request is
 * serialized or sent and before the SDK's own retries, so nothing reaches the emulator and the store's code above
 * the client is what copes with it.
 */
export function conflictingClient(rate: number, random: () => number = Math.random): ConflictingClient {
  const client = new DynamoDBClient({});
  const writes: ConflictingClient['writes'] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const transaction = command === 'TransactWriteItemsCommand';
      if (!transaction && !SINGLE_WRITES.has(command)) return next(args);
      const injected = random() < rate;
      writes.push({ command, injected });
      if (!injected) return next(args);
      if (!transaction) throw new TransactionConflictException({ $metadata: {}, message: 'Transaction is ongoing for the item' });
      const items = (args.input as TransactWriteItemsCommandInput).TransactItems ?? [];
      const at = Math.floor(random() * items.length);
      const code = random() < 0.8 ? 'TransactionConflict' : 'ThrottlingError';
      const CancellationReasons = items.map((_, i) => ({ Code: i === at ? code : 'None' }));
      throw new TransactionCanceledException({
        $metadata: {},
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${CancellationReasons.map((r) => r.Code).join(', ')}]`,
        CancellationReasons,
      });
    },
    { step: 'initialize', name: 'injectConflicts', priority: 'high' },
  );
  return { client, writes };
}

/** A seeded source of numbers in [0, 1) (mulberry32), so that a run's faults can be had again. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
