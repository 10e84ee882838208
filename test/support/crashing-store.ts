import type { Store } from '../../shared/store/store';

/** A store whose n-th transaction fails, as a process dying between two writes would leave things. */
export function crashingOn(store: Store, n: number): Store {
  let count = 0;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'transact') return Reflect.get(target, prop, receiver);
      return async (...args: Parameters<Store['transact']>) => {
        if (++count === n) throw new Error('simulated crash');
        return target.transact(...args);
      };
    },
  });
}
