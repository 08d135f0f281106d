import type { StoredEntry } from '../../ports/ledger-store.js';
import type { Signer } from '../../ports/signer.js';
import { LedgerIntegrityError, VersionConflictError } from '../errors.js';
import { bundleKey, CHECKPOINT_FILE } from '../evidence/bundle-layout.js';
import { checkpointObjectKey } from '../evidence/checkpoint-object.js';
import { checkpointPartition, keepFrontier } from '../evidence/checkpoint-state.js';
import {
  keepCheckpointObject,
  readCheckpointObject,
  type StoredCheckpoint,
} from '../evidence/checkpoint-store.js';
import { type Frontier, MerkleFrontier } from '../evidence/frontier-tree.js';
import { sealEvidenceBundle } from '../evidence/seal-bundle.js';
import { type CheckpointLink, checkpointLink } from '../ledger/checkpoint.js';
import { GENESIS_PREV_HASH, leafHash } from '../ledger/hash.js';
import { signCheckpoint as signTreeHead } from '../signing/checkpoint-envelope.js';
import { Turns } from '../turns.js';
import { type PipelineDeps, record } from './deps.js';
import { type CheckpointResult, checkpointResultSchema } from './state.js';

/** Checkpoints fall at every multiple of this many entries, besides the one at the end of each intent. */
export const CHECKPOINT_INTERVAL = 64;

/** The state store's cache of the newest signed head, so the next one hashes only the entries after it. */
interface LatestCheckpoint {
  frontier: Frontier;
  rootHash: string;
  timestamp: string;
  /** Leaf hash of the last entry covered: the next entry's prevHash. */
  lastHash?: string;
  /** The newest head's link, which the next checkpoint names as its `previous` (absent in older caches). */
  link?: CheckpointLink;
}

/**
 * The SignCheckpoint step at the end of an intent: signs the checkpoints the ledger is owed (every
 * `interval` entries, and one over the whole ledger), pins the head that covers the intent to its bundle,
 * seals the intent's evidence bundle, appends `checkpoint.signed`, and then signs the head again so that the
 * entry recording the seal is itself covered before the execution ends: no entry of the intent is left to the
 * hash chain alone. Every write is write-once and keyed so that a retry finds and reuses what an earlier
 * attempt wrote.
 */
export async function signCheckpoint(
  intentId: string,
  deps: PipelineDeps,
  options: { interval?: number } = {},
): Promise<CheckpointResult> {
  const signer = requireSigner(deps);
  const interval = options.interval ?? CHECKPOINT_INTERVAL;
  const publicKey = await signer.publicKeySpkiDer();
  const pinKey = bundleKey(intentId, CHECKPOINT_FILE);
  let pinned = (await readCheckpointObject(deps.evidence, pinKey, publicKey))?.signed;
  let uri: string | undefined;
  if (pinned === undefined) {
    // Every entry of the intent is in the ledger now: a head another execution signed since covers them as well.
    const head = await signPendingCheckpoints(deps, interval, { entriesOf: intentId });
    // The first head pinned wins: a retry that signed a later head still bundles the one pinned first.
    pinned = (await keepCheckpointObject(deps.evidence, head.signed, publicKey, pinKey)).signed;
    if (pinned === head.signed) uri = head.uri;
  }
  // A head pinned by an earlier attempt is kept under its size too (that attempt may have stopped before).
  uri ??= (await keepCheckpointObject(deps.evidence, pinned, publicKey)).uri;
  const bundle = await sealEvidenceBundle(intentId, pinned, deps, interval);
  const stored = await record(deps, intentId, 'checkpoint.signed', {
    checkpoint: pinned.checkpoint,
    envelope: pinned.envelope,
    uri,
    bundle,
  });
  // The closing head: kept only in the evidence store (recording it would leave a new entry uncovered). A head
  // another execution signed since, covering this entry, closes it as well.
  const closing = (await signPendingCheckpoints(deps, interval, stored.entry.seq)).signed.checkpoint;
  const { checkpoint } = pinned;
  return checkpointResultSchema.parse({
    size: checkpoint.size,
    rootHash: checkpoint.rootHash,
    seq: stored.entry.seq,
    sealedSize: closing.size,
  });
}

/** Signings in this process, in turn per state store: a later one finds what an earlier one signed. */
const turns = new Turns();

/**
 * Signs every checkpoint owed since the newest one: one at each multiple of `interval` entries and one
 * over the whole ledger, each kept write-once in the evidence store under its size, then moves the state
 * store's cache to the new head. Returns the head. Refuses to sign entries whose chain does not hold.
 * With `covering`, a newest head that already covers that seq — or, given `{ entriesOf }`, every entry of that
 * intent in the ledger (none comes after it) — is returned as it is, nothing signed: the owed checkpoints are
 * then signed by the next signing that covers something new.
 *
 * Signings through one state store in one process take turns (the local runtime runs every execution in one
 * process; a Lambda container runs one at a time): two executions ending together then sign their heads one
 * after the other, and the second finds the first's, rather than both signing over the same entries.
 */
