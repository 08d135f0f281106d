// Before any module of dynalite's is loaded (see the module).
import './dynalite-memory-encoding.js';
import { chmod, mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { HttpAuthScheme } from '@smithy/types';
import { ItvError } from '../../core/errors.js';
import { DirectDynaliteClient, type DynaliteStore } from './dynalite-direct.js';
import { inProcessDynaliteHandler } from './dynalite-in-process.js';
import { closeDynaliteIteratorsOnEnd } from './dynalite-iterators.js';
import { answerPromptly } from './dynalite-prompt-answers.js';
import { type LocalStoreFailedError, StoreHealth } from './store-failure.js';

// dynalite is CommonJS without type declarations; this is the one shape of it itv uses.
type DynaliteFactory = (options: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;
const requireHere = createRequire(import.meta.url);
const dynalite = requireHere('dynalite') as DynaliteFactory;
// dynalite's store module: `dynalite()` calls its `create` once, and keeps the store to itself.
const dynaliteDb = createRequire(requireHere.resolve('dynalite'))('./db') as {
  create(options: object): DynaliteStore;
};

/** dynalite's server, and the store its request handler serves (for the owner's direct client). */
function dynaliteWithStore(options: Parameters<DynaliteFactory>[0]): {
  server: Server;
  store: DynaliteStore;
} {
  const create = dynaliteDb.create;
  let store: DynaliteStore | undefined;
  dynaliteDb.create = (storeOptions) => {
    store = create(storeOptions);
    return store;
  };
  try {
    const server = dynalite(options);
    if (store === undefined) throw new Error('dynalite made no store');
    answerPromptly(store);
    return { server, store };
  } finally {
    dynaliteDb.create = create;
  }
}

/** A dynalite this process owns. */
export interface OwnedDynalite {
  /**
   * A client for this process, the server's owner: item operations go to dynalite's own validation and
   * actions directly (`DirectDynaliteClient`), anything else to its request handler in process
   * (`inProcessDynaliteHandler`), never over loopback TCP.
   */
  client(maxAttempts?: number): DynamoDBClient;
  /** Closes the store (and stops the server accepting requests, where it listens). */
  close(): Promise<void>;
}

/** A dynalite that also listens on loopback, for clients in other processes (tests and benches). */
export interface DynaliteServer extends OwnedDynalite {
  /** `http://127.0.0.1:PORT`, for `new DynamoDBClient({ endpoint })`. */
  endpoint: string;
}

/**
 * Opens an in-process DynamoDB (dynalite) on no port at all: only this process's clients reach it. A home's
 * owner opens its dynalite so — dynalite accepts any credentials, so a port on loopback would let any local user
 * read or write the home's tables. With `path` the tables persist in a LevelDB folder there (LevelDB's lock keeps
 * a second process out); without it they live in memory. Tables are ACTIVE as soon as created.
 *
 * A folder another opener holds is waited for up to `heldWaitMs` (a control plane of the home's earlier path
 * exits within a second or two of a move), then refused with `DynaliteHeldError`: opened lazily, as dynalite
 * would, its first write would crash the process with nothing but "Database is closed".
 */
export async function openDynalite(
  options: {
    path?: string;
    heldWaitMs?: number;
    /** Told once when the store fails a write for good (`StoreHealth`): its owner should open it again. */
    onStoreFailure?: (error: LocalStoreFailedError) => void;
  } = {},
): Promise<OwnedDynalite> {
  const { server, store } = await created(options);
  if (options.path !== undefined) await opened(store, options.path, options.heldWaitMs ?? defaultHeldWaitMs);
  let closing: Promise<void> | undefined;
  return {
    client: ownerClients(server, store, new StoreHealth(options.path ?? 'memory', options.onStoreFailure)),
    close() {
      // What dynalite's server.close does once its server has stopped listening: close the store, gracefully.
      closing ??= new Promise<void>((resolve, reject) =>
        (store as { db: { close(done: (error?: Error) => void): void } }).db.close((error) =>
          error ? reject(error) : resolve(),
        ),
      );
      return closing;
    },
  };
}

/**
 * Starts an in-process DynamoDB (dynalite) on 127.0.0.1 and a free port. With `path` the tables persist
 * in a LevelDB folder there; without it they live in memory. Tables are ACTIVE as soon as created.
 */
export async function startDynalite(options: { path?: string } = {}): Promise<DynaliteServer> {
  const { server, store } = await created(options);
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
  return {
    endpoint,
    client: ownerClients(server, store),
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

/** The folder of a home's tables is held by another process (LevelDB's lock), which did not let it go in time. */
export class DynaliteHeldError extends ItvError {}

const defaultHeldWaitMs = 5000;

interface LevelStore {
  status: string;
  open(): Promise<void>;
}

/** Waits until the store's LevelDB is open: at once, or once its holder lets it go within `waitMs`. */
async function opened(store: DynaliteStore, path: string, waitMs: number): Promise<void> {
  const db = (store as unknown as { db: LevelStore }).db;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await db.open();
      return;
    } catch (error) {
      const held = (error as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED';
      if (!held) throw error;
      if (Date.now() >= deadline) {
        throw new DynaliteHeldError(
          `${path} is held by another process: a control plane of this home still runs under the path the ` +
            'home had before it was moved, or is stopped (SIGSTOP); it exits by itself once it runs on. ' +
            'Run the command again once it has exited',
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function created(options: { path?: string }): Promise<{ server: Server; store: DynaliteStore }> {
  if (options.path !== undefined) {
    // The tables are the owner's alone to read, as to write: made so, and made so again for an older home's.
    await mkdir(options.path, { recursive: true, mode: 0o700 });
    await chmod(options.path, 0o700);
  }
  closeDynaliteIteratorsOnEnd();
  return dynaliteWithStore({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
}

/**
 * The owner's clients: item operations go straight to the store; the rest through the SDK to the server's request
 * listener, in process (the endpoint only names it: no socket is opened), its middleware resolved once rather than
 * on every call (the SDK's `cacheMiddleware`).
 */
function ownerClients(
  server: Server,
  store: DynaliteStore,
  health: StoreHealth = new StoreHealth('dynalite'),
): (maxAttempts?: number) => DynamoDBClient {
  const requestHandler = inProcessDynaliteHandler(server);
  return (maxAttempts = 3) =>
    new DirectDynaliteClient(
      store,
      localClientConfig('http://dynalite.in-process', maxAttempts, { requestHandler, cacheMiddleware: true }),
      health,
    );
}

/**
 * dynalite requires a SigV4 `Authorization` header with its three parts and an `X-Amz-Date` header, and checks
 * nothing more (dynalite/index.js: the header is split into parts, never verified): any credentials and region
 * pass. A local client therefore sends a fixed, well-formed header instead of deriving a signing key and an HMAC
 * chain for every call. Clients for AWS and for moto sign as the SDK does.
 */
const localSigV4: HttpAuthScheme = {
  schemeId: 'aws.auth#sigv4',
  identityProvider: (config) => config.getIdentityProvider('aws.auth#sigv4'),
  signer: {
    async sign(request) {
      const signed = request as typeof request & { headers: Record<string, string> };
      signed.headers.authorization =
        'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=local';
      signed.headers['x-amz-date'] = '20260101T000000Z';
      return signed;
    },
  },
};

/**
 * A DynamoDB client for a local endpoint: dynalite accepts any credentials and region. The endpoint is fixed, so
 * the client is given it as such rather than resolving DynamoDB's endpoint rule set on every call. With the fixed
 * header, a local PutItem and GetItem cost about a fifth less CPU (1,046 → 827–845 µs a call in process).
 */
export function localDynamoClient(
  endpoint: string,
  maxAttempts = 3,
  owner: Pick<DynamoDBClientConfig, 'requestHandler' | 'cacheMiddleware'> = {},
): DynamoDBClient {
  return new DynamoDBClient(localClientConfig(endpoint, maxAttempts, owner));
}

function localClientConfig(
  endpoint: string,
  maxAttempts: number,
  owner: Pick<DynamoDBClientConfig, 'requestHandler' | 'cacheMiddleware'>,
): DynamoDBClientConfig {
  const url = new URL(endpoint);
  return {
    endpoint,
    endpointProvider: () => ({ url }),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    httpAuthSchemes: [localSigV4],
    maxAttempts,
    ...owner,
  };
}
