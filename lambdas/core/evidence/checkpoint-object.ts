import * as z from 'zod';
import { canonicalBytes } from '../ledger/canonical-json.js';
import { type Checkpoint, checkpointBytes, checkpointSchema } from '../ledger/checkpoint.js';
import { type DsseEnvelope, dsseEnvelopeSchema } from '../signing/envelope.js';
import { CHECKPOINT_PAYLOAD_TYPE } from '../signing/payload-types.js';
import { verifyEnvelope } from '../signing/verify-envelope.js';

/** A checkpoint beside its DSSE envelope: the form written write-once to the evidence store and bundled. */
export interface SignedCheckpoint {
  checkpoint: Checkpoint;
  envelope: DsseEnvelope;
}

const signedCheckpointSchema = z.object({ checkpoint: checkpointSchema, envelope: dsseEnvelopeSchema });

/** Where the checkpoint of `size` entries lives in the evidence store: one object per tree size. */
export function checkpointObjectKey(ledger: string, size: number): string {
  return `${checkpointPrefix(ledger)}${String(size).padStart(12, '0')}.json`;
}

/** The folder of a ledger's checkpoint objects. */
export function checkpointPrefix(ledger: string): string {
  return `checkpoints/${ledger}/`;
}

/** The stored bytes of a signed checkpoint: RFC 8785 JSON of `{ checkpoint, envelope }`. */
export function checkpointObjectBytes(signed: SignedCheckpoint): Uint8Array {
  return canonicalBytes({ checkpoint: signed.checkpoint, envelope: signed.envelope });
}

export type OpenedCheckpoint =
  /** `signedBytes`: the bytes the signature covers, `checkpointBytes(checkpoint)`. */
  { ok: true; signed: SignedCheckpoint; signedBytes: Uint8Array } | { ok: false; reason: string };

/**
 * Checks a signed checkpoint from untrusted JSON or bytes: its shape, its envelope's signature under the
 * public key, and that the envelope signs exactly this checkpoint (RFC 8785 bytes of its four fields).
 */
export function openCheckpointObject(input: unknown, publicKeySpkiDer: Uint8Array): OpenedCheckpoint {
  let value = input;
  if (input instanceof Uint8Array) {
    try {
      value = JSON.parse(Buffer.from(input).toString('utf8'));
    } catch (error) {
      return { ok: false, reason: `not JSON: ${(error as Error).message}` };
    }
  }
  const parsed = signedCheckpointSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `malformed: ${issue?.path.join('.') || '$'}: ${issue?.message}` };
  }
  const { checkpoint, envelope } = parsed.data;
  const verified = verifyEnvelope(envelope, publicKeySpkiDer, { payloadType: CHECKPOINT_PAYLOAD_TYPE });
  if (!verified.ok) return { ok: false, reason: verified.reason };
  if (Buffer.compare(Buffer.from(verified.payload), Buffer.from(checkpointBytes(checkpoint))) !== 0) {
    return { ok: false, reason: 'the envelope signs a different checkpoint than the one beside it' };
  }
  return { ok: true, signed: { checkpoint, envelope }, signedBytes: verified.payload };
}
