import { createPublicKey, hash, verify } from 'node:crypto';
import type { GatewayRequest } from './gateway-request.js';
import { KmsDigestSigning } from './kms-digest-signing.js';
import type { MappedOperation } from './operations/authorization-check.js';

const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const call = (signing: KmsDigestSigning, operation: string, body: unknown) => {
  const answer = signing.intercept(
    { body: Buffer.from(JSON.stringify(body)) } as GatewayRequest,
    {
      service: 'kms',
      operation,
      checks: [{ action: `kms:${operation}`, resource: keyArn }],
    } as MappedOperation,
  );
  return answer && { status: answer.status, body: JSON.parse(String(answer.body)) as Record<string, string> };
};

describe('KMS signing as AWS does it', () => {
  test('a DIGEST is signed as given and a RAW message hashed first: both verify over the message with the served key', () => {
    // Prepare
    const signing = new KmsDigestSigning();
    const message = Buffer.from('the DSSE pre-authentication encoding of a checkpoint');

    // Act
    const publicKey = call(signing, 'GetPublicKey', { KeyId: keyArn });
    const digest = call(signing, 'Sign', {
      KeyId: keyArn,
      Message: hash('sha256', message, 'buffer').toString('base64'),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    const raw = call(signing, 'Sign', {
      KeyId: keyArn,
      Message: message.toString('base64'),
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });

    // Assess
    const key = createPublicKey({
      key: Buffer.from(publicKey!.body.PublicKey!, 'base64'),
      format: 'der',
      type: 'spki',
    });
    for (const signed of [digest, raw]) {
      expect(signed?.status).toBe(200);
      expect(verify('sha256', message, key, Buffer.from(signed!.body.Signature!, 'base64'))).toBe(true);
    }
  });

  test('other calls go on to moto, and a DIGEST of the wrong length is refused as KMS refuses it', () => {
    const signing = new KmsDigestSigning();
    expect(call(signing, 'DescribeKey', { KeyId: keyArn })).toBeUndefined();
    const short = call(signing, 'Sign', {
      KeyId: keyArn,
      Message: Buffer.alloc(20).toString('base64'),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(short).toMatchObject({ status: 400, body: { __type: 'ValidationException' } });
  });
});
