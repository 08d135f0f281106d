import { DynamoStateStore } from '../../../lambdas/adapters/aws/dynamodb-state-store.js';
import {
  everyPartition,
  readMostlyPartitions,
  SoleWriterStateCache,
} from '../../../lambdas/adapters/local/sole-writer-state-cache.js';
import { VersionConflictError } from '../../../lambdas/core/errors.js';
import type { StateStore } from '../../../lambdas/ports/state-store.js';
import { describeStateStoreContract } from '../../contract/state-store-contract.js';
import { MemoryStateStore } from '../../unit/release/helpers/memory-state-store.js';
import { type LocalTables, startLocalTables } from './dynalite-fixture.js';

let tables: LocalTables;
beforeAll(async () => {
  tables = await startLocalTables();
});
afterAll(async () => {
  await tables.close();
});

// One cache per case, shared by every writer the case makes: the cache is exact only as the table's one writer.
let cache: SoleWriterStateCache | undefined;
beforeEach(() => {
  cache = undefined;
});
describeStateStoreContract('SoleWriterStateCache over DynamoStateStore on dynalite', () => {
  cache ??= new SoleWriterStateCache(new DynamoStateStore(tables.client, tables.names.state), ['contract#']);
  return cache;
});

/** The table's store, counting the calls that reach it. */
function counted(): { store: StateStore; calls: string[] } {
  const inner = new DynamoStateStore(tables.client, tables.names.state);
  const calls: string[] = [];
  const store: StateStore = {
    get: (pk, sk) => {
      calls.push('get');
      return inner.get(pk, sk);
    },
    list: (pk) => {
      calls.push('list');
      return inner.list(pk);
    },
    put: (pk, sk, data, version) => {
      calls.push('put');
      return inner.put(pk, sk, data, version);
    },
    delete: (pk, sk, version) => {
      calls.push('delete');
      return inner.delete(pk, sk, version);
    },
  };
  return { store, calls };
}

let partitions = 0;
const fresh = (prefix = 'DELEGATION#') => `${prefix}p${++partitions}`;

