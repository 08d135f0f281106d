import { createHash } from 'node:crypto';
import { VersionConflictError } from '../errors.js';
import { canonicalJson } from '../ledger/index.js';
import { signEnvelope } from '../signing/index.js';
import { type PipelineDeps, record } from './deps.js';
import { emptyFrontier, extendFrontier, type Frontier, frontierRoot } from './merkle-frontier.js';
import { type CheckpointResult, checkpointResultSchema } from './state.js';

export const checkpointPayloadType = 'application/vnd.itv.checkpoint+json';

interface LatestCheckpoint {
  frontier: Frontier;
  rootHash: string;
  timestamp: string;
}

/**
 * Signs a tree head `{ ledger, size, rootHash, timestamp }` over the whole ledger at the end of an intent,
 * writes it once to the evidence store and the state store, and appends `checkpoint.signed`. Concurrent
 * checkpointers extend the same frontier under optimistic concurrency.
 */
export async function signCheckpoint(intentId: string, deps: PipelineDeps): Promise<CheckpointResult> {
  if (!deps.signer) throw new Error('this stage has no signer: only the decision stage may sign');
  const pk = `CHECKPOINT#${deps.ledgerName}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const latest = await deps.state.get<LatestCheckpoint>(pk, 'LATEST');
    const frontier0 = latest?.data.frontier ?? emptyFrontier;
    const fresh = await deps.ledger.read(deps.ledgerName, frontier0.size);
    const frontier = extendFrontier(
      frontier0,
      fresh.map((stored) => stored.hash),
    );
    const checkpoint = {
      ledger: deps.ledgerName,
      size: frontier.size,
      rootHash: frontierRoot(frontier),
      // Nothing new since the last head (a retried stage): keep its timestamp, the tree head is the same.
      timestamp: fresh.length === 0 && latest ? latest.data.timestamp : deps.clock.now().toISOString(),
    };
    try {
      await deps.state.put<LatestCheckpoint>(
        pk,
        'LATEST',
        { frontier, rootHash: checkpoint.rootHash, timestamp: checkpoint.timestamp },
        latest?.version ?? 0,
      );
    } catch (error) {
      if (error instanceof VersionConflictError) continue;
      throw error;
    }
    const body = new TextEncoder().encode(canonicalJson(checkpoint));
    const envelope = await signEnvelope(checkpointPayloadType, body, deps.signer);
    const file = new TextEncoder().encode(canonicalJson({ checkpoint, envelope }));
    // ECDSA signatures differ on every signing, so a re-signed head gets its own write-once object.
    const fileDigest = createHash('sha256').update(file).digest('hex').slice(0, 16);
    const uri = await deps.evidence.putObject(
      `checkpoints/${deps.ledgerName}/${String(checkpoint.size).padStart(12, '0')}-${fileDigest}.json`,
      file,
      'application/json',
    );
    const stored = await record(deps, intentId, 'checkpoint.signed', { checkpoint, envelope, uri });
    const signed = stored.entry.payload.checkpoint as { size: number; rootHash: string };
    return checkpointResultSchema.parse({
      size: signed.size,
      rootHash: signed.rootHash,
      seq: stored.entry.seq,
    });
  }
  throw new VersionConflictError('the checkpoint kept moving under concurrent writers');
}
