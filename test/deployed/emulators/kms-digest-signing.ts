import { generateKeyPairSync, hash, type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import type { GatewayRequest, GatewayResponse } from './gateway-request.js';
import type { MappedOperation } from './operations/authorization-check.js';

/**
 * KMS signing as AWS does it, for the calls moto_server gets wrong: moto 5.2.1 hashes a `MessageType=DIGEST`
 * message again before signing, so its signatures verify over SHA-256 of the digest, and nothing the deployed
 * stack signs would verify with openssl. Once the gateway has authorized the call, `Sign` and `GetPublicKey`
 * are answered here with a P-256 key pair of this emulator's per key ARN (its own, not moto's: the two
 * answer together or not at all); every other KMS call goes on to moto.
 */
export class KmsDigestSigning {
  private readonly keys = new Map<string, { spki: Buffer; scalar: Uint8Array }>();

  intercept(request: GatewayRequest, operation: MappedOperation): GatewayResponse | undefined {
    if (operation.operation !== 'Sign' && operation.operation !== 'GetPublicKey') return undefined;
    const keyArn = operation.checks[0]?.resource;
    if (!keyArn || keyArn === '*') return undefined;
    const key = this.keyOf(keyArn);
    if (operation.operation === 'GetPublicKey') {
      return answer({
        KeyId: keyArn,
        PublicKey: key.spki.toString('base64'),
        KeySpec: 'ECC_NIST_P256',
        CustomerMasterKeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: ['ECDSA_SHA_256'],
      });
    }
    const body = JSON.parse(request.body.toString() || '{}') as {
      Message?: string;
      MessageType?: string;
      SigningAlgorithm?: string;
    };
    if (body.SigningAlgorithm !== 'ECDSA_SHA_256') {
      return fault(
        'ValidationException',
        `this emulator signs with ECDSA_SHA_256 only, not ${body.SigningAlgorithm}`,
      );
    }
    const message = Buffer.from(body.Message ?? '', 'base64');
    // DIGEST: the message is the SHA-256 digest and is signed as it is; RAW: KMS hashes it first.
    const digest = body.MessageType === 'DIGEST' ? message : hash('sha256', message, 'buffer');
    if (digest.length !== 32)
      return fault('ValidationException', 'a DIGEST message for ECDSA_SHA_256 is 32 bytes');
    const signature = p256.sign(digest, key.scalar, { prehash: false, format: 'der' });
    return answer({
      KeyId: keyArn,
      Signature: Buffer.from(signature).toString('base64'),
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
  }

  private keyOf(keyArn: string): { spki: Buffer; scalar: Uint8Array } {
    let key = this.keys.get(keyArn);
    if (!key) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      key = {
        spki: publicKey.export({ format: 'der', type: 'spki' }),
        scalar: Buffer.from((privateKey as KeyObject).export({ format: 'jwk' }).d as string, 'base64url'),
      };
      this.keys.set(keyArn, key);
    }
    return key;
  }
}

function answer(body: unknown): GatewayResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body),
  };
}

function fault(type: string, message: string): GatewayResponse {
  return {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ __type: type, message }),
  };
}
