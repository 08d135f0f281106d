import type { Signer } from '../../ports/signer.js';
import type { DsseEnvelope } from './envelope.js';
import { pae } from './pae.js';

/** Signs `payload` as a DSSE v1 envelope: an ECDSA P-256 / SHA-256 signature over PAE(payloadType, payload). */
export async function signEnvelope(
  payloadType: string,
  payload: Uint8Array,
  signer: Signer,
): Promise<DsseEnvelope> {
  const [keyid, sig] = await Promise.all([signer.keyId(), signer.sign(pae(payloadType, payload))]);
  return {
    payloadType,
    payload: Buffer.from(payload).toString('base64'),
    signatures: [{ keyid, sig: Buffer.from(sig).toString('base64') }],
  };
}
