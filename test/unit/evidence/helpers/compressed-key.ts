import { createPublicKey } from 'node:crypto';

/** The DER head of a P-256 SubjectPublicKeyInfo whose point is compressed (RFC 5480): 33 bytes of point follow. */
const compressedP256Head = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');

/**
 * The same P-256 public key as SPKI DER with its point compressed (`02`/`03` and x, 33 bytes), as
 * `openssl pkey -pubin -ec_conv_form compressed` writes it: a valid encoding of the key, not another key.
 */
export function compressedSpki(spkiDer: Uint8Array): Uint8Array {
  const jwk = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' }).export({
    format: 'jwk',
  });
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  return new Uint8Array(Buffer.concat([compressedP256Head, Buffer.from([0x02 + (y.at(-1)! & 1)]), x]));
}
