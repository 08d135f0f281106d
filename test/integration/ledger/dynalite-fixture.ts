import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTables, type TableNames } from '../../../lambdas/adapters/aws/tables.js';
import { localDynamoClient, startDynalite } from '../../../lambdas/adapters/local/dynalite-server.js';

export interface LocalTables {
  client: DynamoDBClient;
  names: TableNames;
  endpoint: string;
  /** Another client of the owner's in-process kind (another process, to a sole writer's record). */
  inProcessClient(): DynamoDBClient;
  close(): Promise<void>;
}

export function clientFor(endpoint: string, maxAttempts = 3): DynamoDBClient {
  return localDynamoClient(endpoint, maxAttempts);
}

/**
 * dynalite on a free 127.0.0.1 port with the ledger and state tables created. With `inProcess`, the client is
 * the one the home's owner uses (requests handed to dynalite in process, middleware resolved once).
 */
export async function startLocalTables(
  path?: string,
  options: { inProcess?: boolean } = {},
): Promise<LocalTables> {
  const server = await startDynalite(path === undefined ? {} : { path });
  const client = options.inProcess ? server.client() : clientFor(server.endpoint);
  const names = { ledger: 'itv-ledger', state: 'itv-state' };
  await ensureTables(client, names);
  return {
    client,
    names,
    endpoint: server.endpoint,
    inProcessClient: () => server.client(),
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
