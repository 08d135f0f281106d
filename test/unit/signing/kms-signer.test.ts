import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, KMSServiceException, SignCommand } from '@aws-sdk/client-kms';
import { p256 } from '@noble/curves/nist.js';
import { mockClient } from 'aws-sdk-client-mock';
import { KmsSigner } from '../../../lambdas/adapters/aws/kms-signer.js';
import { LocalSigner } from '../../../lambdas/adapters/local/local-signer.js';
import { ConfigurationError, TransientError } from '../../../lambdas/core/errors.js';
import { describeSignerContract } from './signer-contract.js';

const kms = mockClient(KMSClient);
const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function p256Key(): { spki: Uint8Array; scalar: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    spki: publicKey.export({ format: 'der', type: 'spki' }),
    scalar: Buffer.from((privateKey as KeyObject).export({ format: 'jwk' }).d as string, 'base64url'),
  };
}

/** Answers like KMS: GetPublicKey returns SPKI DER, Sign in DIGEST mode signs the digest as given. */
function behaveLikeKms(): void {
  const { spki, scalar } = p256Key();
  kms.on(GetPublicKeyCommand).resolves({
    KeyId: keyArn,
    PublicKey: spki,
    KeySpec: 'ECC_NIST_P256',
    SigningAlgorithms: ['ECDSA_SHA_256'],
  });
  kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
    KeyId: keyArn,
    SigningAlgorithm: 'ECDSA_SHA_256',
    Signature: p256.sign(input.Message, scalar, { prehash: false, format: 'der' }),
  }));
}

function kmsError(name: string, status: number): KMSServiceException {
  return new KMSServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} happened`,
  });
}

afterEach(() => {
  kms.reset();
});

describeSignerContract('LocalSigner', () => LocalSigner.inMemory());

describeSignerContract('KmsSigner (stubbed KMS)', () => {
  behaveLikeKms();
  return new KmsSigner(new KMSClient({ region: 'eu-west-1' }), keyArn);
});

describe('KmsSigner', () => {
  test('asks KMS to sign the digest with MessageType DIGEST and ECDSA_SHA_256', async () => {
    // Prepare
    behaveLikeKms();
    const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1' }), keyArn);
    const digest = Buffer.alloc(32, 9);

    // Act
    await signer.signDigest(digest);

    // Assess
    const calls = kms.commandCalls(SignCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      KeyId: keyArn,
      Message: digest,
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
  });

  test('fetches the public key once, even for concurrent first calls', async () => {
    // Prepare
    behaveLikeKms();
    const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1' }), keyArn);

    // Act
    await Promise.all([signer.keyId(), signer.publicKeySpkiDer(), signer.keyId()]);
    await signer.keyId();

    // Assess
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });

  test('does not cache a failed public key fetch', async () => {
    // Prepare
    const { spki } = p256Key();
    kms
      .on(GetPublicKeyCommand)
      .rejectsOnce(kmsError('KMSInternalException', 500))
      .resolves({ PublicKey: spki });
    const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1', maxAttempts: 1 }), keyArn);

    // Act
    const first = signer.keyId();

    // Assess
    await expect(first).rejects.toThrow(TransientError);
    await expect(signer.publicKeySpkiDer()).resolves.toEqual(spki);
  });

  test('surfaces throttling as TransientError and keeps the cause', async () => {
    // Prepare
    const throttled = kmsError('ThrottlingException', 400);
    kms.on(SignCommand).rejects(throttled);
    const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1', maxAttempts: 1 }), keyArn);

    // Act
    const error = await signer.signDigest(Buffer.alloc(32)).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).name).toBe('TransientError');
    expect((error as TransientError).cause).toBe(throttled);
  });

  test('passes a permanent failure through unchanged', async () => {
    // Prepare
    const denied = kmsError('AccessDeniedException', 400);
    kms.on(SignCommand).rejects(denied);
    const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1', maxAttempts: 1 }), keyArn);

    // Act / Assess
    await expect(signer.signDigest(Buffer.alloc(32))).rejects.toBe(denied);
  });

  test('refuses a key that is not P-256', async () => {
    // Prepare
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    kms.on(GetPublicKeyCommand).resolves({ PublicKey: publicKey.export({ format: 'der', type: 'spki' }) });
    const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1' }), keyArn);

    // Act / Assess
    await expect(signer.keyId()).rejects.toThrow(ConfigurationError);
  });

  test('refuses a key that does not allow ECDSA_SHA_256', async () => {
    // Prepare
    kms.on(GetPublicKeyCommand).resolves({ PublicKey: p256Key().spki, SigningAlgorithms: ['ECDSA_SHA_384'] });
    const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1' }), keyArn);

    // Act / Assess
    await expect(signer.keyId()).rejects.toThrow('does not allow ECDSA_SHA_256');
  });
});
