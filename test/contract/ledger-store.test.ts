import { DynamoLedgerStore } from '../../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { type LocalTables, startLocalTables } from '../integration/ledger/dynalite-fixture.js';
import { MemoryLedgerStore } from '../unit/pipeline/helpers/memory-ledger.js';
import { describeLedgerStoreContract } from './ledger-store-contract.js';
import { announceMotoCases, motoEndpoint, motoTables } from './moto-backends.js';

announceMotoCases('test/contract/ledger-store.test.ts');

// One memory store per case: every writer a case makes shares it, as writers share one table.
let memory = new MemoryLedgerStore();
beforeEach(() => {
  memory = new MemoryLedgerStore();
});
describeLedgerStoreContract('MemoryLedgerStore (unit-test fake)', () => memory);

let dynalite: LocalTables;
beforeAll(async () => {
  dynalite = await startLocalTables();
});
afterAll(async () => {
  await dynalite.close();
});
describeLedgerStoreContract(
  'DynamoLedgerStore on dynalite',
  () => new DynamoLedgerStore(dynalite.client, dynalite.names.ledger),
);

if (motoEndpoint !== undefined) {
  const endpoint = motoEndpoint;
  let moto: Awaited<ReturnType<typeof motoTables>>;
  beforeAll(async () => {
    moto = await motoTables(endpoint);
  });
  afterAll(() => {
    moto.client.destroy();
  });
  describeLedgerStoreContract(
    `DynamoLedgerStore on moto_server at ${endpoint}`,
    () => new DynamoLedgerStore(moto.client, moto.names.ledger),
  );
}
