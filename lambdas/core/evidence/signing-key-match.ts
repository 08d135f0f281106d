import { dsseEnvelopeSchema } from '../signing/envelope.js';
import { keyIdOf } from '../signing/key-id.js';
import { CHECKPOINT_PAYLOAD_TYPE, DECISION_PAYLOAD_TYPE } from '../signing/payload-types.js';
import { verifyEnvelope } from '../signing/verify-envelope.js';
import type { CheckpointSource } from './audit-result.js';

/** A public key that signed none of a ledger's signatures, and the keys that did claim them. */
export interface KeyMismatch {
  /** The DSSE keyid of the key given. */
  keyid: string;
  /** How many signatures (checkpoints, in the ledger or beside it, and decisions) were tried. */
  signatures: number;
  /** The keyids those signatures carry, as they claim them (unverified). */
  claimedKeyids: string[];
}

const SIGNED_TYPES: Record<string, string> = {
  'checkpoint.signed': CHECKPOINT_PAYLOAD_TYPE,
  'decision.signed': DECISION_PAYLOAD_TYPE,
};

/**
 * Whether `publicKeySpkiDer` is a key that signed nothing of this ledger: undefined when one signature of an
 * export's entries or of the checkpoints beside it verifies with it (or there is none to try), else what was
 * tried. One signature that holds shows the key is the ledger's, so a signature that fails is then tampering;
 * none holding shows a key that is not the ledger's (or a ledger whose every signature was replaced). Meant
 * for an audit that already failed: it reads the export in full, and signatures under another keyid cost no
 * verification.
 */
export function keyMismatchOf(
  exportBytes: Buffer,
  publicKeySpkiDer: Uint8Array,
  checkpoints: readonly CheckpointSource[],
): KeyMismatch | undefined {
  const claimed = new Set<string>();
  let signatures = 0;
  const holds = (envelope: unknown, payloadType: string) => {
    const parsed = dsseEnvelopeSchema.safeParse(envelope);
    if (!parsed.success) return false;
    signatures++;
    for (const { keyid } of parsed.data.signatures) claimed.add(keyid);
    return verifyEnvelope(envelope, publicKeySpkiDer, { payloadType }).ok;
  };
  for (const { value } of checkpoints) {
    if (holds(envelopeOf(value), CHECKPOINT_PAYLOAD_TYPE)) return undefined;
  }
  for (const line of exportBytes.toString('utf8').split('\n')) {
    const entry = entryOf(line);
    const payloadType = entry ? SIGNED_TYPES[entry.type] : undefined;
    if (entry && payloadType && holds(envelopeOf(entry.payload), payloadType)) return undefined;
  }
  if (signatures === 0) return undefined;
  return { keyid: keyIdOf(publicKeySpkiDer), signatures, claimedKeyids: [...claimed] };
}

function envelopeOf(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? (value as { envelope?: unknown }).envelope : undefined;
}

/** The type and payload of an export line's entry, or undefined for a line that is not one. */
function entryOf(line: string): { type: string; payload: unknown } | undefined {
  if (line.trim() === '') return undefined;
  try {
    const entry = (JSON.parse(line) as { entry?: { type?: unknown; payload?: unknown } } | null)?.entry;
    return typeof entry?.type === 'string' ? { type: entry.type, payload: entry.payload } : undefined;
  } catch {
    return undefined;
  }
}
