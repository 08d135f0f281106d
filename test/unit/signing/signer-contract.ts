import { createHash, createPublicKey, verify } from 'node:crypto';
import { pae, signEnvelope, verifyEnvelope } from '../../../lambdas/core/signing/index.js';
import type { Signer } from '../../../lambdas/ports/signer.js';

export interface SignerContractOptions {
  /** moto signs SHA-256(digest) instead of the digest it is sent (a moto bug); real KMS and LocalSigner do not. */
  digestHashedAgain?: boolean;
}

/** The Signer port's contract, run against every adapter of it. */
export function describeSignerContract(
  name: string,
  makeSigner: () => Signer | Promise<Signer>,
  options: SignerContractOptions = {},
): void {
  describe(`Signer contract: ${name}`, () => {
    test('keyId is the lower-case hex SHA-256 of the SPKI DER public key, a P-256 key', async () => {
      // Prepare
      const signer = await makeSigner();

      // Act
      const [keyid, spki] = [await signer.keyId(), await signer.publicKeySpkiDer()];

      // Assess
      expect(keyid).toBe(createHash('sha256').update(spki).digest('hex'));
      const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
      expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    });

    test('sign returns a DER ECDSA signature over SHA-256 of the message', async () => {
      // Prepare
      const signer = await makeSigner();
      const message = pae('application/vnd.itv.decision+json', Buffer.from('{"n":1}'));
      const digest = createHash('sha256').update(message).digest();

      // Act
      const sig = Buffer.from(await signer.sign(message));

      // Assess
      const key = createPublicKey({
        key: Buffer.from(await signer.publicKeySpkiDer()),
        format: 'der',
        type: 'spki',
      });
      expect(sig[0]).toBe(0x30);
      const signed = options.digestHashedAgain ? digest : message;
      expect(verify('sha256', signed, key, sig)).toBe(true);
    });

    test(`a DSSE envelope it signs ${options.digestHashedAgain ? 'does not verify (moto bug)' : 'verifies'}`, async () => {
      // Prepare
      const signer = await makeSigner();

      // Act
      const envelope = await signEnvelope('application/vnd.in-toto+json', Buffer.from('{}'), signer);

      // Assess
      expect(verifyEnvelope(envelope, await signer.publicKeySpkiDer()).ok).toBe(!options.digestHashedAgain);
    });
  });
}
