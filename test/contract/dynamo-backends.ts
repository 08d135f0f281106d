import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableNames } from '../../lambdas/adapters/aws/tables.js';
import { type LocalTables, startLocalTables } from '../integration/ledger/dynalite-fixture.js';
import { motoEndpoint, motoTables } from './moto-backends.js';

/** The tables a DynamoDB-backed store is built on, read when a case runs. */
export type DynamoTables = () => { client: DynamoDBClient; names: TableNames };

/**
 * Registers a port's contract against DynamoDB on dynalite and, where ITV_MOTO_ENDPOINT is set, on moto_server:
 * `contract(backend, tables)` is called once per backend, each with tables of its own, closed after the file.
 */
export function onDynamoBackends(contract: (backend: string, tables: DynamoTables) => void): void {
  let dynalite: LocalTables;
  beforeAll(async () => {
    dynalite = await startLocalTables();
  });
  afterAll(async () => {
    await dynalite.close();
  });
  contract('dynalite', () => dynalite);

  // The client the process that owns a home's dynalite uses: the same SDK client, no socket in between.
  let inProcess: LocalTables;
  beforeAll(async () => {
    inProcess = await startLocalTables(undefined, { inProcess: true });
  });
  afterAll(async () => {
    await inProcess.close();
  });
  contract('dynalite in process', () => inProcess);

  if (motoEndpoint !== undefined) {
    const endpoint = motoEndpoint;
    let moto: Awaited<ReturnType<typeof motoTables>>;
    beforeAll(async () => {
      moto = await motoTables(endpoint);
    });
    afterAll(() => {
      moto.client.destroy();
    });
    contract(`moto_server at ${endpoint}`, () => moto);
  }
}
