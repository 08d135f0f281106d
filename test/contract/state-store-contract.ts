import { InvalidInputError, VersionConflictError } from '../../lambdas/core/errors.js';
import type { StateStore } from '../../lambdas/ports/state-store.js';

let partitions = 0;
/** A partition no other case touches, so implementations may share one table across cases. */
function freshPartition(): string {
  partitions += 1;
  return `contract#${partitions}#${Math.random().toString(36).slice(2, 8)}`;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/**
 * The StateStore port's contract, run against every implementation of it. `makeStore` may be called more
 * than once per case: each call is another writer over the same items.
 */
export function describeStateStoreContract(
  name: string,
  makeStore: () => StateStore | Promise<StateStore>,
): void {
  describe(`StateStore contract: ${name}`, () => {
    test('expectedVersion 0 creates at version 1, and refuses an item that exists', async () => {
      // Prepare
      const store = await makeStore();
      const pk = freshPartition();

      // Act
      const created = await store.put(pk, 'lease', { holder: 'a' }, 0);
      const again = await failure(store.put(pk, 'lease', { holder: 'b' }, 0));

      // Assess
      expect(created).toEqual({ pk, sk: 'lease', version: 1, data: { holder: 'a' } });
      expect(again).toBeInstanceOf(VersionConflictError);
      expect((again as Error).name).toBe('VersionConflictError');
      expect(await store.get(pk, 'lease')).toEqual(created);
    });

    test('a write at the current version bumps it; a stale or absent version conflicts and changes nothing', async () => {
      // Prepare
      const store = await makeStore();
      const pk = freshPartition();
      await store.put(pk, 'record', { v: 'one' }, 0);

      // Act
      const updated = await store.put(pk, 'record', { v: 'two' }, 1);
      const stale = await failure(store.put(pk, 'record', { v: 'stale' }, 1));
      const ahead = await failure(store.put(pk, 'record', { v: 'ahead' }, 5));
      const absent = await failure(store.put(pk, 'missing', { v: 'x' }, 1));

      // Assess
      expect(updated).toEqual({ pk, sk: 'record', version: 2, data: { v: 'two' } });
      expect(stale).toBeInstanceOf(VersionConflictError);
      expect(ahead).toBeInstanceOf(VersionConflictError);
      expect(absent).toBeInstanceOf(VersionConflictError);
      expect(await store.get(pk, 'record')).toEqual(updated);
      expect(await store.get(pk, 'missing')).toBeUndefined();
    });

    test('an unconditional write creates at version 1 and bumps the version of an existing item', async () => {
      // Prepare
      const store = await makeStore();
      const pk = freshPartition();

      // Act
      const first = await store.put(pk, 'cache', { a: 1 });
      const second = await store.put(pk, 'cache', { a: 2 });

      // Assess
      expect([first.version, second.version]).toEqual([1, 2]);
      expect((await store.get(pk, 'cache'))?.data).toEqual({ a: 2 });
    });

    test('data round-trips as JSON, and an item read back is a copy', async () => {
      // Prepare
      const store = await makeStore();
      const pk = freshPartition();
      const data = {
        text: 'ünï😀',
        n: -1.5,
        none: null,
        list: [1, 'two', { three: [] }],
        nested: { deep: true },
      };
      await store.put(pk, 'doc', data, 0);

      // Act
      const read = await store.get<typeof data>(pk, 'doc');
      read!.data.nested.deep = false;

      // Assess
      expect((await store.get(pk, 'doc'))?.data).toEqual(data);
      expect(await store.get(pk, 'never-written')).toBeUndefined();
    });

    test('lists only its partition, ordered by sk as DynamoDB orders strings (UTF-8 bytes)', async () => {
      // Prepare
      const store = await makeStore();
      const [pk, other] = [freshPartition(), freshPartition()];
      // UTF-8 byte order differs from JavaScript's UTF-16 order for U+E000..U+FFFF against astral characters.
      const ordered = ['A', 'B', 'a', 'item-10', 'item-9', 'é', '\uff5e', '😀'];
      for (const sk of [...ordered].reverse()) await store.put(pk, sk, { sk });
      await store.put(other, 'A', { sk: 'other' });

      // Act
      const items = await store.list<{ sk: string }>(pk);

      // Assess
      expect(items.map((item) => item.sk)).toEqual(ordered);
      expect(items.map((item) => item.data.sk)).toEqual(ordered);
      expect(items.every((item) => item.pk === pk && item.version === 1)).toBe(true);
      expect(await store.list(freshPartition())).toEqual([]);
    });

    test('lists a range of sort keys: from inclusive, below exclusive, either open', async () => {
      // Prepare
      const store = await makeStore();
      const pk = freshPartition();
      const sks = ['2026-11-01#a', '2026-11-02', '2026-11-02#b', '2026-11-03#c', '2026-11-04#d'];
      for (const sk of sks) await store.put(pk, sk, { sk });
      const skOf = async (range: { from?: string; below?: string }) =>
        (await store.list(pk, range)).map((item) => item.sk);

      // Act
      const both = await skOf({ from: '2026-11-02', below: '2026-11-04' });
      const exact = await skOf({ from: '2026-11-01#a', below: '2026-11-02' });
      const fromOnly = await skOf({ from: '2026-11-03' });
      const belowOnly = await skOf({ below: '2026-11-02#b' });

      // Assess
      expect(both).toEqual(['2026-11-02', '2026-11-02#b', '2026-11-03#c']);
      expect(exact).toEqual(['2026-11-01#a']);
      expect(fromOnly).toEqual(['2026-11-03#c', '2026-11-04#d']);
      expect(belowOnly).toEqual(['2026-11-01#a', '2026-11-02']);
      expect(await skOf({})).toEqual(sks);
    });

    test('delete at the current version removes; a stale version conflicts and keeps the item', async () => {
      // Prepare
      const store = await makeStore();
      const pk = freshPartition();
      await store.put(pk, 'lease', { holder: 'a' }, 0);

      // Act
      const stale = await failure(store.delete(pk, 'lease', 7));
      const kept = await store.get(pk, 'lease');
      await store.delete(pk, 'lease', 1);

      // Assess
      expect(stale).toBeInstanceOf(VersionConflictError);
      expect(kept?.data).toEqual({ holder: 'a' });
      expect(await store.get(pk, 'lease')).toBeUndefined();
    });

    test('an unconditional delete removes, and of a missing item is no error; a version on a missing item conflicts', async () => {
      // Prepare
      const store = await makeStore();
      const pk = freshPartition();
      await store.put(pk, 'cache', { a: 1 });

      // Act
      await store.delete(pk, 'cache');
      await store.delete(pk, 'never-written');
      const versioned = await failure(store.delete(pk, 'never-written', 1));

      // Assess
      expect(await store.get(pk, 'cache')).toBeUndefined();
      expect(versioned).toBeInstanceOf(VersionConflictError);
    });

    test('delete with expectedVersion 0 ("must not exist") is a no-op when absent and conflicts when present', async () => {
      // Prepare
      const store = await makeStore();
      const pk = freshPartition();
      await store.put(pk, 'present', { a: 1 }, 0);

      // Act
      const absent = await failure(store.delete(pk, 'absent', 0));
      const present = await failure(store.delete(pk, 'present', 0));

      // Assess
      expect(absent).toBeUndefined();
      expect(present).toBeInstanceOf(VersionConflictError);
      expect((await store.get(pk, 'present'))?.version).toBe(1);
    });

    test('a re-created item starts again at version 1', async () => {
      // Prepare
      const store = await makeStore();
      const pk = freshPartition();
      await store.put(pk, 'lease', { holder: 'a' }, 0);
      await store.put(pk, 'lease', { holder: 'b' }, 1);
      await store.delete(pk, 'lease', 2);

      // Act
      const recreated = await store.put(pk, 'lease', { holder: 'c' }, 0);

      // Assess
      expect(recreated.version).toBe(1);
    });

    test('of six writers that read the same version, exactly one wins and the rest conflict', async () => {
      // Prepare
      const stores = await Promise.all(Array.from({ length: 6 }, () => makeStore()));
      const pk = freshPartition();
      await stores[0]!.put(pk, 'confidence', { n: 0 }, 0);

      // Act
      const outcomes = await Promise.allSettled(
        stores.map((store, writer) => store.put(pk, 'confidence', { n: writer + 1 }, 1)),
      );

      // Assess
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.filter(
        (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      for (const outcome of lost) expect(outcome.reason).toBeInstanceOf(VersionConflictError);
      const final = await stores[0]!.get(pk, 'confidence');
      expect(final?.version).toBe(2);
      expect(final?.data).toEqual((won[0] as PromiseFulfilledResult<{ data: unknown }>).value.data);
    });

    test('of six creators of the same item, exactly one wins', async () => {
      // Prepare
      const stores = await Promise.all(Array.from({ length: 6 }, () => makeStore()));
      const pk = freshPartition();

      // Act
      const outcomes = await Promise.allSettled(
        stores.map((store, writer) => store.put(pk, 'lane', { holder: writer }, 0)),
      );

      // Assess
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect((await stores[0]!.get(pk, 'lane'))?.version).toBe(1);
    });

    test('an empty key or an expectedVersion that is not an integer ≥ 0 is InvalidInputError', async () => {
      // Prepare
      const store = await makeStore();
      const pk = freshPartition();

      // Act
      const refusals = await Promise.all([
        failure(store.get('', 'x')),
        failure(store.get(pk, '')),
        failure(store.put('', 'x', {})),
        failure(store.put(pk, 'x', {}, -1)),
        failure(store.put(pk, 'x', {}, 1.5)),
        failure(store.list('')),
        failure(store.delete(pk, '', 1)),
        failure(store.delete(pk, 'x', -2)),
      ]);

      // Assess
      for (const refusal of refusals) expect(refusal).toBeInstanceOf(InvalidInputError);
      expect(await store.get(pk, 'x')).toBeUndefined();
    });
  });
}
