import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoLedgerStore } from '../../../lambdas/adapters/aws/dynamodb-ledger-store.js';
import type { DirectDynaliteClient } from '../../../lambdas/adapters/local/dynalite-direct.js';
import { SoleWriterLedgerStore } from '../../../lambdas/adapters/local/sole-writer-ledger-store.js';
import { verifyChain } from '../../../lambdas/core/ledger/index.js';
import type { LedgerEntryDraft } from '../../../lambdas/ports/ledger-store.js';
import { describeLedgerStoreContract } from '../../contract/ledger-store-contract.js';
import { clientFor, type LocalTables, startLocalTables } from './dynalite-fixture.js';

/*
 * The ledger as the local stack opens it: the one writer of its dynalite, appending without idempotency
 * markers. Each "process" here is a store on a client of its own; a new client after another's last call is a
 * process that started after the previous one died.
 */

let tables: LocalTables;
let ledgerCount = 0;
const extraClients: DynamoDBClient[] = [];

beforeAll(async () => {
  tables = await startLocalTables();
});
afterAll(async () => {
  for (const client of extraClients) client.destroy();
  await tables.close();
});

function freshLedger(): string {
  ledgerCount += 1;
  return `sole-${ledgerCount}`;
}

/** A store on a client of its own: another process. */
function process(options: { soleWriter?: boolean } = { soleWriter: true }): {
  store: DynamoLedgerStore;
  client: DynamoDBClient;
} {
  const client = clientFor(tables.endpoint);
  extraClients.push(client);
  const Store = options.soleWriter ? SoleWriterLedgerStore : DynamoLedgerStore;
  return { store: new Store(client, tables.names.ledger), client };
}

function step(intentId: string, name: string, payload: Record<string, unknown> = {}): LedgerEntryDraft {
  return {
    intentId,
    type: 'release.step',
    idempotencyKey: `${intentId}/${name}`,
    timestamp: '2026-11-01T10:00:00.000Z',
    payload,
  };
}

async function markerItems(ledger: string): Promise<number> {
  const { Items } = await tables.client.send(new ScanCommand({ TableName: tables.names.ledger }));
  return (Items ?? []).filter((item) => item.ledger?.S?.startsWith(`${ledger}#idem#`)).length;
}

/** Counts the calls a client sends, by operation. */
function countCalls(client: DynamoDBClient): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => (args) => {
      const operation = String(context.commandName).replace(/Command$/, '');
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return counts;
}

// The port's whole contract still holds for one sole writer with many callers in flight (its keys take the
// marker path: they are not `${intentId}/…`).
const shared = { store: undefined as DynamoLedgerStore | undefined };
describeLedgerStoreContract('DynamoLedgerStore as the sole writer of dynalite', () => {
  shared.store ??= process().store;
  return shared.store;
});

