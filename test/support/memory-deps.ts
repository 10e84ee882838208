import { randomBytes } from 'node:crypto';
import type { DeadLetter, Deps } from '../../shared/deps';
import type { QueueId } from '../../shared/resources';
import { hmacKey } from '../../shared/keys';
import { MemoryStore } from '../../shared/store/memory-store';

/** Deps for domain tests without emulators: the in-memory store, and queues, files and archive that keep what they get. */
export function memoryDeps(now = () => new Date('2026-03-02T01:00:00Z')) {
  const sent: { queue: QueueId; body: unknown; opts?: { delaySeconds?: number } }[] = [];
  const objects = new Map<string, string>();
  const types = new Map<string, string>();
  const archived = new Map<string, string>();
  const dead = new Map<QueueId, DeadLetter[]>();
  const held = (q: QueueId) => dead.get(q) ?? dead.set(q, []).get(q)!;
  const deps: Deps = {
    store: new MemoryStore(),
    now,
    queues: { send: async (queue, body, opts) => void sent.push({ queue, body, ...(opts ? { opts } : {}) }) },
    files: {
      put: async (key, body, contentType) => void (objects.set(key, body), types.set(key, contentType)),
      get: async (key) => objects.get(key),
      head: async (key) => (objects.has(key) ? { size: Buffer.byteLength(objects.get(key)!), contentType: types.get(key)! } : undefined),
      // What a presigned POST would carry, unsigned: the memory bucket has no policy to enforce.
      presignPost: async (key, { contentType }) => ({ url: 'memory://files', fields: { key, 'Content-Type': contentType } }),
      presignGet: async (key, { fileName, contentType }) =>
        `memory://files/${encodeURIComponent(key)}?${new URLSearchParams({ name: fileName, type: contentType })}`,
    },
    archive: {
      put: async (key, body) => void (archived.has(key) || archived.set(key, body)),
      get: async (key) => archived.get(key),
      list: async (prefix) => [...archived.keys()].filter((k) => k.startsWith(prefix)).sort(),
    },
    deadLetters: {
      put: async (queue, body, reason, receives) =>
        void held(queue).push({ messageId: `dead-${held(queue).length + 1}`, body, reason, failedAt: now().toISOString(), receives }),
      depth: async (queue) => held(queue).length,
      list: async (queue, max = 100) => held(queue).slice(0, max),
      redrive: async (queue, chosen) => {
        const [back, stay] = [held(queue).filter(chosen), held(queue).filter((d) => !chosen(d))];
        dead.set(queue, stay);
        for (const d of back) sent.push({ queue, body: d.body });
        return back.length;
      },
    },
    keys: { audit: hmacKey(randomBytes(32)), identity: hmacKey(randomBytes(32)) },
  };
  return { deps, sent, objects, archived, dead };
}

/**
 * What a MemoryStore holds, for before/after comparisons. A read leaves an empty map behind for a table nobody wrote
 * yet; that is no write, so empty tables are left out.
 */
export const storeSnapshot = (store: MemoryStore) =>
  JSON.stringify([...store['tables']].filter(([, m]) => m.size > 0).map(([t, m]) => [t, [...m.entries()]]));
