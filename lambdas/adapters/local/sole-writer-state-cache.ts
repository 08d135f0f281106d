import type { SortKeyRange, StateItem, StateStore } from '../../ports/state-store.js';
import { inSortKeyRange } from '../sort-key-range.js';

/**
 * Partitions the pipeline reads many times per intent and writes rarely: delegations and revocations (read by
 * every authority check), alarm actions and the simulator's index of faulty deployments (read by every release
 * poll), the running tallies, measured budgets, cached decisions, the newest checkpoint and the contract versions
 * schema updates released (listed by every structure check). The local stack keeps whole listings of these only;
 * single items it keeps for every partition (`everyPartition`).
 */
export const readMostlyPartitions = [
  'DELEGATION#',
  'REVOCATION#',
  'cloudwatch#alarm-actions',
  'TALLY#',
  'BUDGET#',
  'DECISION',
  'CHECKPOINT#',
  'appconfig#faults#',
  'CONTRACT#',
];

/** Every partition: an item the process wrote or read is served from memory until it is evicted. */
export const everyPartition = [''];

// Bounds that keep the cache a working set (the intents in flight and the read-mostly items), not a copy of the
// table: a control plane that runs for weeks must come back to its baseline memory after its work is done.
const ITEMS = 1024;
const LISTS = 256;
/** Partitions whose write generation is remembered; past it the oldest are forgotten (`floor`). */
const GENERATIONS = 4096;
const absent = Symbol('absent');

/**
 * A read-through, write-through cache in front of the local stack's state store, for the partitions given.
 * Exact only because the process that owns the home's dynalite is the table's one writer (see "Locally: one
 * writer" in docs/LEDGER.md), and every write passes through here. A read that overlapped a write of its
 * partition is not kept, so the cache never holds what a write replaced; a write keeps what it wrote (the
 * version included, so conditional writes see what DynamoDB holds). Callers get copies: what they change in a
 * returned item never reaches the cache. Never used on AWS, where Lambda containers write concurrently.
 */
export class SoleWriterStateCache implements StateStore {
  private readonly items = new Map<string, StateItem | typeof absent>();
  private readonly lists = new Map<string, StateItem[]>();
  /**
   * Per partition: set to a new value of one process-wide counter by every write, so a read that overlapped a
   * write of its partition is not kept. Forgotten partitions read as `floor`, which forgetting raises to the
   * counter: a read in flight on one of them then sees its generation change and is not kept either.
   */
  private readonly generations = new Map<string, number>();
  private counter = 0;
  private floor = 0;
  private readonly writing = new Map<string, number>();

  /**
   * `prefixes`: the partitions whose items are kept; `listPrefixes`: those whose whole listings are kept too
   * (a listing can be large, and a partition written on every intent would only churn it).
   */
  constructor(
    private readonly inner: StateStore,
    private readonly prefixes: readonly string[] = readMostlyPartitions,
    private readonly listPrefixes: readonly string[] = prefixes,
  ) {}

  async get<T = Record<string, unknown>>(pk: string, sk: string): Promise<StateItem<T> | undefined> {
    if (!this.cached(pk)) return this.inner.get<T>(pk, sk);
    const key = itemKey(pk, sk);
    const hit = this.items.get(key);
    if (hit !== undefined) return hit === absent ? undefined : (copyOf(hit) as StateItem<T>);
    const generation = this.generation(pk);
    const item = await this.inner.get<T>(pk, sk);
    if (this.unchanged(pk, generation))
      bounded(this.items, key, (item as StateItem | undefined) ?? absent, ITEMS);
    return item === undefined ? undefined : copyOf(item);
  }

  async list<T = Record<string, unknown>>(pk: string, range?: SortKeyRange): Promise<StateItem<T>[]> {
    if (!this.listed(pk)) return this.inner.list<T>(pk, range);
    const hit = this.lists.get(pk);
    if (hit !== undefined)
      return copyOf(hit.filter((item) => inSortKeyRange(item.sk, range))) as StateItem<T>[];
    // Only whole listings are kept: a range is read through.
    if (range !== undefined) return this.inner.list<T>(pk, range);
    const generation = this.generation(pk);
    const items = await this.inner.list<T>(pk);
    if (this.unchanged(pk, generation)) bounded(this.lists, pk, items as StateItem[], LISTS);
    return copyOf(items);
  }

  put<T = Record<string, unknown>>(
    pk: string,
    sk: string,
    data: T,
    expectedVersion?: number,
    options?: { expiresAt?: Date },
  ): Promise<StateItem<T>> {
    return this.write<StateItem<T>>(pk, sk, () => this.inner.put<T>(pk, sk, data, expectedVersion, options));
  }

  async delete(pk: string, sk: string, expectedVersion?: number): Promise<void> {
    await this.write(pk, sk, async () => {
      await this.inner.delete(pk, sk, expectedVersion);
      return undefined;
    });
  }

  private async write<R>(pk: string, sk: string, run: () => Promise<R>): Promise<R> {
    if (!this.cached(pk) && !this.listed(pk)) return run();
    const key = itemKey(pk, sk);
    this.items.delete(key);
    this.lists.delete(pk);
    this.writing.set(pk, (this.writing.get(pk) ?? 0) + 1);
    this.bump(pk);
    try {
      const written = await run();
      // Alone on the partition, this write's result is what the table holds now.
      if (this.writing.get(pk) === 1) {
        bounded(this.items, key, (written as StateItem | undefined) ?? absent, ITEMS);
      }
      return written === undefined ? written : copyOf(written);
    } finally {
      const left = (this.writing.get(pk) ?? 1) - 1;
      if (left === 0) this.writing.delete(pk);
      else this.writing.set(pk, left);
      this.lists.delete(pk);
      this.bump(pk);
    }
  }

  private cached(pk: string): boolean {
    return this.prefixes.some((prefix) => pk.startsWith(prefix));
  }

  private listed(pk: string): boolean {
    return this.listPrefixes.some((prefix) => pk.startsWith(prefix));
  }

  private generation(pk: string): number {
    return this.generations.get(pk) ?? this.floor;
  }

  private unchanged(pk: string, generation: number): boolean {
    return !this.writing.has(pk) && this.generation(pk) === generation;
  }

  private bump(pk: string): void {
    this.counter += 1;
    this.generations.delete(pk);
    this.generations.set(pk, this.counter);
    if (this.generations.size > GENERATIONS) {
      const oldest = this.generations.keys().next().value;
      if (oldest !== undefined && !this.writing.has(oldest)) {
        this.generations.delete(oldest);
        this.floor = this.counter;
      }
    }
  }

  /** How many partitions' write generations are remembered (bounded; for tests). */
  get rememberedPartitions(): number {
    return this.generations.size;
  }
}

/**
 * A deep copy of what the state store holds: plain objects, arrays and scalars are copied here, five to ten times
 * faster than `structuredClone`, which serializes; anything else (a `Set` or bytes the unmarshaller made, a `Date`)
 * goes to `structuredClone`.
 */
export function copyOf<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyOf) as T;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = copyOf((value as Record<string, unknown>)[key]);
    // A member named __proto__ stays a member of the copy, as in what was copied, not its prototype.
    if (key === '__proto__') {
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    } else copy[key] = item;
  }
  return copy as T;
}

function itemKey(pk: string, sk: string): string {
  return `${pk}\u0000${sk}`;
}

/** Sets `key` as the newest, dropping the oldest past `limit`. */
function bounded<V>(map: Map<string, V>, key: string, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}
