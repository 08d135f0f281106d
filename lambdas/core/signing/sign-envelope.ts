import { createHash } from 'node:crypto';
import type { Signer } from '../../ports/signer.js';
import type { DsseEnvelope } from './envelope.js';
import { pae } from './pae.js';

/**
 * Signs `payload` as a DSSE v1 envelope: the signer receives SHA-256(PAE(payloadType, payload)), which is
 * what KMS `Sign` with `MessageType=DIGEST` expects.
 */
export async function signEnvelope(
  payloadType: string,
  payload: Uint8Array,
  signer: Signer,
): Promise<DsseEnvelope> {
  const digest = createHash('sha256').update(pae(payloadType, payload)).digest();
  const [keyid, sig] = await Promise.all([signer.keyId(), signer.signDigest(digest)]);
  return {
    payloadType,
    payload: Buffer.from(payload).toString('base64'),
    signatures: [{ keyid, sig: Buffer.from(sig).toString('base64') }],
  };
}
