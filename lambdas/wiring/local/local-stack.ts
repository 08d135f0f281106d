import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadCatalog } from '../../../catalog/index.js';
import { defaultPolicySet } from '../../../policies/index.js';
import { DynamoStateStore } from '../../adapters/aws/dynamodb-state-store.js';
import { ensureTables } from '../../adapters/aws/tables.js';
import { EvidencePayloadStore } from '../../adapters/evidence-payload-store.js';
import { createLocalRelease } from '../../adapters/local/appconfig-simulator.js';
import { clockStartOf, readClockAnchor, writeClockAnchor } from '../../adapters/local/clock-anchor.js';
import { declaredFaults } from '../../adapters/local/declared-faults.js';
import { openDynalite } from '../../adapters/local/dynalite-server.js';
import { migrateLegacyEvidence } from '../../adapters/local/legacy-evidence-layout.js';
import { LocalSigner } from '../../adapters/local/local-signer.js';
import { MemoryEvidenceStore } from '../../adapters/local/memory-evidence-store.js';
import { keepPrivateFolder, makePrivateFolder } from '../../adapters/local/private-folder.js';
import { SoleWriterLedgerStore } from '../../adapters/local/sole-writer-ledger-store.js';
import {
  everyPartition,
  readMostlyPartitions,
  SoleWriterStateCache,
} from '../../adapters/local/sole-writer-state-cache.js';
import type { LocalStoreFailedError } from '../../adapters/local/store-failure.js';
import { ThreadedEvidenceStore } from '../../adapters/local/threaded-evidence-store.js';
import { VirtualClock } from '../../adapters/local/virtual-clock.js';
import type { Catalog } from '../../core/catalog-schema.js';
import type { PipelineDeps } from '../../core/pipeline/deps.js';
import { baselinesOf } from '../../core/release/slo.js';
import { checkContracts } from '../../core/structure.js';
import type { IdSource } from '../../ports/clock.js';
import { itvHome } from './itv-home.js';

export const ledgerName = 'main';
const tables = { ledger: 'itv-ledger', state: 'itv-state' };

export interface LocalStack {
  home: string;
  /** The stack's DynamoDB client (the bench counts the calls made through it). */
  dynamo: DynamoDBClient;
  deps: PipelineDeps;
  clock: VirtualClock;
  signer: LocalSigner;
  close(): Promise<void>;
}

/**
 * The embedded default: dynalite (persisted under the home folder, or in memory), a P-256 key file,
 * write-once evidence files, the AppConfig simulator and synthetic telemetry on one virtual clock. Only one
 * process owns a home (the local control plane, or `itv demo`): it opens the home's dynalite on no port, and
 * every other process reaches the home through the owner's API.
 */
export async function openLocalStack(
  options: {
    home?: string;
    inMemory?: boolean;
    catalog?: Catalog;
    clockStart?: Date;
    /** Runs before each evidence write, throwing (or ending the process) when the home is no longer there. */
    beforeEvidenceWrite?: () => void;
    /** Told once when the home's tables fail a write for good (a full disk): see `StoreHealth`. */
    onStoreFailure?: (error: LocalStoreFailedError) => void;
  } = {},
): Promise<LocalStack> {
  const home = options.home ?? itvHome();
  makePrivateFolder(home);
  // A home written by an earlier itv keeps each key as a plain file: moved once into the content-addressed
  // layout, before anything is started that would have to be stopped should it refuse.
  if (!options.inMemory) {
    // Every intent's content is kept there: private, also in a home an earlier itv made with the default modes.
    keepPrivateFolder(join(home, 'evidence'));
    await migrateLegacyEvidence(join(home, 'evidence'));
  }
  // Read before anything is opened: a damaged anchor file is refused with nothing to close.
  const anchor = options.inMemory ? undefined : readClockAnchor(home);
  const dynamo = await openDynalite({
    ...(options.inMemory ? {} : { path: join(home, 'dynamodb') }),
    ...(options.onStoreFailure ? { onStoreFailure: options.onStoreFailure } : {}),
  });
  const client = dynamo.client();
  await ensureTables(client, tables);
  // The process that opens the home's dynalite is its one writer (the home's lock, LevelDB's folder lock, and no
  // port for anyone else): its appends need no idempotency marker, and what it reads often it may keep.
  const ledger = new SoleWriterLedgerStore(client, tables.ledger);
  const state = new SoleWriterStateCache(
    new DynamoStateStore(client, tables.state),
    everyPartition,
    readMostlyPartitions,
  );
  // Virtual time never runs backwards across runs: it starts no earlier than the ledger's last entry, at the wall's
  // time moved by the home's anchor (ITV_CLOCK_START, kept in the home: clock-anchor.ts).
  const head = await ledger.head(ledgerName);
  const wall = new Date();
  const started = clockStartOf({
    wall,
    asked: options.clockStart,
    anchor,
    lastEntryAt: head?.entry.timestamp,
  });
  if (started.changed && started.anchor !== undefined && !options.inMemory)
    writeClockAnchor(home, started.anchor);
  // The wall's time at the start is named in every checkpoint signed on this clock, beside the start itself.
  const clock = new VirtualClock(started.start, { wallStartedAt: wall });
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
  // An in-memory ledger starts empty each run, and so does its evidence: it never meets an earlier run's (signed
  // checkpoints of the same sizes with other roots would read as a rewritten ledger), and ends with the stack.
  const evidence = options.inMemory
    ? new MemoryEvidenceStore()
    : new ThreadedEvidenceStore(join(home, 'evidence'), options.beforeEvidenceWrite);
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
    evidence,
    payloads: new EvidencePayloadStore(evidence),
  };
  return {
    home,
    dynamo: client,
    deps,
    clock,
    signer,
    close: async () => {
      client.destroy();
      if (evidence instanceof ThreadedEvidenceStore) await evidence.close();
      await dynamo.close();
    },
  };
}

function counterIds(): IdSource {
  let counter = 0;
  const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  return { next: (prefix) => `${prefix}-${run}-${(++counter).toString(36)}` };
}
