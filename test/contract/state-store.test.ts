import { DynamoStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { type LocalTables, startLocalTables } from '../integration/ledger/dynalite-fixture.js';
import { MemoryStateStore } from '../unit/release/helpers/memory-state-store.js';
import { announceMotoCases, motoEndpoint, motoTables } from './moto-backends.js';
import { describeStateStoreContract } from './state-store-contract.js';

announceMotoCases('test/contract/state-store.test.ts');

// One memory store per case: every writer a case makes shares it, as writers share one table.
let memory = new MemoryStateStore();
beforeEach(() => {
  memory = new MemoryStateStore();
});
describeStateStoreContract('MemoryStateStore (unit-test fake)', () => memory);

let dynalite: LocalTables;
beforeAll(async () => {
  dynalite = await startLocalTables();
});
afterAll(async () => {
  await dynalite.close();
});
describeStateStoreContract(
  'DynamoStateStore on dynalite',
  () => new DynamoStateStore(dynalite.client, dynalite.names.state),
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
  describeStateStoreContract(
    `DynamoStateStore on moto_server at ${endpoint}`,
    () => new DynamoStateStore(moto.client, moto.names.state),
  );
}
