import type { Store } from '../../shared/store/store';

export interface CrashingStore {
  store: Store;
  /**
   * Resolves once every call made through the store has settled. A crash rejects the caller at once, but the
   * writes it had started beside the failing one go on; a rerun must begin only after they land, as a new
   * invocation would (its predecessor's requests were already at DynamoDB or lost with it).
   */
  settled(): Promise<void>;
}

/**
 * A store whose n-th transaction fails as a process dying at that moment would: `before` the transaction is sent
 * (nothing of it written), or `after` it has landed (written, but the caller never learns it).
 */
export function crashingOn(store: Store, n: number, when: 'before' | 'after'): CrashingStore {
  let count = 0;
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    const forget = () => void pending.delete(p);
    p.then(forget, forget);
    return p;
  };
  const transact = async (...args: Parameters<Store['transact']>) => {
    if (++count !== n) return store.transact(...args);
    if (when === 'after') await store.transact(...args);
    throw new Error(`simulated crash ${when} transaction ${n}`);
  };
  const crashing = new Proxy(store, {
    get(target, prop, receiver) {
      const value = prop === 'transact' ? transact : Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => track(Promise.resolve(value.apply(target, args)));
    },
  });
  return {
    store: crashing,
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
