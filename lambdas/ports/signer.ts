/**
 * Signs SHA-256 digests with ECDSA P-256. KMS (`ECC_NIST_P256`, `ECDSA_SHA_256`, `MessageType=DIGEST`)
 * on AWS, a node:crypto key locally; both return the same formats.
 */
export interface Signer {
  /** Lower-case hex SHA-256 of the SPKI DER public key. */
  keyId(): Promise<string>;
  /** The public key as SPKI DER bytes. */
  publicKeySpkiDer(): Promise<Uint8Array>;
  /** ASN.1 DER-encoded ECDSA signature over a 32-byte SHA-256 digest. */
  signDigest(digest: Uint8Array): Promise<Uint8Array>;
}
