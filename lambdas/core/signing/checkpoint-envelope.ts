import type { Signer } from '../../ports/signer.js';
import { InvalidInputError } from '../errors.js';
import { type Checkpoint, checkpointBytes, parseCheckpoint } from '../ledger/checkpoint.js';
import type { DsseEnvelope } from './envelope.js';
import { CHECKPOINT_PAYLOAD_TYPE } from './payload-types.js';
import { signEnvelope } from './sign-envelope.js';
import { verifyEnvelope } from './verify-envelope.js';

/** A checkpoint signed as a DSSE envelope of type `application/vnd.itv.checkpoint+json`. */
export function signCheckpoint(checkpoint: Checkpoint, signer: Signer): Promise<DsseEnvelope> {
  return signEnvelope(CHECKPOINT_PAYLOAD_TYPE, checkpointBytes(checkpoint), signer);
}

/**
 * Verifies a checkpoint envelope against a public key and returns the checkpoint it signs. Throws
 * `InvalidInputError` when the signature or the checkpoint does not hold.
 */
export function openCheckpoint(envelope: unknown, publicKeySpkiDer: Uint8Array): Checkpoint {
  const verified = verifyEnvelope(envelope, publicKeySpkiDer, { payloadType: CHECKPOINT_PAYLOAD_TYPE });
  if (!verified.ok) {
    throw new InvalidInputError('checkpoint envelope does not verify', [
      { path: 'signatures', message: verified.reason },
    ]);
  }
  return parseCheckpoint(verified.payload);
}
