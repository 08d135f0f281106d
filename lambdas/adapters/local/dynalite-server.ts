import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { inProcessDynaliteHandler } from './dynalite-in-process.js';
import { closeDynaliteIteratorsOnEnd } from './dynalite-iterators.js';

// dynalite is CommonJS without type declarations; this is the one shape of it itv uses.
type DynaliteFactory = (options: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

export interface DynaliteServer {
  /** `http://127.0.0.1:PORT`, for `new DynamoDBClient({ endpoint })`. */
  endpoint: string;
  /**
   * A client for this process, the server's owner: the same SDK client and dynalite, handed each other the
   * request in process rather than over loopback TCP (see `inProcessDynaliteHandler`).
   */
  client(maxAttempts?: number): DynamoDBClient;
  /** Stops accepting requests, drops idle keep-alive connections and closes the store. */
  close(): Promise<void>;
}

/**
 * Starts an in-process DynamoDB (dynalite) on 127.0.0.1 and a free port. With `path` the tables persist
 * in a LevelDB folder there; without it they live in memory. Tables are ACTIVE as soon as created.
 */
export async function startDynalite(options: { path?: string } = {}): Promise<DynaliteServer> {
  if (options.path !== undefined) await mkdir(options.path, { recursive: true });
  closeDynaliteIteratorsOnEnd();
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const endpoint = `http://127.0.0.1:${port}`;
  const requestHandler = inProcessDynaliteHandler(server);
  return {
    endpoint,
    // The owner's clients also resolve each command's middleware once rather than on every call (the SDK's
    // `cacheMiddleware`): so middleware must be added before a command's first call (see bench/dynamo-calls.ts).
    client: (maxAttempts = 3) =>
      localDynamoClient(endpoint, maxAttempts, { requestHandler, cacheMiddleware: true }),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this, close waits for them to time out.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** A DynamoDB client for a local endpoint: dynalite accepts any credentials and region. */
export function localDynamoClient(
  endpoint: string,
  maxAttempts = 3,
  owner: Pick<DynamoDBClientConfig, 'requestHandler' | 'cacheMiddleware'> = {},
): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
    ...owner,
  });
}
