import { createHash } from 'node:crypto';

// A verifier asks for the key id of the one key it trusts once per envelope: the last answer is kept.
let last: { spkiDer: Buffer; keyid: string } | undefined;

/** The DSSE `keyid` of a public key: lower-case hex SHA-256 of its SPKI DER bytes. */
export function keyIdOf(spkiDer: Uint8Array): string {
  if (last?.spkiDer.equals(spkiDer)) return last.keyid;
  const keyid = createHash('sha256').update(spkiDer).digest('hex');
  last = { spkiDer: Buffer.from(spkiDer), keyid };
  return keyid;
}
