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

/**
 * What domain code needs from the outside world, passed in so it runs the same on Lambda, on the local runtime
 * and in unit tests.
 */
export interface Deps {
  store: Store;
  queues: Queues;
  files: Files;
  archive: Archive;
  keys: Keys;
  now: () => Date;
}