describe('SoleWriterStateCache', () => {
  test('reads a read-mostly partition once, then from memory, until a write of it', async () => {
    // Prepare
    const { store, calls } = counted();
    const cache = new SoleWriterStateCache(store);
    const pk = fresh();
    await store.put(pk, 'a', { n: 1 });
    calls.length = 0;

    // Act
    const reads = [
      await cache.list(pk),
      await cache.list(pk),
      await cache.get(pk, 'a'),
      await cache.get(pk, 'a'),
    ];
    await cache.put(pk, 'b', { n: 2 });
    const after = await cache.list(pk);

    // Assess
    expect(calls).toEqual(['list', 'get', 'put', 'list']);
    expect(reads[1]).toEqual(reads[0]);
    expect(after.map((item) => item.sk)).toEqual(['a', 'b']);
  });

  test('as the local stack keeps it: items of every partition, listings of read-mostly partitions only', async () => {
    // Prepare
    const { store, calls } = counted();
    const cache = new SoleWriterStateCache(store, everyPartition, readMostlyPartitions);
    const pk = fresh('INTENT#');
    await cache.put(pk, 'STOP_REQUEST', { reason: 'wrong flag' });
    calls.length = 0;

    // Act
    const absentBefore = await cache.get(pk, 'HOSTED_VERSION');
    const reads = [await cache.get(pk, 'STOP_REQUEST'), await cache.get(pk, 'HOSTED_VERSION')];
    const listings = [await cache.list(pk), await cache.list(pk)];

    // Assess: each item read once (the absent one too), the listing every time.
    expect(absentBefore).toBeUndefined();
    expect(reads[0]?.data).toEqual({ reason: 'wrong flag' });
    expect(reads[1]).toBeUndefined();
    expect(listings[1]).toEqual(listings[0]);
    expect(calls).toEqual(['get', 'list', 'list']);
  });

  test('a write keeps the version the table holds, so conditional writes behave as on the table', async () => {
    // Prepare
    const { store, calls } = counted();
    const cache = new SoleWriterStateCache(store);
    const pk = fresh('TALLY#');
    const created = await cache.put(pk, 'TOTALS', { n: 1 }, 0);
    calls.length = 0;

    // Act
    const read = await cache.get(pk, 'TOTALS');
    const next = await cache.put(pk, 'TOTALS', { n: 2 }, read!.version);
    const stale = cache.put(pk, 'TOTALS', { n: 3 }, read!.version);

    // Assess
    expect(read).toEqual(created);
    expect(next.version).toBe(2);
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    expect(await cache.get(pk, 'TOTALS')).toEqual(await store.get(pk, 'TOTALS'));
    expect(calls).toEqual(['put', 'put', 'get', 'get']);
  });

  test('a read that overlapped a write of its partition is not kept', async () => {
    // Prepare: the table answers the read with what it held before the write.
    const inner = new DynamoStateStore(tables.client, tables.names.state);
    const pk = fresh('REVOCATION#');
    await inner.put(pk, 'r', { revoked: false });
    let releaseRead: () => void = () => {};
    const slow: StateStore = {
      ...inner,
      get: async (p, s) => {
        const before = await inner.get(p, s);
        await new Promise<void>((resolve) => {
          releaseRead = resolve;
        });
        return before as never;
      },
      list: (p) => inner.list(p),
      put: (p, s, d, v) => inner.put(p, s, d, v),
      delete: (p, s, v) => inner.delete(p, s, v),
    };
    const cache = new SoleWriterStateCache(slow);

    // Act
    const overlapping = cache.get(pk, 'r');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await cache.put(pk, 'r', { revoked: true });
    releaseRead();
    await overlapping;
    const later = cache.get(pk, 'r');
    await new Promise((resolve) => setTimeout(resolve, 50));
    releaseRead();

    // Assess
    expect((await later)?.data).toEqual({ revoked: true });
  });

  test('a long-running owner remembers a bounded number of partitions, and a read overlapping a write of one it forgot is still not kept', async () => {
    // Prepare: a read of one partition held open while it is written and thousands of others are.
    const inner = new MemoryStateStore();
    await inner.put('INTENT#a', 'r', { version: 'old' });
    let releaseRead: () => void = () => {};
    let held = false;
    const slow: StateStore = {
      ...inner,
      get: async (p, s) => {
        const before = await inner.get(p, s);
        // Only the first read is held open; it answers what the table held before the write.
        if (p === 'INTENT#a' && !held) {
          held = true;
          await new Promise<void>((resolve) => (releaseRead = resolve));
        }
        return before as never;
      },
      list: (p) => inner.list(p),
      put: (p, s, d, v) => inner.put(p, s, d, v),
      delete: (p, s, v) => inner.delete(p, s, v),
    };
    const cache = new SoleWriterStateCache(slow, everyPartition, readMostlyPartitions);

    // Act
    const overlapping = cache.get('INTENT#a', 'r');
    await new Promise((resolve) => setTimeout(resolve, 10));
    await cache.put('INTENT#a', 'r', { version: 'new' });
    for (let i = 0; i < 10_000; i++) await cache.put(`INTENT#other-${i}`, 'r', { i });
    releaseRead();
    await overlapping;

    // Assess: bounded memory, and the stale read was not kept.
    expect(cache.rememberedPartitions).toBeLessThanOrEqual(4096);
    expect((await cache.get('INTENT#a', 'r'))?.data).toEqual({ version: 'new' });
  });

  test('callers get copies: changing a returned item changes nothing cached', async () => {
    // Prepare
    const cache = new SoleWriterStateCache(counted().store);
    const pk = fresh('BUDGET#');
    await cache.put(pk, 'MEASURED', { remaining: 0.5 });

    // Act
    const first = await cache.get<{ remaining: number }>(pk, 'MEASURED');
    first!.data.remaining = 0;
    (await cache.list<{ remaining: number }>(pk))[0]!.data.remaining = 0;

    // Assess
    expect((await cache.get<{ remaining: number }>(pk, 'MEASURED'))?.data.remaining).toBe(0.5);
    expect((await cache.list<{ remaining: number }>(pk))[0]?.data.remaining).toBe(0.5);
  });

  test('other partitions pass straight through', async () => {
    // Prepare
    const { store, calls } = counted();
    const cache = new SoleWriterStateCache(store);
    const pk = fresh('INFLIGHT#');

    // Act
    await cache.list(pk);
    await cache.list(pk);
    await cache.get(pk, 'x');
    await cache.get(pk, 'x');

    // Assess
    expect(calls).toEqual(['list', 'list', 'get', 'get']);
  });
});
