import { createHash } from 'node:crypto';

/** The DSSE `keyid` of a public key: lower-case hex SHA-256 of its SPKI DER bytes. */
export function keyIdOf(spkiDer: Uint8Array): string {
  return createHash('sha256').update(spkiDer).digest('hex');
}
