/**
 * How much of a stretch of time some asynchronous method had work: from the first call that starts while none is
 * in flight to the moment none is, summed. For a method whose calls run one at a time (the ledger's append queue),
 * that is the share of time the queue was busy: near 100 %, the queue is what bounds the work around it.
 */
export function occupancy<T extends object, K extends keyof T>(
  target: T,
  method: K,
  now: () => number = () => performance.now(),
): { occupiedMs(): number; restore(): void } {
  const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  let inFlight = 0;
  let since = 0;
  let total = 0;
  (target as Record<K, unknown>)[method] = async (...args: unknown[]) => {
    if (inFlight++ === 0) since = now();
    try {
      return await original.apply(target, args);
    } finally {
      if (--inFlight === 0) total += now() - since;
    }
  };
  return {
    occupiedMs: () => total + (inFlight > 0 ? now() - since : 0),
    restore: () => {
      (target as Record<K, unknown>)[method] = original;
    },
  };
}
