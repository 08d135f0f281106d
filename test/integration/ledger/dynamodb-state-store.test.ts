import { DynamoStateStore } from '../../../lambdas/adapters/aws/dynamodb-state-store.js';
import { InvalidInputError, VersionConflictError } from '../../../lambdas/core/errors.js';
import { type LocalTables, startLocalTables } from './dynalite-fixture.js';

let tables: LocalTables;
let store: DynamoStateStore;
let partitions = 0;

beforeAll(async () => {
  tables = await startLocalTables();
  store = new DynamoStateStore(tables.client, tables.names.state);
});
afterAll(async () => {
  await tables.close();
});

function freshPartition(): string {
  partitions += 1;
  return `intent#${partitions}`;
}

describe('DynamoStateStore on dynalite', () => {
  test('creates at version 1 and bumps the version on each write', async () => {
    // Prepare
    const pk = freshPartition();

    // Act
    const created = await store.put(pk, 'record', { status: 'declared' }, 0);
    const updated = await store.put(pk, 'record', { status: 'admitted' }, 1);
    const read = await store.get(pk, 'record');

    // Assess
    expect(created).toEqual({ pk, sk: 'record', version: 1, data: { status: 'declared' } });
    expect(updated.version).toBe(2);
    expect(read).toEqual({ pk, sk: 'record', version: 2, data: { status: 'admitted' } });
  });

  test('refuses to create an item that exists', async () => {
    // Prepare
    const pk = freshPartition();
    await store.put(pk, 'lease', { holder: 'a' }, 0);

    // Act
    const error = await store.put(pk, 'lease', { holder: 'b' }, 0).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(VersionConflictError);
    expect((error as Error).name).toBe('VersionConflictError');
    expect((error as Error).message).toContain('to be absent');
    expect((await store.get(pk, 'lease'))?.data).toEqual({ holder: 'a' });
  });

  test('of six writers that read the same version, exactly one wins', async () => {
    // Prepare
    const pk = freshPartition();
    await store.put(pk, 'confidence', { n: 0 }, 0);

    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, w) => store.put(pk, 'confidence', { n: w + 1 }, 1)),
    );

    // Assess
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    for (const o of lost) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
    expect((await store.get(pk, 'confidence'))?.version).toBe(2);
  });

  test('an unconditional write still bumps the version', async () => {
    // Prepare
    const pk = freshPartition();

    // Act
    const first = await store.put(pk, 'cache', { a: 1 });
    const second = await store.put(pk, 'cache', { a: 2 });

    // Assess
    expect([first.version, second.version]).toEqual([1, 2]);
  });

  test('a write at a stale version conflicts and changes nothing', async () => {
    // Prepare
    const pk = freshPartition();
    await store.put(pk, 'record', { v: 'one' }, 0);
    await store.put(pk, 'record', { v: 'two' }, 1);

    // Act / Assess
    await expect(store.put(pk, 'record', { v: 'stale' }, 1)).rejects.toThrow('at version 1');
    expect((await store.get(pk, 'record'))?.data).toEqual({ v: 'two' });
  });

  test('lists a partition in sort-key order, across pages', async () => {
    // Prepare
    const pk = freshPartition();
    const blob = 'y'.repeat(100_000);
    const keys = Array.from({ length: 14 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
    for (const sk of [...keys].reverse()) await store.put(pk, sk, { blob });

    // Act
    const items = await store.list(pk);

    // Assess
    expect(items.map((i) => i.sk)).toEqual(keys);
    expect(await store.list(freshPartition())).toEqual([]);
  });

  test('deletes conditionally on the version', async () => {
    // Prepare
    const pk = freshPartition();
    await store.put(pk, 'lease', { holder: 'a' }, 0);

    // Act
    const stale = await store.delete(pk, 'lease', 7).catch((e: unknown) => e);
    await store.delete(pk, 'lease', 1);

    // Assess
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(await store.get(pk, 'lease')).toBeUndefined();
  });

  test('names an empty key or a bad version', async () => {
    // Act / Assess
    await expect(store.get('', 'x')).rejects.toThrow(InvalidInputError);
    await expect(store.put('p', 'x', {}, -1)).rejects.toThrow('expectedVersion');
  });
});
