import type { Keys } from './keys';
import type { QueueId } from './resources';
import type { Store } from './store/store';

export interface Queues {
  send(queue: QueueId, body: unknown, opts?: { delaySeconds?: number }): Promise<void>;
}

export interface Files {
  put(key: string, body: string, contentType: string): Promise<void>;
  /** The object's text, or undefined when there is none. */
  get(key: string): Promise<string | undefined>;
  /** The object's size in bytes and its stored Content-Type, or undefined when there is none. */
  head(key: string): Promise<{ size: number; contentType: string } | undefined>;
  /**
   * A browser form upload (S3's POST Object) of one object at `key`, valid for `expiresSeconds`: its signed policy
   * fixes the key, the Content-Type and a size of 1 to `maxBytes` bytes, so S3 refuses any other file.
   */
  presignPost(key: string, policy: { contentType: string; maxBytes: number; expiresSeconds: number }): Promise<{ url: string; fields: Record<string, string> }>;
  /**
   * A plain GET of the object at `key`, valid for `expiresSeconds`, answered as a download named `fileName` (in any
   * script) of type `contentType`, whatever the key looks like.
   */
  presignGet(key: string, download: { fileName: string; contentType: string; expiresSeconds: number }): Promise<string>;
}

/**
 * Write-once objects: a key, once written, keeps its first body. In AWS a bucket under S3 Object Lock (compliance
 * mode), so not even the account's root user can change or delete an object before its retention ends.
 */
export interface Archive {
  /** Writes `body` under `key` unless the key already holds an object. */
  put(key: string, body: string): Promise<void>;
  get(key: string): Promise<string | undefined>;
  /** Every key under `prefix`, in key order. */
  list(prefix: string): Promise<string[]>;
}

/** A message in a dead-letter queue, with why it got there when the consumer could say. */
export interface DeadLetter {
  messageId: string;
  body: string;
  /** The consumer's reason; absent for messages the queue's redrive policy moved (a consumer that crashed or timed out). */
  reason?: string;
  failedAt?: string;
  receives: number;
}

/** The dead-letter queues of the platform's queues: what a consumer gave up on, to look at and send back. */
export interface DeadLetterQueues {
  put(source: QueueId, body: string, reason: string, receives: number): Promise<void>;
  /** Messages held, visible or not. */
  depth(source: QueueId): Promise<number>;
  list(source: QueueId, max?: number): Promise<DeadLetter[]>;
  /** Sends the messages `chosen` accepts back to their queue and removes them here; the others stay. */
  redrive(source: QueueId, chosen: (d: DeadLetter) => boolean, max?: number): Promise<number>;
}

/**
 * What domain code needs from the outside world, passed in so it runs the same on Lambda, on the local runtime
 * and in unit tests.
 */
export interface Deps {
  store: Store;
  queues: Queues;
  files: Files;
  deadLetters: DeadLetterQueues;
  archive: Archive;
  keys: Keys;
  now: () => Date;
}
