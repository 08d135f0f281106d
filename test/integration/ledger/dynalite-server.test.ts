import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoLedgerStore } from '../../../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { ensureTables, LEDGER_TABLE } from '../../../lambdas/adapters/aws/tables.js';
import { startDynalite } from '../../../lambdas/adapters/local/dynalite-server.js';
import { verifyChain } from '../../../lambdas/core/ledger/index.js';
import { startLocalTables } from './dynalite-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'itv-dynalite-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const draft = (key: string) => ({
  intentId: 'intent-p',
  type: 'intent.declared',
  idempotencyKey: key,
  timestamp: '2026-11-01T10:00:00.000Z',
  payload: {},
});

describe('startDynalite and ensureTables', () => {
  test('creates the documented ledger layout, and a second ensureTables is a no-op', async () => {
    // Prepare
    const tables = await startLocalTables();
    try {
      // Act
      await ensureTables(tables.client, tables.names);
      const { Table } = await tables.client.send(
        new DescribeTableCommand({ TableName: tables.names.ledger }),
      );

      // Assess
      expect(tables.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'ledger', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ]);
      expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
        LEDGER_TABLE.indexes.byIntent.name,
      ]);
    } finally {
      await tables.close();
    }
  });

  test('in memory, the store keeps keys and values as text; on disk, as LevelDB keeps them', async () => {
    // Prepare
    const inMemory = await startDynalite();
    const onDisk = await startDynalite({ path: join(dir, 'tables') });
    const encodings = (server: { client(): unknown }) =>
      (Reflect.get(server.client() as object, 'store') as { db: { supports: { encodings: object } } }).db
        .supports.encodings;
    try {
      // Act
      const memory = encodings(inMemory);
      const disk = encodings(onDisk);
      // Assess: memory-level stores one encoding, the one it was made with; classic-level stores bytes
      expect(memory).toHaveProperty('utf8', true);
      expect(memory).not.toHaveProperty('buffer');
      expect(disk).toMatchObject({ buffer: true });
    } finally {
      await inMemory.close();
      await onDisk.close();
    }
  });

  test('with a path, the ledger survives a restart', async () => {
    // Prepare
    const path = join(dir, 'dynamodb');
    const first = await startLocalTables(path);
    await new DynamoLedgerStore(first.client, first.names.ledger).append('main', draft('before-restart'));
    await first.close();

    // Act
    const second = await startLocalTables(path);
    try {
      const store = new DynamoLedgerStore(second.client, second.names.ledger);
      await store.append('main', draft('after-restart'));
      const entries = await store.read('main');

      // Assess
      expect(entries.map((e) => e.entry.idempotencyKey)).toEqual(['before-restart', 'after-restart']);
      expect(verifyChain(entries).ok).toBe(true);
    } finally {
      await second.close();
    }
  });
});
