import { createHash } from 'node:crypto';
import { LocalSigner } from '../../../../lambdas/adapters/local/local-signer.js';
import {
  checkpointObjectBytes,
  type SignedCheckpoint,
} from '../../../../lambdas/core/evidence/checkpoint-object.js';
import { type CheckpointLink, checkpointLink } from '../../../../lambdas/core/ledger/checkpoint.js';
import {
  canonicalBytes,
  canonicalJson,
  chainEntry,
  checkpointOf,
} from '../../../../lambdas/core/ledger/index.js';
import {
  DECISION_PAYLOAD_TYPE,
  signCheckpoint,
  signEnvelope,
} from '../../../../lambdas/core/signing/index.js';
import type { LedgerEntryDraft, StoredEntry } from '../../../../lambdas/ports/ledger-store.js';

export const signer = LocalSigner.inMemory();

export interface SignedLedger {
  entries: StoredEntry[];
  publicKey: Uint8Array;
  /**
   * Signed checkpoints as the evidence store keeps them, each naming the one before: every 8 entries, at each
   * intent's end (the head its `checkpoint.signed` records) and once more after that entry (the closing head).
   */
  objects: Array<{ value: unknown; source: string }>;
}

const at = (i: number) => new Date(Date.UTC(2026, 10, 2, 9, 0, i)).toISOString();

/** A ledger of `intents` intents, each six steps, a signed decision and a signed checkpoint at its end, as SignCheckpoint leaves it. */
export async function signedLedger(
  intents: number,
  ledger = 'main',
  key: LocalSigner = signer,
): Promise<SignedLedger> {
  const entries: StoredEntry[] = [];
  const objects: SignedLedger['objects'] = [];
  const append = (draft: Omit<LedgerEntryDraft, 'timestamp' | 'idempotencyKey'>) => {
    const stored = chainEntry(
      ledger,
      { ...draft, timestamp: at(entries.length), idempotencyKey: `${draft.intentId}/${draft.type}` },
      entries.at(-1),
    );
    entries.push(stored);
    return stored;
  };
  let previous: CheckpointLink | undefined;
  const signAt = async (size: number): Promise<SignedCheckpoint> => {
    const checkpoint = {
      ...checkpointOf(
        ledger,
        entries.slice(0, size).map((s) => s.hash),
        at(size),
      ),
      ...(previous ? { previous } : {}),
    };
    previous = checkpointLink(checkpoint);
    return { checkpoint, envelope: await signCheckpoint(checkpoint, key) };
  };
  const keepObject = async (size: number) => {
    const signed = await signAt(size);
    objects.push({
      value: JSON.parse(Buffer.from(checkpointObjectBytes(signed)).toString()),
      source: `object ${size}`,
    });
    return signed;
  };
  for (let i = 0; i < intents; i++) {
    const intentId = `int-${i}`;
    for (const type of ['intent.declared', 'structure.validated', 'admission.admitted']) {
      append({ intentId, type, payload: { step: type, note: `déjà vu € ${i}` } });
      if (entries.length % 8 === 0) await keepObject(entries.length);
    }
    const decision = canonicalBytes({ decisionId: `dec-${intentId}`, intent: { id: intentId } });
    const envelope = await signEnvelope(DECISION_PAYLOAD_TYPE, decision, key);
    append({
      intentId,
      type: 'decision.signed',
      payload: { digest: createHash('sha256').update(decision).digest('hex'), envelope },
    });
    for (const type of ['release.started', 'intent.concluded']) {
      append({ intentId, type, payload: { step: type } });
      if (entries.length % 8 === 0) await keepObject(entries.length);
    }
    const head = await keepObject(entries.length);
    append({ intentId, type: 'checkpoint.signed', payload: { ...head } });
    await keepObject(entries.length);
  }
  return { entries, publicKey: await key.publicKeySpkiDer(), objects };
}

/** The export format: one RFC 8785 `{ entry, hash }` a line. */
export function exportOf(entries: readonly StoredEntry[]): Buffer {
  return Buffer.from(entries.map((s) => `${canonicalJson({ entry: s.entry, hash: s.hash })}\n`).join(''));
}

/** Rebuilds the chain from `from` on, as an administrator without the key can: every hash recomputed. */
export function rechain(entries: readonly StoredEntry[], from: number): StoredEntry[] {
  const out = entries.slice(0, from);
  for (const stored of entries.slice(from)) {
    const { ledger, seq: _seq, prevHash: _prev, ...draft } = stored.entry;
    out.push(chainEntry(ledger, draft, out.at(-1)));
  }
  return out;
}
