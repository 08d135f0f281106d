import { createHash } from 'node:crypto';
import { EvidenceConflictError, EvidenceIntegrityError } from '../../lambdas/core/errors.js';
import type { EvidenceStore } from '../../lambdas/ports/evidence-store.js';

let prefixes = 0;
/** A key prefix no other case touches, so implementations may share one bucket or folder across cases. */
function freshPrefix(): string {
  prefixes += 1;
  return `contract-${prefixes}-${Math.random().toString(36).slice(2, 8)}/`;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const json = 'application/json';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

/**
 * The EvidenceStore port's contract, run against every implementation of it. `makeStore` may be called more
 * than once per case: each call is another writer over the same objects. `tamper`, where the backing storage
 * lets a test change an object's bytes behind the store (files on disk, a stubbed bucket), registers the case
 * that reads never serve such bytes.
 */
export function describeEvidenceStoreContract(
  name: string,
  makeStore: () => EvidenceStore | Promise<EvidenceStore>,
  tamper?: (key: string, body: Uint8Array) => Promise<void>,
): void {
  describe(`EvidenceStore contract: ${name}`, () => {
    test('an object reads back byte for byte; a missing key reads as undefined', async () => {
      // Prepare
      const store = await makeStore();
      const prefix = freshPrefix();
      const binary = Uint8Array.from([0, 255, 10, 13, 0x80, 0x7f]);

      // Act
      const uri = await store.putObject(`${prefix}bundle/manifest.bin`, binary, 'application/octet-stream');
      const empty = await store.putObject(`${prefix}bundle/empty.json`, new Uint8Array(0), json);

      // Assess
      expect(typeof uri).toBe('string');
      expect(uri).toContain(`${prefix}bundle/manifest.bin`);
      expect(empty).not.toBe(uri);
      expect(Buffer.from((await store.getObject(`${prefix}bundle/manifest.bin`))!)).toEqual(
        Buffer.from(binary),
      );
      expect((await store.getObject(`${prefix}bundle/empty.json`))?.length).toBe(0);
      expect(await store.getObject(`${prefix}bundle/missing.json`)).toBeUndefined();
    });

    test('a second put of the same bytes is idempotent and returns the same URI', async () => {
      // Prepare
      const store = await makeStore();
      const key = `${freshPrefix()}checkpoint.json`;
      const first = await store.putObject(key, bytes('{"size":1}'), json);

      // Act
      const second = await store.putObject(key, bytes('{"size":1}'), json);

      // Assess
      expect(second).toBe(first);
      expect(new TextDecoder().decode(await store.getObject(key))).toBe('{"size":1}');
    });

    test('uriOf names a key as its put does, without writing it', async () => {
      // Prepare
      const store = await makeStore();
      const key = `${freshPrefix()}checkpoint.json`;
      const unwritten = `${freshPrefix()}never.json`;

      // Act
      const uri = await store.putObject(key, bytes('{"size":1}'), json);

      // Assess
      expect(store.uriOf(key)).toBe(uri);
      expect(store.uriOf(unwritten)).toContain('never.json');
      expect(await store.getObject(unwritten)).toBeUndefined();
    });

    test('a second put of different bytes is EvidenceConflictError and the first bytes stay', async () => {
      // Prepare
      const store = await makeStore();
      const key = `${freshPrefix()}checkpoint.json`;
      await store.putObject(key, bytes('{"size":1}'), json);

      // Act
      const conflict = await failure(store.putObject(key, bytes('{"size":2}'), json));

      // Assess
      expect(conflict).toBeInstanceOf(EvidenceConflictError);
      expect((conflict as Error).name).toBe('EvidenceConflictError');
      expect(new TextDecoder().decode(await store.getObject(key))).toBe('{"size":1}');
    });

    test('writers racing different bytes to one key: exactly one wins, the rest conflict, its bytes stay', async () => {
      // Prepare
      const stores = await Promise.all(Array.from({ length: 5 }, () => makeStore()));
      const key = `${freshPrefix()}race.json`;

      // Act
      const outcomes = await Promise.allSettled(
        stores.map((store, writer) => store.putObject(key, bytes(`{"writer":${writer}}`), json)),
      );

      // Assess
      const won = outcomes.flatMap((outcome, writer) => (outcome.status === 'fulfilled' ? [writer] : []));
      expect(won).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(EvidenceConflictError);
      }
      expect(new TextDecoder().decode(await stores[0]!.getObject(key))).toBe(`{"writer":${won[0]}}`);
    });

    test('writers racing the same bytes to one key all succeed', async () => {
      // Prepare
      const stores = await Promise.all(Array.from({ length: 5 }, () => makeStore()));
      const key = `${freshPrefix()}same.json`;

      // Act
      const outcomes = await Promise.allSettled(
        stores.map((store) => store.putObject(key, bytes('{}'), json)),
      );

      // Assess
      expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
      expect(new TextDecoder().decode(await stores[0]!.getObject(key))).toBe('{}');
    });

    test('what is stored does not change when the caller later changes its buffers', async () => {
      // Prepare
      const store = await makeStore();
      const key = `${freshPrefix()}object.json`;
      const body = bytes('{"a":1}');
      await store.putObject(key, body, json);

      // Act
      body.fill(0x20);
      (await store.getObject(key))!.fill(0x20);

      // Assess
      expect(new TextDecoder().decode(await store.getObject(key))).toBe('{"a":1}');
    });

    if (tamper) {
      test('bytes changed behind the store fail the read with EvidenceIntegrityError naming the key and both digests', async () => {
        // Prepare
        const store = await makeStore();
        const key = `${freshPrefix()}bundle/manifest.json`;
        const written = bytes('{"size":1}');
        const changed = bytes('{"size":2}');
        await store.putObject(key, written, json);
        await tamper(key, changed);

        // Act
        const error = await failure(store.getObject(key));

        // Assess
        expect(error).toBeInstanceOf(EvidenceIntegrityError);
        expect((error as Error).message).toContain(key);
        expect((error as Error).message).toContain(sha256(written));
        expect((error as Error).message).toContain(sha256(changed));
      });
    }

    test('list returns every key under a prefix, nested or not, sorted, and nothing else', async () => {
      // Prepare
      const store = await makeStore();
      const prefix = freshPrefix();
      const keys = [
        `${prefix}bundles/intent-2/manifest.json`,
        `${prefix}bundles/intent-1/ledger/entries.jsonl`,
        `${prefix}bundles/intent-1/manifest.json`,
        `${prefix}bundles/intent-10/manifest.json`,
        `${prefix}checkpoints/test/00000001.json`,
      ];
      for (const key of keys) await store.putObject(key, bytes(key), json);

      // Act
      const [bundles, one, partial, whole, none] = await Promise.all([
        store.list(`${prefix}bundles/`),
        store.list(`${prefix}bundles/intent-1/`),
        store.list(`${prefix}bundles/intent-1`),
        store.list(prefix),
        store.list(`${prefix}nothing/`),
      ]);

      // Assess
      expect(bundles).toEqual([
        `${prefix}bundles/intent-1/ledger/entries.jsonl`,
        `${prefix}bundles/intent-1/manifest.json`,
        `${prefix}bundles/intent-10/manifest.json`,
        `${prefix}bundles/intent-2/manifest.json`,
      ]);
      expect(one).toEqual([
        `${prefix}bundles/intent-1/ledger/entries.jsonl`,
        `${prefix}bundles/intent-1/manifest.json`,
      ]);
      expect(partial).toEqual([...one, `${prefix}bundles/intent-10/manifest.json`]);
      expect(whole).toEqual([...keys].sort());
      expect(none).toEqual([]);
    });
  });
}