describe('DynamoLedgerStore as the sole writer', () => {
  test('an intent’s appends are one PutItem each and one byIntent Query in all, with no marker items', async () => {
    // Prepare
    const { store, client } = process();
    const ledger = freshLedger();
    await store.append(ledger, step('warm', 'a')); // the head is known from here on
    const calls = countCalls(client);

    // Act
    for (let i = 0; i < 10; i++) await store.append(ledger, step('intent-1', `s${i}`));

    // Assess
    expect(Object.fromEntries(calls)).toEqual({ PutItem: 10, Query: 1 });
    expect(await markerItems(ledger)).toBe(0);
    expect(verifyChain(await store.read(ledger), { ledger })).toMatchObject({ ok: true, size: 11 });
  });

  test('a retried step returns the entry already written and appends nothing, even with another payload', async () => {
    // Prepare
    const { store } = process();
    const ledger = freshLedger();
    const first = await store.append(ledger, step('intent-2', 'declare', { n: 1 }));
    await store.append(ledger, step('intent-2', 'admit'));

    // Act
    const retried = await store.append(ledger, step('intent-2', 'declare', { n: 2 }));

    // Assess
    expect(retried).toEqual(first);
    expect(await store.read(ledger)).toHaveLength(2);
  });

  test('the intents appended to most recently stay known; one forgotten is read again once and still appends nothing twice', async () => {
    // Prepare: "kept" is appended to between every other intent; "forgotten" once at the start. Many intents
    // later the process keeps only the most recent few.
    const { store, client } = process();
    const ledger = freshLedger();
    const first = await store.append(ledger, step('forgotten', 'declare'));
    await store.append(ledger, step('kept', 'declare'));
    for (let i = 0; i < 40; i++) {
      await store.append(ledger, step(`other-${i}`, 'declare'));
      await store.append(ledger, step('kept', `s${i}`));
    }
    const calls = countCalls(client);

    // Act
    const keptAgain = await store.append(ledger, step('kept', 'declare'));
    const queriesForKept = calls.get('Query') ?? 0;
    const retried = await store.append(ledger, step('forgotten', 'declare'));
    const queriesForForgotten = (calls.get('Query') ?? 0) - queriesForKept;

    // Assess
    expect(queriesForKept).toBe(0);
    expect(keptAgain.entry.idempotencyKey).toBe('kept/declare');
    expect(queriesForForgotten).toBe(1);
    expect(retried).toEqual(first);
    expect(await store.read(ledger)).toHaveLength(82);
  });

  test('concurrent duplicates in the process append each key exactly once and agree on its entry', async () => {
    // Prepare
    const { store } = process();
    const ledger = freshLedger();
    const names = Array.from({ length: 12 }, (_, i) => `step-${i}`);

    // Act
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, caller) =>
        Promise.all(
          names.map((name) => store.append(ledger, step(`intent-${caller % 2}`, name, { caller }))),
        ),
      ),
    );
    const entries = await store.read(ledger);

    // Assess
    expect(entries).toHaveLength(24);
    expect(new Set(entries.map((e) => e.entry.idempotencyKey)).size).toBe(24);
    const byKey = new Map(entries.map((e) => [e.entry.idempotencyKey, e]));
    for (const stored of results.flat()) expect(stored).toEqual(byKey.get(stored.entry.idempotencyKey));
    expect(verifyChain(entries, { ledger })).toMatchObject({ ok: true, size: 24 });
  });

  test('after a crash, the next process finds the steps the dead one wrote and appends each once', async () => {
    // Prepare: the first process wrote three steps of the intent, then died.
    const ledger = freshLedger();
    const dead = process().store;
    const before = [];
    for (const name of ['declare', 'validate', 'admit'])
      before.push(await dead.append(ledger, step('intent-3', name)));

    // Act: recovery runs the last step again, then the next one.
    const { store } = process();
    const again = await store.append(ledger, step('intent-3', 'admit', { retried: true }));
    const next = await store.append(ledger, step('intent-3', 'decide'));

    // Assess
    expect(again).toEqual(before[2]);
    expect(next.entry.seq).toBe(3);
    expect(verifyChain(await store.read(ledger), { ledger })).toMatchObject({ ok: true, size: 4 });
  });

  test('a write whose answer was lost is found on the retry, not written twice', async () => {
    // Prepare: the PutItem lands, then the connection drops before the answer.
    const { store, client } = process();
    const ledger = freshLedger();
    await store.append(ledger, step('intent-4', 'declare'));
    let dropNextAnswer = true;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (dropNextAnswer && context.commandName === 'PutItemCommand') {
          dropNextAnswer = false;
          throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        }
        return result;
      },
      { step: 'initialize', name: 'dropAnswer' },
    );

    // Act
    await expect(store.append(ledger, step('intent-4', 'admit'))).rejects.toThrow();
    const retried = await store.append(ledger, step('intent-4', 'admit'));

    // Assess
    const entries = await store.read(ledger);
    expect(entries.map((e) => e.entry.idempotencyKey)).toEqual(['intent-4/declare', 'intent-4/admit']);
    expect(retried).toEqual(entries[1]);
  });

  test('when another writer breaks the premise, a lost race reads the intent again: its key is not written twice', async () => {
    // Prepare: the sole writer knows intent-5; another process then writes the intent's next step.
    const ledger = freshLedger();
    const { store } = process();
    await store.append(ledger, step('intent-5', 'declare'));
    const intruder = process({ soleWriter: false }).store;
    const theirs = await intruder.append(ledger, step('intent-5', 'admit'));

    // Act
    const mine = await store.append(ledger, step('intent-5', 'admit', { mine: true }));

    // Assess
    expect(mine).toEqual(theirs);
    expect(verifyChain(await store.read(ledger), { ledger })).toMatchObject({ ok: true, size: 2 });
  });
});