export function signPendingCheckpoints(
  deps: PipelineDeps,
  interval: number,
  covering?: Covering,
): Promise<StoredCheckpoint> {
  return turns.run(deps.state, () => signOwed(deps, interval, covering));
}

/** What a head must cover to be returned as it is: an entry's seq, or every entry of an intent. */
type Covering = number | { entriesOf: string };

async function signOwed(
  deps: PipelineDeps,
  interval: number,
  covering: Covering | undefined,
): Promise<StoredCheckpoint> {
  const signer = requireSigner(deps);
  if (!Number.isSafeInteger(interval) || interval < 1)
    throw new RangeError(`interval ${interval} must be ≥ 1`);
  const publicKey = await signer.publicKeySpkiDer();
  const partition = checkpointPartition(deps.ledgerName);
  const latest = await deps.state.get<LatestCheckpoint>(partition, 'LATEST');
  const frontier = latest ? MerkleFrontier.fromJSON(latest.data.frontier) : MerkleFrontier.empty();
  if (typeof covering === 'number' && frontier.size > covering) {
    // The object is written before the cache names it.
    const key = checkpointObjectKey(deps.ledgerName, frontier.size);
    const covered = await readCheckpointObject(deps.evidence, key, publicKey);
    if (covered) return covered;
  }
  const fresh = await deps.ledger.read(deps.ledgerName, frontier.size);
  const intentCovered =
    typeof covering === 'object' && !fresh.some((stored) => stored.entry.intentId === covering.entriesOf);
  const newest =
    latest && (fresh.length === 0 || latest.data.link === undefined || intentCovered)
      ? await readCheckpointObject(
          deps.evidence,
          checkpointObjectKey(deps.ledgerName, frontier.size),
          publicKey,
        )
      : undefined;
  if ((fresh.length === 0 || intentCovered) && newest) return newest;
  assertChained(fresh, frontier.size, latest?.data.lastHash);
  const timestamp = deps.clock.now().toISOString();
  // Which clock that instant (and the entries this runtime dated with it) is on, signed with it.
  const clock = deps.clock.account?.();
  // Each checkpoint names the one before it, so a verifier holding it notices when that one is gone.
  let previous = latest?.data.link ?? (newest ? checkpointLink(newest.signed.checkpoint) : undefined);
  const sign = async (): Promise<StoredCheckpoint> => {
    const checkpoint = {
      ledger: deps.ledgerName,
      size: frontier.size,
      rootHash: frontier.root(),
      timestamp,
      ...(previous ? { previous } : {}),
      ...(clock ? { clock } : {}),
    };
    const signed = { checkpoint, envelope: await signTreeHead(checkpoint, signer) };
    const kept = await keepCheckpointObject(deps.evidence, signed, publicKey);
    previous = checkpointLink(kept.signed.checkpoint);
    return kept;
  };
  let head: StoredCheckpoint | undefined;
  for (const stored of fresh) {
    frontier.push(Buffer.from(stored.hash, 'hex'));
    head = undefined;
    if (frontier.size % interval === 0) {
      head = await sign();
      await keepFrontier(deps.state, deps.ledgerName, frontier.toJSON());
    }
  }
  head ??= await sign();
  const next: LatestCheckpoint = {
    frontier: frontier.toJSON(),
    rootHash: head.signed.checkpoint.rootHash,
    timestamp: head.signed.checkpoint.timestamp,
    lastHash: fresh.at(-1)?.hash ?? latest?.data.lastHash,
    link: checkpointLink(head.signed.checkpoint),
  };
  try {
    await deps.state.put(partition, 'LATEST', next, latest?.version ?? 0);
  } catch (error) {
    // Another signer moved the cache first; the objects written here stand on their own.
    if (!(error instanceof VersionConflictError)) throw error;
  }
  return head;
}

function assertChained(fresh: readonly StoredEntry[], from: number, lastHash: string | undefined): void {
  let previous = from === 0 ? GENESIS_PREV_HASH : lastHash;
  for (const [offset, stored] of fresh.entries()) {
    const seq = from + offset;
    const problem =
      stored.entry.seq !== seq
        ? `holds seq ${stored.entry.seq}`
        : leafHash(stored.entry) !== stored.hash
          ? 'does not hash to its stored hash'
          : previous !== undefined && stored.entry.prevHash !== previous
            ? 'does not link to the entry before it'
            : undefined;
    if (problem)
      throw new LedgerIntegrityError(`refusing to sign: ledger entry at seq ${seq} ${problem}`, seq);
    previous = stored.hash;
  }
}

function requireSigner(deps: PipelineDeps): Signer {
  if (!deps.signer)
    throw new Error('this stage has no signer: only FormDecision and SignCheckpoint may sign');
  return deps.signer;
}
