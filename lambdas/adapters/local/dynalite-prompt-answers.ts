/**
 * dynalite wraps its LevelDB so that every `get`, `put`, `del` and `batch` answers its callback with
 * `setImmediate` once LevelDB's promise settles (dynalite/db/index.js, `wrapWithCallbacks`). A PutItem is three
 * such steps or more (the item's read for its condition, each index's write, the item's write), so each item
 * operation took three turns of the event loop or more, every turn behind whatever else the process had ready.
 * In the process that owns a home's store that is every stage of every execution, and the ledger's appends,
 * which run one at a time, waited out those turns one after another.
 *
 * This answers each callback on the next tick after the promise settles instead: the same answer, in the same
 * order, from the same LevelDB call (the method dynalite wrapped, called without a callback, which keeps its
 * closed-store refusals and error mapping). Only when the callback runs changes. A callback that throws still
 * throws out of its own tick, as it threw out of its own immediate, never into the promise.
 *
 * A read goes further: where the store reads synchronously (`getSync`: classic-level's LevelDB, memory-level), it
 * is read at once rather than on the thread pool. Every item write begins with a read of the item (a condition,
 * the indexes to update), under dynalite's lock on the key, so in a home on disk each write was three trips
 * through the thread pool, one after another, and two now. A synchronous read sees every write LevelDB has
 * acknowledged, as the asynchronous one did; a write of the same item still in flight holds the key's lock. A
 * store that is not open is read the asynchronous way, which keeps dynalite's refusal of a closed store.
 */

type Callback = (error: unknown, value?: unknown) => void;
type LevelMethod = (...args: unknown[]) => unknown;
interface LevelDb {
  status?: string;
  supports?: { getSync?: boolean };
  getSync?: (key: unknown) => unknown;
}

const answering = new WeakSet<object>();

/** Makes the store's LevelDB answer dynalite's callbacks on the next tick; idempotent. */
export function answerPromptly(store: object): void {
  const db = (store as { db?: Record<string, LevelMethod> & LevelDb }).db;
  if (db === undefined || answering.has(db)) return;
  answering.add(db);
  const getSync = db.supports?.getSync === true ? db.getSync : undefined;
  for (const name of ['get', 'put', 'del', 'batch'] as const) {
    const wrapped = db[name];
    if (typeof wrapped !== 'function') continue;
    db[name] = function (this: unknown, ...args: unknown[]) {
      const callback = args.at(-1);
      if (typeof callback !== 'function') return wrapped.apply(this, args);
      if (name === 'get' && getSync !== undefined && db.status === 'open' && args.length === 2) {
        let value: unknown;
        try {
          value = getSync.call(db, args[0]);
        } catch (error) {
          process.nextTick(callback as Callback, error);
          return;
        }
        process.nextTick(callback as Callback, null, value);
        return;
      }
      const settled = wrapped.apply(this, args.slice(0, -1)) as Promise<unknown>;
      settled.then(
        // As dynalite answers: a read with its value, a write with no second argument.
        name === 'get'
          ? (value) => process.nextTick(callback as Callback, null, value)
          : () => process.nextTick(callback as Callback, null),
        (error) => process.nextTick(callback as Callback, error),
      );
    };
  }
}