describe('DynamoLedgerStore as the sole writer answers from what it knows', () => {
  test('an intent’s entries and the newest range come from memory, as the table holds them', async () => {
    // Prepare
    const { store, client } = process();
    const ledger = freshLedger();
    for (let i = 0; i < 6; i++) await store.append(ledger, step(`intent-${i % 2}`, `s${i}`));
    const table = process({ soleWriter: false }).store;
    const calls = countCalls(client);

    // Act
    const mine = [await store.forIntent(ledger, 'intent-1'), await store.forIntent(ledger, 'intent-1')];
    const range = [await store.read(ledger, 2), await store.read(ledger, 1, 4), await store.read(ledger, 9)];

    // Assess
    expect(Object.fromEntries(calls)).toEqual({});
    expect(mine[0]).toEqual(await table.forIntent(ledger, 'intent-1'));
    expect(mine[1]).toEqual(mine[0]);
    expect(range[0]).toEqual(await table.read(ledger, 2));
    expect(range[1]).toEqual(await table.read(ledger, 1, 4));
    expect(range[2]).toEqual([]);
    expect(() => {
      (range[0]![0]!.entry.payload as Record<string, unknown>).changed = true;
    }).toThrow(TypeError);
  });

  test('past the newest entries it keeps, ranges read as the table holds them, from memory or from the table', async () => {
    // Prepare: more appends than the kept newest entries (256 to 511), so the kept range has been trimmed.
    const { store, client } = process();
    const ledger = freshLedger();
    for (let i = 0; i < 600; i++) await store.append(ledger, step(`intent-${i % 7}`, `s${i}`));
    const table = process({ soleWriter: false }).store;
    const calls = countCalls(client);

    // Act
    const ranges = [
      [0, 10],
      [300, 345],
      [344, 600],
      [590, undefined],
    ] as const;
    const read = [];
    for (const [from, to] of ranges) read.push(await store.read(ledger, from, to));
    const fromMemory = (calls.get('Query') ?? 0) === 1;

    // Assess: only the oldest range needed the table.
    for (const [i, [from, to]] of ranges.entries())
      expect(read[i]).toEqual(await table.read(ledger, from, to));
    expect(read.map((entries) => entries.length)).toEqual([10, 45, 256, 10]);
    expect(fromMemory).toBe(true);
  });

  test('after a write whose answer was lost, reads go to the table and see the entry that landed', async () => {
    // Prepare
    const { store, client } = process();
    const ledger = freshLedger();
    await store.append(ledger, step('intent-6', 'declare'));
    let dropNextAnswer = true;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (dropNextAnswer && context.commandName === 'PutItemCommand') {
          dropNextAnswer = false;
          throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        }
        return result;
      },
      { step: 'initialize', name: 'dropAnswer' },
    );
    await expect(store.append(ledger, step('intent-6', 'admit'))).rejects.toThrow();

    // Act
    const entries = await store.read(ledger, 0);
    const intent = await store.forIntent(ledger, 'intent-6');

    // Assess
    expect(entries.map((e) => e.entry.idempotencyKey)).toEqual(['intent-6/declare', 'intent-6/admit']);
    expect(intent).toEqual(entries);
  });
});

