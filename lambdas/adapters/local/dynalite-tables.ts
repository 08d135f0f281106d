type Done = (error: unknown, table?: object) => void;
type Method = (...args: unknown[]) => unknown;

/** The parts of dynalite's store (dynalite/db/index.js) this reads: its table lookup and the tables' LevelDB. */
interface TableStore {
  getTable(name: string, checkStatus: boolean, done: Done): void;
  tableDb: Record<'put' | 'del' | 'batch', Method>;
}

const views = new WeakMap<object, object>();

/**
 * dynalite reads a table's description from its LevelDB and decodes it from JSON on every item operation
 * (`getTable` in dynalite/db/index.js): about a twentieth of the local pipeline's CPU, for three tables whose
 * descriptions change only when one is created, updated or deleted. This is the store as item operations see
 * it, with each ACTIVE table's description kept (frozen: dynalite's item actions only read it) and handed back
 * at once. Every write to the tables' LevelDB (`tableDb.put`, `del`, `batch`: what CreateTable, UpdateTable,
 * DeleteTable and a status change write, through any path, the HTTP handler's included) forgets every kept
 * description, as it starts and as it ends, and a lookup that overlapped a write is not kept. A table that is
 * not ACTIVE, or a lookup that does not check the status (DescribeTable's), reads through. One view per store:
 * every client of the store shares it.
 */
export function keepingTables<Store extends object>(store: Store): Store {
  const existing = views.get(store);
  if (existing !== undefined) return existing as Store;
  const inner = store as TableStore;
  const kept = new Map<string, object>();
  let generation = 0;
  let watched: TableStore['tableDb'] | undefined;
  const changed = () => {
    generation++;
    kept.clear();
  };
  /** Wraps the writes of the store's current tables LevelDB (dynalite's `recreate` replaces it). */
  const watch = () => {
    if (watched === inner.tableDb) return;
    changed();
    watched = inner.tableDb;
    for (const name of ['put', 'del', 'batch'] as const) {
      const write = watched[name];
      watched[name] = function (this: unknown, ...args: unknown[]) {
        changed();
        const done = args.at(-1);
        if (typeof done === 'function') {
          args[args.length - 1] = (...result: unknown[]) => {
            changed();
            return done(...result);
          };
          return write.apply(this, args);
        }
        const answer = write.apply(this, args);
        if (answer instanceof Promise) answer.then(changed, changed);
        return answer;
      };
    }
  };
  watch();
  // dynalite's own signature: `getTable(name, done)` checks the status, as `getTable(name, true, done)` does.
  const getTable = (name: string, checkStatus: boolean | Done, done?: Done): void => {
    if (typeof checkStatus === 'function') {
      getTable(name, true, checkStatus);
      return;
    }
    if (done === undefined) throw new TypeError('getTable needs a callback');
    watch();
    const hit = checkStatus ? kept.get(name) : undefined;
    if (hit !== undefined) {
      done(null, hit);
      return;
    }
    if (!checkStatus) {
      inner.getTable(name, false, done);
      return;
    }
    const at = generation;
    inner.getTable(name, true, (error, table) => {
      if (!error && at === generation && (table as { TableStatus?: string })?.TableStatus === 'ACTIVE')
        kept.set(name, deepFrozen(table as object));
      done(error, table);
    });
  };
  const view = Object.create(store, { getTable: { value: getTable } }) as Store;
  views.set(store, view);
  return view;
}

function deepFrozen<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFrozen(member);
  }
  return value;
}
