import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { KmsSigner } from '../../../lambdas/adapters/aws/kms-signer.js';
import { LocalSigner } from '../../../lambdas/adapters/local/local-signer.js';
import { describeSignerContract } from '../../unit/signing/signer-contract.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'itv-signer-contract-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeSignerContract('LocalSigner (key file on disk)', () =>
  LocalSigner.fromFile(join(dir, 'signing-key.pem')),
);

// The moto cases are registered only where a moto_server endpoint is given
// (ITV_MOTO_ENDPOINT=http://127.0.0.1:PORT), so machines without moto run no skipped tests.
const endpoint = process.env.ITV_MOTO_ENDPOINT;

function motoClient(url: string): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' },
    maxAttempts: 1,
  });
}

async function motoKey(client: KMSClient): Promise<string> {
  const created = await client.send(
    new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
  );
  return created.KeyMetadata!.KeyId!;
}

if (endpoint !== undefined) {
  const client = motoClient(endpoint);

  describe(`KmsSigner against moto_server at ${endpoint}`, () => {
    test('moto hashes a DIGEST message again before signing (moto bug; real KMS signs it as given)', async () => {
      // Prepare
      const keyId = await motoKey(client);
      const signer = new KmsSigner(client, keyId);
      const message = Buffer.from('itv');
      const digest = createHash('sha256').update(message).digest();

      // Act
      const { Signature } = await client.send(
        new SignCommand({
          KeyId: keyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );

      // Assess
      const key = createPublicKey({
        key: Buffer.from(await signer.publicKeySpkiDer()),
        format: 'der',
        type: 'spki',
      });
      expect(verify('sha256', digest, key, Buffer.from(Signature!))).toBe(true);
      expect(verify('sha256', message, key, Buffer.from(Signature!))).toBe(false);
    });
  });

  describeSignerContract(
    'KmsSigner (moto_server)',
    async () => new KmsSigner(client, await motoKey(client)),
    { digestHashedAgain: true },
  );
}
