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
 * What domain code needs from the outside world, passed in so it runs the same on Lambda, on the local runtime
 * and in unit tests.
 */
export interface Deps {
  store: Store;
  queues: Queues;
  files: Files;
  keys: Keys;
  now: () => Date;
}