test('a read of an intent overtaken by an append of it does not hide that append from the next one', async () => {
  // Prepare: a dead process wrote the intent's first step; in this one, a reader's byIntent answer is held back
  // while the intent's next step is appended.
  const ledger = freshLedger();
  await process().store.append(ledger, step('intent-7', 'declare'));
  const { store, client } = process();
  let holdFirst: Promise<void> | undefined = new Promise<void>((resolve) => {
    setTimeout(resolve, 300);
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const held = holdFirst;
      if (
        context.commandName === 'QueryCommand' &&
        (args.input as { IndexName?: string }).IndexName &&
        held
      ) {
        holdFirst = undefined;
        await held;
      }
      return result;
    },
    { step: 'initialize', name: 'holdFirstIndexRead' },
  );

  // Act
  const reading = store.forIntent(ledger, 'intent-7');
  const admitted = await store.append(ledger, step('intent-7', 'admit'));
  const seen = await reading;
  const retried = await store.append(ledger, step('intent-7', 'admit', { retried: true }));

  // Assess
  expect(seen.map((e) => e.entry.idempotencyKey)).toEqual(['intent-7/declare']);
  expect(retried).toEqual(admitted);
  expect((await store.read(ledger)).map((e) => e.entry.idempotencyKey)).toEqual([
    'intent-7/declare',
    'intent-7/admit',
  ]);
});

describe("through the owner's in-process client, which reads an intent from the index's own range", () => {
  /** A store on an in-process client of its own (another process), counting what it asks of dynalite. */
  function ownerProcess(): { store: SoleWriterLedgerStore; calls: Map<string, number> } {
    const client = tables.inProcessClient() as DirectDynaliteClient;
    extraClients.push(client);
    const calls = new Map<string, number>();
    const count = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);
    const send = client.send.bind(client);
    client.send = ((command: object, ...rest: unknown[]) => {
      count(command.constructor.name.replace(/Command$/, ''));
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof client.send;
    const indexPartition = client.indexPartition.bind(client);
    client.indexPartition = (...args) => {
      count('indexPartition');
      return indexPartition(...args);
    };
    // The append's PutItem comes without a Command around it.
    const putItem = client.putItem.bind(client);
    client.putItem = (input) => {
      count('PutItem');
      return putItem(input);
    };
    return { store: new SoleWriterLedgerStore(client, tables.names.ledger), calls };
  }

  test('an intent’s appends are one PutItem each and one read of its index partition, no Query', async () => {
    // Prepare
    const { store, calls } = ownerProcess();
    const ledger = freshLedger();
    await store.append(ledger, step('warm', 'a'));
    calls.clear();

    // Act
    for (let i = 0; i < 10; i++) await store.append(ledger, step('intent-8', `s${i}`));

    // Assess
    expect(Object.fromEntries(calls)).toEqual({ PutItem: 10, indexPartition: 1 });
    expect(verifyChain(await store.read(ledger), { ledger })).toMatchObject({ ok: true, size: 11 });
  });

  test('after a crash, the next process finds the dead one’s steps of the intent in this ledger only', async () => {
    // Prepare: the dead process wrote three steps in one ledger, and the same intent's keys in another.
    const [ledger, other] = [freshLedger(), freshLedger()];
    const dead = ownerProcess().store;
    const before = [];
    for (const name of ['declare', 'validate', 'admit'])
      before.push(await dead.append(ledger, step('intent-9', name)));
    await dead.append(other, step('intent-9', 'decide'));

    // Act: recovery runs the last step again, then the next one, which the other ledger already holds.
    const { store } = ownerProcess();
    const again = await store.append(ledger, step('intent-9', 'admit', { retried: true }));
    const next = await store.append(ledger, step('intent-9', 'decide'));

    // Assess
    expect(again).toEqual(before[2]);
    expect(next.entry).toMatchObject({ ledger, seq: 3, idempotencyKey: 'intent-9/decide' });
    expect(await ownerProcess().store.forIntent(ledger, 'intent-9')).toEqual(await store.read(ledger));
    expect(verifyChain(await store.read(ledger), { ledger })).toMatchObject({ ok: true, size: 4 });
  });
});
