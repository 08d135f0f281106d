import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadCatalog } from '../../../catalog/index.js';
import { defaultPolicySet } from '../../../policies/index.js';
import { DynamoLedgerStore } from '../../adapters/aws/dynamodb-ledger-store.js';
import { DynamoStateStore } from '../../adapters/aws/dynamodb-state-store.js';
import { ensureTables } from '../../adapters/aws/tables.js';
import { createLocalRelease } from '../../adapters/local/appconfig-simulator.js';
import { declaredFaults } from '../../adapters/local/declared-faults.js';
import { localDynamoClient, startDynalite } from '../../adapters/local/dynalite-server.js';
import { FileEvidenceStore } from '../../adapters/local/file-evidence-store.js';
import { LocalSigner } from '../../adapters/local/local-signer.js';
import { VirtualClock } from '../../adapters/local/virtual-clock.js';
import type { Catalog } from '../../core/catalog-schema.js';
import type { PipelineDeps } from '../../core/pipeline/deps.js';
import { baselinesOf } from '../../core/release/slo.js';
import { checkContracts } from '../../core/structure.js';
import type { IdSource } from '../../ports/clock.js';

export const ledgerName = 'main';
const tables = { ledger: 'itv-ledger', state: 'itv-state' };

export interface LocalStack {
  home: string;
  deps: PipelineDeps;
  clock: VirtualClock;
  signer: LocalSigner;
  close(): Promise<void>;
}

/** The folder holding local state: `ITV_HOME`, else `.itv/` under the working folder. */
export function itvHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ITV_HOME ?? '.itv');
}

/**
 * The embedded default: dynalite (persisted under the home folder, or in memory), a P-256 key file,
 * write-once evidence files, the AppConfig simulator and synthetic telemetry on one virtual clock.
 * A second process finds the first one's dynalite through `stack.json` and shares it.
 */
export async function openLocalStack(
  options: { home?: string; inMemory?: boolean; catalog?: Catalog; clockStart?: Date } = {},
): Promise<LocalStack> {
  const home = options.home ?? itvHome();
  mkdirSync(home, { recursive: true });
  const dynamo = await openDynamo(home, options.inMemory ?? false);
  const client = localDynamoClient(dynamo.endpoint);
  await ensureTables(client, tables);
  const ledger = new DynamoLedgerStore(client, tables.ledger);
  const state = new DynamoStateStore(client, tables.state);
  // Virtual time never runs backwards across runs: it starts at the later of now and the ledger's last entry.
  const head = await ledger.head(ledgerName);
  const start = Math.max(
    (options.clockStart ?? new Date()).getTime(),
    head ? Date.parse(head.entry.timestamp) + 1 : 0,
  );
  const clock = new VirtualClock(new Date(start));
  const catalog = options.catalog ?? checkContracts(loadCatalog());
  const signer = await LocalSigner.fromFile(join(home, 'keys', 'signing-key.pem'));
  const ids = counterIds();
  const { releaser, telemetry } = createLocalRelease({
    store: state,
    clock,
    ids,
    baselines: baselinesOf(catalog),
    faults: declaredFaults(ledger, ledgerName),
  });
  // An in-memory ledger starts empty each run, so its write-once evidence must not meet an earlier run's:
  // signed checkpoints of the same sizes with other roots would read as a rewritten ledger.
  const evidenceDir = options.inMemory
    ? mkdtempSync(join(tmpdir(), 'itv-evidence-'))
    : join(home, 'evidence');
  const deps: PipelineDeps = {
    ledgerName,
    ledger,
    state,
    catalog,
    policies: defaultPolicySet,
    clock,
    ids,
    signer,
    publicKey: () => signer.publicKeySpkiDer(),
    releaser,
    telemetry,
    evidence: new FileEvidenceStore(evidenceDir),
  };
  return {
    home,
    deps,
    clock,
    signer,
    close: async () => {
      client.destroy();
      await dynamo.close();
      if (options.inMemory) rmSync(evidenceDir, { recursive: true, force: true });
    },
  };
}

async function openDynamo(
  home: string,
  inMemory: boolean,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  if (inMemory) return startDynalite({});
  const stackFile = join(home, 'stack.json');
  const shared = readShared(stackFile);
  if (shared) return { endpoint: shared.endpoint, close: async () => {} };
  const server = await startDynalite({ path: join(home, 'dynamodb') });
  writeFileSync(stackFile, JSON.stringify({ endpoint: server.endpoint, pid: process.pid }));
  return {
    endpoint: server.endpoint,
    close: async () => {
      rmSync(stackFile, { force: true });
      await server.close();
    },
  };
}

/** The running stack of another itv process, if its owner is still alive. */
function readShared(stackFile: string): { endpoint: string } | undefined {
  try {
    const shared = JSON.parse(readFileSync(stackFile, 'utf8')) as { endpoint: string; pid: number };
    if (shared.pid === process.pid) return undefined;
    process.kill(shared.pid, 0);
    return shared;
  } catch {
    return undefined;
  }
}

function counterIds(): IdSource {
  let counter = 0;
  const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  return { next: (prefix) => `${prefix}-${run}-${(++counter).toString(36)}` };
}
