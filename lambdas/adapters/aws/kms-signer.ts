import { createHash, createPublicKey } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  type KMSClient,
  SignCommand,
} from '@aws-sdk/client-kms';
import { ConfigurationError, InvalidInputError } from '../../core/errors.js';
import { keyIdOf } from '../../core/signing/key-id.js';
import type { Signer } from '../../ports/signer.js';
import { transientOr } from './transient-errors.js';

/*
 * KMS asymmetric key (`ECC_NIST_P256`, usage SIGN_VERIFY). `Sign` with `MessageType=DIGEST` and
 * `ECDSA_SHA_256` signs the 32-byte digest as given and returns an ASN.1 DER signature; `GetPublicKey`
 * returns SPKI DER. Both formats are the ones LocalSigner produces, so envelopes verify the same way.
 *
 * moto_server (5.2.1) hashes a DIGEST message again before signing, so its signatures verify over
 * SHA-256(digest) rather than over the signed message. The contract test detects that and says so;
 * nothing here works around it, because real KMS is right.
 */
export class KmsSigner implements Signer {
  private publicKey: Promise<{ spkiDer: Uint8Array; keyid: string }> | undefined;

  constructor(
    private readonly client: KMSClient,
    private readonly kmsKeyId: string,
  ) {}

  async keyId(): Promise<string> {
    return (await this.loadPublicKey()).keyid;
  }

  async publicKeySpkiDer(): Promise<Uint8Array> {
    return (await this.loadPublicKey()).spkiDer;
  }

  /** Hashes here and sends only the digest (`MessageType=DIGEST`), so any message size works. */
  async sign(message: Uint8Array): Promise<Uint8Array> {
    return this.signDigest(createHash('sha256').update(message).digest());
  }

  /** KMS `Sign` over a 32-byte SHA-256 digest as given. */
  async signDigest(digest: Uint8Array): Promise<Uint8Array> {
    if (digest.length !== 32) {
      throw new InvalidInputError('digest must be a 32-byte SHA-256 digest', [
        { path: 'digest', message: `has ${digest.length} bytes, expected 32` },
      ]);
    }
    let signature: Uint8Array | undefined;
    try {
      ({ Signature: signature } = await this.client.send(
        new SignCommand({
          KeyId: this.kmsKeyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ));
    } catch (error) {
      throw transientOr(error, `KMS Sign with key ${this.kmsKeyId}`);
    }
    if (signature === undefined)
      throw new ConfigurationError(`KMS Sign with key ${this.kmsKeyId} returned no signature`);
    return signature;
  }

  private loadPublicKey(): Promise<{ spkiDer: Uint8Array; keyid: string }> {
    // Cache the promise so concurrent first calls share one GetPublicKey; forget it on failure.
    this.publicKey ??= this.fetchPublicKey().catch((error: unknown) => {
      this.publicKey = undefined;
      throw error;
    });
    return this.publicKey;
  }

  private async fetchPublicKey(): Promise<{ spkiDer: Uint8Array; keyid: string }> {
    let response: GetPublicKeyCommandOutput;
    try {
      response = await this.client.send(new GetPublicKeyCommand({ KeyId: this.kmsKeyId }));
    } catch (error) {
      throw transientOr(error, `KMS GetPublicKey for key ${this.kmsKeyId}`);
    }
    const spkiDer = response.PublicKey;
    if (spkiDer === undefined)
      throw new ConfigurationError(`KMS key ${this.kmsKeyId} returned no public key`);
    const key = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new ConfigurationError(`KMS key ${this.kmsKeyId} must be ECC_NIST_P256`);
    }
    const algorithms = response.SigningAlgorithms;
    if (algorithms !== undefined && !algorithms.includes('ECDSA_SHA_256')) {
      throw new ConfigurationError(`KMS key ${this.kmsKeyId} does not allow ECDSA_SHA_256`);
    }
    return { spkiDer, keyid: keyIdOf(spkiDer) };
  }
}
