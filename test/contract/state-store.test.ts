import { DynamoStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { MemoryStateStore } from '../unit/release/helpers/memory-state-store.js';
import { onDynamoBackends } from './dynamo-backends.js';
import { announceMotoCases } from './moto-backends.js';
import { describeStateStoreContract } from './state-store-contract.js';

announceMotoCases('test/contract/state-store.test.ts');

// One memory store per case: every writer a case makes shares it, as writers share one table.
let memory = new MemoryStateStore();
beforeEach(() => {
  memory = new MemoryStateStore();
});
describeStateStoreContract('MemoryStateStore (unit-test fake)', () => memory);

onDynamoBackends((backend, tables) =>
  describeStateStoreContract(
    `DynamoStateStore on ${backend}`,
    () => new DynamoStateStore(tables().client, tables().names.state),
  ),
);
