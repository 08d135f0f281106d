import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import { ConfigurationError, InvalidInputError } from '../../core/errors.js';
import { keyIdOf } from '../../core/signing/key-id.js';
import type { Signer } from '../../ports/signer.js';

/*
 * node:crypto cannot sign a precomputed digest with ECDSA: `sign(null, digest, ecKey)` hashes the digest
 * again, and WebCrypto always hashes. KMS `Sign` with `MessageType=DIGEST` signs the digest as given, so
 * this signer uses @noble/curves (audited, RFC 6979 deterministic k) with `prehash: false` over the same
 * P-256 scalar that node:crypto stores. The DER signature verifies with
 * `crypto.verify('sha256', message, publicKey, sig)` and `openssl dgst -sha256 -verify`, exactly as a KMS
 * signature does.
 */

function assertP256(key: KeyObject, source: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigurationError(`${source}: signing key must be an EC P-256 (prime256v1) private key`);
  }
}

/** Signer over a node:crypto P-256 key: the embedded runtime's stand-in for KMS. */
export class LocalSigner implements Signer {
  private readonly scalar: Uint8Array;
  private readonly spkiDer: Uint8Array;
  private readonly id: string;

  private constructor(privateKey: KeyObject) {
    const jwk = privateKey.export({ format: 'jwk' });
    this.scalar = Buffer.from(jwk.d as string, 'base64url');
    this.spkiDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    this.id = keyIdOf(this.spkiDer);
  }

  /** A fresh key that lives as long as the process: for tests. */
  static inMemory(): LocalSigner {
    return new LocalSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  }

  /** A signer over a PKCS#8 PEM private key. */
  static fromPem(pem: string, source = 'PEM'): LocalSigner {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    assertP256(key, source);
    return new LocalSigner(key);
  }

  /**
   * Loads the PKCS#8 PEM key at `path`, or creates one there (mode 0600, folder 0700) when the file is
   * missing. A key file readable by group or others is refused, as ssh does.
   */
  static async fromFile(path: string): Promise<LocalSigner> {
    const existing = await LocalSigner.readKeyFile(path);
    if (existing !== undefined) return existing;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    try {
      await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created the key first: use that one, so both sign with the same key.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const raced = await LocalSigner.readKeyFile(path);
      if (raced !== undefined) return raced;
    }
    return new LocalSigner(privateKey);
  }

  private static async readKeyFile(path: string): Promise<LocalSigner | undefined> {
    let pem: string;
    try {
      pem = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if (process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) {
      throw new ConfigurationError(`${path}: signing key is readable by others; run chmod 600 on it`);
    }
    return LocalSigner.fromPem(pem, path);
  }

  async keyId(): Promise<string> {
    return this.id;
  }

  async publicKeySpkiDer(): Promise<Uint8Array> {
    return this.spkiDer;
  }

  async signDigest(digest: Uint8Array): Promise<Uint8Array> {
    if (digest.length !== 32) {
      throw new InvalidInputError('digest must be a 32-byte SHA-256 digest', [
        { path: 'digest', message: `has ${digest.length} bytes, expected 32` },
      ]);
    }
    return p256.sign(digest, this.scalar, { prehash: false, format: 'der' });
  }
}
