import { createHash, generateKeyPairSync } from 'node:crypto';
import { LocalSigner } from '../../../lambdas/adapters/local/local-signer.js';
import {
  DECISION_PAYLOAD_TYPE,
  type DsseEnvelope,
  envelopePayload,
  keyIdOf,
  signEnvelope,
  verifyEnvelope,
} from '../../../lambdas/core/signing/index.js';

const signer = LocalSigner.inMemory();
const payload = Buffer.from('{"decision":"admitted"}');

async function signed(): Promise<{ envelope: DsseEnvelope; spki: Uint8Array }> {
  return {
    envelope: await signEnvelope(DECISION_PAYLOAD_TYPE, payload, signer),
    spki: await signer.publicKeySpkiDer(),
  };
}

describe('signEnvelope', () => {
  test('builds a DSSE envelope with base64 payload, keyid and DER signature', async () => {
    // Act
    const { envelope, spki } = await signed();

    // Assess
    expect(envelope.payloadType).toBe(DECISION_PAYLOAD_TYPE);
    expect(Buffer.from(envelopePayload(envelope))).toEqual(payload);
    expect(envelope.signatures).toHaveLength(1);
    expect(envelope.signatures[0]!.keyid).toBe(createHash('sha256').update(spki).digest('hex'));
    expect(Buffer.from(envelope.signatures[0]!.sig, 'base64')[0]).toBe(0x30);
  });
});

describe('verifyEnvelope', () => {
  test('returns the authenticated payload of a genuine envelope', async () => {
    // Prepare
    const { envelope, spki } = await signed();

    // Act
    const result = verifyEnvelope(envelope, spki, { payloadType: DECISION_PAYLOAD_TYPE });

    // Assess
    expect(result).toEqual({ ok: true, keyid: keyIdOf(spki), payloadType: DECISION_PAYLOAD_TYPE, payload });
  });

  test('verifies repeatedly with the cached key object', async () => {
    // Prepare
    const { envelope, spki } = await signed();

    // Act
    const results = Array.from({ length: 3 }, () => verifyEnvelope(envelope, spki).ok);

    // Assess
    expect(results).toEqual([true, true, true]);
  });

  test.each([
    [
      'an edited payload',
      (e: DsseEnvelope) => ({ ...e, payload: Buffer.from('{"decision":"rejected"}').toString('base64') }),
    ],
    [
      'a changed payloadType',
      (e: DsseEnvelope) => ({ ...e, payloadType: 'application/vnd.itv.checkpoint+json' }),
    ],
    [
      'a signature over another message',
      (e: DsseEnvelope) => ({
        ...e,
        signatures: [
          { ...e.signatures[0]!, sig: Buffer.from([0x30, 0x06, 2, 1, 1, 2, 1, 1]).toString('base64') },
        ],
      }),
    ],
    [
      'a signature that is not DER',
      (e: DsseEnvelope) => ({ ...e, signatures: [{ ...e.signatures[0]!, sig: 'AAAA' }] }),
    ],
    [
      'another keyid',
      (e: DsseEnvelope) => ({ ...e, signatures: [{ ...e.signatures[0]!, keyid: 'f'.repeat(64) }] }),
    ],
    ['no signature', (e: DsseEnvelope) => ({ ...e, signatures: [] })],
    ['a payload that is not base64', (e: DsseEnvelope) => ({ ...e, payload: 'not base64!' })],
    ['a missing payloadType', (e: DsseEnvelope) => ({ payload: e.payload, signatures: e.signatures })],
  ])('rejects %s with a reason', async (_name, mutate) => {
    // Prepare
    const { envelope, spki } = await signed();

    // Act
    const result = verifyEnvelope(mutate(envelope), spki);

    // Assess
    expect(result).toEqual({ ok: false, reason: expect.any(String) });
  });

  test('rejects a genuine envelope checked against another key', async () => {
    // Prepare
    const { envelope } = await signed();
    const other = await LocalSigner.inMemory().publicKeySpkiDer();

    // Act / Assess
    expect(verifyEnvelope(envelope, other).ok).toBe(false);
  });

  test('rejects an unexpected payload type before any signature check', async () => {
    // Prepare
    const { envelope, spki } = await signed();

    // Act
    const result = verifyEnvelope(envelope, spki, { payloadType: 'application/vnd.in-toto+json' });

    // Assess
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('payloadType') });
  });

  test('accepts when one of several signatures is by the key', async () => {
    // Prepare
    const { envelope, spki } = await signed();
    const foreign = await signEnvelope(DECISION_PAYLOAD_TYPE, payload, LocalSigner.inMemory());
    const both = { ...envelope, signatures: [...foreign.signatures, ...envelope.signatures] };

    // Act / Assess
    expect(verifyEnvelope(both, spki).ok).toBe(true);
  });

  test('refuses a public key that is not P-256', async () => {
    // Prepare
    const { envelope } = await signed();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'der',
      type: 'spki',
    });
    const forged = { ...envelope, signatures: [{ ...envelope.signatures[0]!, keyid: keyIdOf(rsa) }] };

    // Act
    const result = verifyEnvelope(forged, rsa);

    // Assess
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('P-256') });
  });
});
