import type { Fence, PageCommit, Store } from '../store/store.js';

/**
 * The store as one source's collector sees it while it holds the source's
 * lease: every commit and stream update carries the lease's fencing token, so
 * the store refuses them once another instance took the lease.
 */
export function fencedStore(store: Store, currentFence: () => Fence | null): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'commitPage') {
        return (commit: PageCommit) => {
          const fence = currentFence();
          return target.commitPage(fence ? { ...commit, fence } : commit);
        };
      }
      if (property === 'updateStream') {
        return (...args: Parameters<Store['updateStream']>) => {
          const [sourceId, logType, update, days] = args;
          return target.updateStream(sourceId, logType, update, days ?? [], currentFence() ?? undefined);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
