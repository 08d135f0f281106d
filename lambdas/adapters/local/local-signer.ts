import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigurationError } from '../../core/errors.js';
import { keyIdOf } from '../../core/signing/key-id.js';
import type { Signer } from '../../ports/signer.js';

/*
 * The embedded runtime's stand-in for KMS: a node:crypto P-256 key. `sign` is ECDSA over SHA-256 with a DER
 * signature, byte-compatible with KMS `Sign` (`ECDSA_SHA_256`, `MessageType=DIGEST` over the same SHA-256),
 * and verifiable with `openssl dgst -sha256 -verify`.
 */

function assertP256(key: KeyObject, source: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigurationError(`${source}: signing key must be an EC P-256 (prime256v1) private key`);
  }
}

/** Signer over a node:crypto P-256 key: the embedded runtime's stand-in for KMS. */
export class LocalSigner implements Signer {
  private readonly privateKey: KeyObject;
  private readonly spkiDer: Uint8Array;
  private readonly id: string;

  private constructor(privateKey: KeyObject) {
    this.privateKey = privateKey;
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
   * missing. A key file readable by group or others is refused, as ssh does. The new key is written whole to a
   * file of its own and then linked into place, which fails when the name exists: a signer starting at the same
   * moment never reads a key file half written, and of two that create one, both use the first.
   */
  static async fromFile(path: string): Promise<LocalSigner> {
    const existing = await LocalSigner.readKeyFile(path);
    if (existing !== undefined) return existing;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, pem, { mode: 0o600, flag: 'wx' });
    try {
      await link(temp, path);
    } catch (error) {
      // Another signer created the key first: use that one, so both sign with the same key.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const raced = await LocalSigner.readKeyFile(path);
      if (raced !== undefined) return raced;
    } finally {
      await unlink(temp);
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
    if (process.platform !== 'win32') {
      const { mode, uid } = await stat(path);
      if ((mode & 0o077) !== 0) {
        throw new ConfigurationError(`${path}: signing key is readable by others; run chmod 600 on it`);
      }
      const notOwn = notYourKey(uid, process.geteuid?.());
      if (notOwn) throw new ConfigurationError(`${path}: ${notOwn}`);
    }
    return LocalSigner.fromPem(pem, path);
  }

  async keyId(): Promise<string> {
    return this.id;
  }

  async publicKeySpkiDer(): Promise<Uint8Array> {
    return this.spkiDer;
  }

  /** Signs on libuv's thread pool (node:crypto `sign` with a callback), off the event loop, as KMS signs elsewhere. */
  sign(message: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) =>
      sign('sha256', message, { key: this.privateKey, dsaEncoding: 'der' }, (error, signature) =>
        error ? reject(error) : resolve(new Uint8Array(signature)),
      ),
    );
  }
}

/**
 * Why a key file owned by `uid` is not the signing key of the user `ownUid`, or undefined: another user put it there
 * (a home others could write to once), and every decision and checkpoint would be signed with a key they hold.
 */
export function notYourKey(uid: number, ownUid: number | undefined): string | undefined {
  if (ownUid === undefined || uid === ownUid) return undefined;
  return `the signing key belongs to user ${uid}, not to you (user ${ownUid}): itv signs only with a key of your own; if you did not put it there, another user did: move it aside (a new one is made at the next start) or run itv as its owner`;
}
