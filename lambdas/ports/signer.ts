/**
 * Signs with ECDSA P-256 over SHA-256. KMS (`ECC_NIST_P256`, `ECDSA_SHA_256`, `MessageType=DIGEST`: the
 * adapter hashes, so the message never leaves and may exceed KMS's 4 KB limit) on AWS, a node:crypto key
 * locally; both return the same formats.
 */
export interface Signer {
  /** Lower-case hex SHA-256 of the SPKI DER public key. */
  keyId(): Promise<string>;
  /** The public key as SPKI DER bytes. */
  publicKeySpkiDer(): Promise<Uint8Array>;
  /** ASN.1 DER-encoded ECDSA signature over SHA-256(message): what `openssl dgst -sha256 -verify` checks. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}
