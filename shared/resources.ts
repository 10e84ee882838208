import { LEVELS, type Level } from './levels';

/**
 * Every table, queue and bucket the platform has, as plain data. The CDK stack and the local runtime both
 * create them from here; functions find the physical names through the environment variables named here.
 */

/**
 * `people` holds citizens' and businesses' accounts, their identity numbers and the indexes over them: a table of
 * its own so that only the function serving those accounts can be granted it (the level tables hold audit chains
 * and staff records that other functions read).
 */
export type TableId = 'registry' | 'people' | Level;
export const TABLE_IDS: readonly TableId[] = ['registry', 'people', ...LEVELS];

/** All tables share one key shape so that one store serves them all. */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** One general-purpose index: listing by another partition (children of a unit, items by due date). */
  index: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ttlAttribute: 'expiresAt',
} as const;

export const tableEnv = (id: TableId): string => `TABLE_${id.toUpperCase()}`;

/** Tier inbox queues (one per level) and the background job queue; each has a dead-letter queue. */
export type QueueId = `inbox-${Level}` | 'jobs';
export const QUEUE_IDS: readonly QueueId[] = [...LEVELS.map((l) => `inbox-${l}` as const), 'jobs'];
export const inboxOf = (level: Level): QueueId => `inbox-${level}`;

export interface QueueSpec {
  /** Seconds a received message stays invisible; also the consumer's upper bound of work per batch. */
  visibilityTimeout: number;
  /** Receives before a message goes to the dead-letter queue. */
  maxReceiveCount: number;
  batchSize: number;
}
export const QUEUE_SPEC: Record<QueueId, QueueSpec> = Object.fromEntries(
  QUEUE_IDS.map((id) => [
    id,
    id === 'jobs'
      ? { visibilityTimeout: 180, maxReceiveCount: 5, batchSize: 1 }
      : { visibilityTimeout: 60, maxReceiveCount: 5, batchSize: 10 },
  ]),
) as Record<QueueId, QueueSpec>;

export const queueEnv = (id: QueueId): string => `QUEUE_${id.toUpperCase().replace(/-/g, '_')}`;
/** The ARN of a consumed queue (to tell which queue a record came from) and the URL of its dead-letter queue. */
export const queueArnEnv = (id: QueueId): string => `${queueEnv(id)}_ARN`;
export const dlqEnv = (id: QueueId): string => `${queueEnv(id)}_DLQ`;

export const BUCKET_ENV = 'BUCKET_FILES';
