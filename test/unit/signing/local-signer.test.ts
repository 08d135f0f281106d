import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { LocalSigner, notYourKey } from '../../../lambdas/adapters/local/local-signer.js';
import { ConfigurationError } from '../../../lambdas/core/errors.js';
import { keyIdOf, pae, signEnvelope } from '../../../lambdas/core/signing/index.js';
import { installed } from '../../support/installed.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'itv-signer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function spkiKey(spki: Uint8Array) {
  return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
}

describe('LocalSigner', () => {
  test('signs ECDSA-SHA256 over the message: it verifies over the message, not over its digest', async () => {
    // Prepare
    const signer = LocalSigner.inMemory();
    const message = pae('application/vnd.itv.decision+json', Buffer.from('{}'));
    const digest = createHash('sha256').update(message).digest();

    // Act
    const sig = await signer.sign(message);

    // Assess
    const publicKey = spkiKey(await signer.publicKeySpkiDer());
    expect(verify('sha256', message, publicKey, sig)).toBe(true);
    expect(verify('sha256', digest, publicKey, sig)).toBe(false);
  });

  test('returns an ASN.1 DER SEQUENCE of two INTEGERs', async () => {
    // Prepare
    const signer = LocalSigner.inMemory();

    // Act
    const sig = Buffer.from(await signer.sign(Buffer.alloc(32, 7)));

    // Assess
    expect(sig[0]).toBe(0x30);
    expect(sig[1]).toBe(sig.length - 2);
    expect(sig[2]).toBe(0x02);
  });

  test('its keyid is the SHA-256 of its SPKI DER public key, a P-256 key', async () => {
    // Prepare
    const signer = LocalSigner.inMemory();

    // Act
    const [keyid, spki] = [await signer.keyId(), await signer.publicKeySpkiDer()];

    // Assess
    expect(keyid).toBe(createHash('sha256').update(spki).digest('hex'));
    expect(keyIdOf(spki)).toBe(keyid);
    expect(spkiKey(spki).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  test('creates a PKCS#8 key file with mode 0600 and loads the same key again', async () => {
    // Prepare
    const path = join(dir, 'keys', 'signing-key.pem');

    // Act
    const created = await LocalSigner.fromFile(path);
    const loaded = await LocalSigner.fromFile(path);

    // Assess
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await loaded.keyId()).toBe(await created.keyId());
  });

  test('two signers created at once on one path share the key', async () => {
    // Prepare
    const path = join(dir, 'signing-key.pem');

    // Act
    const signers = await Promise.all([LocalSigner.fromFile(path), LocalSigner.fromFile(path)]);

    // Assess
    expect(await signers[0].keyId()).toBe(await signers[1].keyId());
  });

  test('refuses a key file readable by others', async () => {
    // Prepare
    const path = join(dir, 'signing-key.pem');
    await LocalSigner.fromFile(path);
    await chmod(path, 0o644);

    // Act / Assess
    await expect(LocalSigner.fromFile(path)).rejects.toThrow(ConfigurationError);
  });

  test('refuses a key that is not P-256', async () => {
    // Prepare
    const path = join(dir, 'signing-key.pem');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    await writeFile(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });

    // Act / Assess
    await expect(LocalSigner.fromFile(path)).rejects.toThrow('P-256');
  });
});

// openssl is the offline verifier docs/LEDGER.md tells compliance staff to use; check that claim
// wherever openssl is installed.
if (installed('openssl')) {
  describe('LocalSigner signatures verify with openssl dgst', () => {
    test('openssl dgst -sha256 -verify accepts the DSSE signature over PAE', async () => {
      // Prepare
      const signer = LocalSigner.inMemory();
      const envelope = await signEnvelope(
        'application/vnd.itv.decision+json',
        Buffer.from('{"a":1}'),
        signer,
      );
      const pubPem = spkiKey(await signer.publicKeySpkiDer()).export({ format: 'pem', type: 'spki' });
      await writeFile(join(dir, 'pub.pem'), pubPem);
      await writeFile(
        join(dir, 'pae.bin'),
        pae(envelope.payloadType, Buffer.from(envelope.payload, 'base64')),
      );
      await writeFile(join(dir, 'sig.der'), Buffer.from(envelope.signatures[0]!.sig, 'base64'));

      // Act
      const out = execFileSync(
        'openssl',
        [
          'dgst',
          '-sha256',
          '-verify',
          join(dir, 'pub.pem'),
          '-signature',
          join(dir, 'sig.der'),
          join(dir, 'pae.bin'),
        ],
        { encoding: 'utf8' },
      );

      // Assess
      expect(out.trim()).toBe('Verified OK');
    });
  });
}

describe('a signing key of your own', () => {
  test('a key file another user owns is not yours; your own, or a system without users, is', () => {
    expect(notYourKey(65534, 0)).toBe(
      'the signing key belongs to user 65534, not to you (user 0): itv signs only with a key of your own; if you did not put it there, another user did: move it aside (a new one is made at the next start) or run itv as its owner',
    );
    expect(notYourKey(1000, 1000)).toBeUndefined();
    expect(notYourKey(1000, undefined)).toBeUndefined();
  });

  test('a key file another user owns is refused when the stack opens it', async () => {
    // Prepare: a key made by this user, read as if by another (only root could give a file away).
    const path = join(dir, 'signing-key.pem');
    await LocalSigner.fromFile(path);
    const owner = (await stat(path)).uid;
    const other = jest.spyOn(process, 'geteuid').mockReturnValue(owner + 1);
    try {
      // Act, Assess
      await expect(LocalSigner.fromFile(path)).rejects.toThrow(
        `the signing key belongs to user ${owner}, not to you (user ${owner + 1})`,
      );
    } finally {
      other.mockRestore();
    }
  });
});
