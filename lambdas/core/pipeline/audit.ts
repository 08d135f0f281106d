import type { StoredEntry } from '../../ports/ledger-store.js';
import { canonicalJson, verifyChain } from '../ledger/index.js';
import { type DsseEnvelope, verifyEnvelope } from '../signing/index.js';
import { checkpointPayloadType } from './checkpoint.js';
import { decisionPayloadType } from './form-decision.js';
import { emptyFrontier, extendFrontier, type Frontier, frontierRoot } from './merkle-frontier.js';

export type LedgerAudit =
  | { ok: true; size: number; rootHash: string; checkpoints: number; decisions: number }
  | { ok: false; seq: number; reason: string };

/**
 * Verifies a whole ledger with nothing but the public key: the hash chain, every signed checkpoint's
 * root (recomputed from the entries before it) and signature, and every decision signature. An
 * administrator who rewrites entries and recomputes every hash still fails at the first checkpoint.
 */
export function auditLedger(entries: readonly StoredEntry[], publicKeySpkiDer: Uint8Array): LedgerAudit {
  const chain = verifyChain(entries);
  if (!chain.ok) return { ok: false, seq: chain.seq, reason: chain.reason };
  let frontier: Frontier = emptyFrontier;
  // Roots of every prefix: a checkpoint signed while other executions kept appending lands after entries it
  // does not cover, and attests the prefix of its own size.
  const roots = [frontierRoot(frontier)];
  let checkpoints = 0;
  let decisions = 0;
  for (const stored of entries) {
    const { entry } = stored;
    if (entry.type === 'checkpoint.signed') {
      const payload = entry.payload as {
        checkpoint?: { size?: number; rootHash?: string };
        envelope?: DsseEnvelope;
      };
      const checkpoint = payload.checkpoint;
      if (!checkpoint || !payload.envelope || typeof checkpoint.size !== 'number') {
        return { ok: false, seq: entry.seq, reason: 'checkpoint entry lacks its checkpoint or envelope' };
      }
      if (!Number.isInteger(checkpoint.size) || checkpoint.size < 0 || checkpoint.size > frontier.size) {
        return {
          ok: false,
          seq: entry.seq,
          reason: `checkpoint size ${checkpoint.size} is not within the ${frontier.size} entries before it`,
        };
      }
      const root = roots[checkpoint.size];
      if (root !== checkpoint.rootHash) {
        return {
          ok: false,
          seq: entry.seq,
          reason: `checkpoint root ${checkpoint.rootHash} does not match the recomputed root ${root}`,
        };
      }
      const signed = verifySigned(payload.envelope, checkpointPayloadType, publicKeySpkiDer);
      if (signed !== undefined && signed !== canonicalJson(checkpoint)) {
        return { ok: false, seq: entry.seq, reason: 'the signed checkpoint differs from the one recorded' };
      }
      if (signed === undefined)
        return { ok: false, seq: entry.seq, reason: 'checkpoint signature does not verify' };
      checkpoints++;
    }
    if (entry.type === 'decision.signed') {
      const envelope = (entry.payload as { envelope?: DsseEnvelope }).envelope;
      if (!envelope || verifySigned(envelope, decisionPayloadType, publicKeySpkiDer) === undefined) {
        return { ok: false, seq: entry.seq, reason: 'decision signature does not verify' };
      }
      decisions++;
    }
    frontier = extendFrontier(frontier, [stored.hash]);
    roots.push(frontierRoot(frontier));
  }
  return { ok: true, size: chain.size, rootHash: chain.rootHash, checkpoints, decisions };
}

/** The envelope's payload text when its type is right and its signature verifies, else undefined. */
function verifySigned(
  envelope: DsseEnvelope,
  payloadType: string,
  publicKey: Uint8Array,
): string | undefined {
  if (envelope.payloadType !== payloadType) return undefined;
  if (!verifyEnvelope(envelope, publicKey).ok) return undefined;
  return Buffer.from(envelope.payload, 'base64').toString('utf8');
}
