import { createPublicKey } from 'node:crypto';

/**
 * The same EC public key as SPKI DER with its point uncompressed (`04 ‖ x ‖ y`), the form itv's signers and KMS
 * export and keyids are computed from. A key given compressed (`02`/`03 ‖ x`, as `openssl pkey -ec_conv_form
 * compressed` writes it) is the same key in other bytes: compared or hashed as given, it would be "another key".
 * Node re-exports an SPKI in the point form it was given, so the point goes through JWK (x and y) and back.
 * Throws when the bytes are not an SPKI public key.
 *
 * @example uncompressedSpki(compressed) // 91 bytes for P-256, equal to the signer's publicKeySpkiDer()
 */
export function uncompressedSpki(spkiDer: Uint8Array): Uint8Array {
  const key = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec') return spkiDer;
  const jwk = createPublicKey({ key: key.export({ format: 'jwk' }), format: 'jwk' });
  return new Uint8Array(jwk.export({ type: 'spki', format: 'der' }));
}
