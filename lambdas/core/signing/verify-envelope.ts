import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { dsseEnvelopeSchema } from './envelope.js';
import { keyIdOf } from './key-id.js';
import { pae } from './pae.js';

export type EnvelopeVerification =
  | { ok: true; keyid: string; payloadType: string; payload: Uint8Array }
  | { ok: false; reason: string };

// Importing a key costs about three verifications; bundles verify many envelopes under one key.
const KEY_CACHE_LIMIT = 32;
const keyCache = new Map<string, KeyObject>();

function publicKeyFor(keyid: string, spkiDer: Uint8Array): KeyObject {
  const cached = keyCache.get(keyid);
  if (cached !== undefined) return cached;
  const key = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('public key is not an EC P-256 key');
  }
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(keyid, key);
  return key;
}

/**
 * Verifies a DSSE envelope (untrusted JSON) against one P-256 public key: some signature whose keyid is
 * that key's (or empty) must verify over PAE. Returns the authenticated payload, or the reason it failed.
 */
export function verifyEnvelope(
  envelope: unknown,
  publicKeySpkiDer: Uint8Array,
  options: { payloadType?: string } = {},
): EnvelopeVerification {
  const parsed = dsseEnvelopeSchema.safeParse(envelope);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `envelope is malformed: ${issue?.path.join('.') || '$'}: ${issue?.message}` };
  }
  const { payloadType, payload, signatures } = parsed.data;
  if (options.payloadType !== undefined && payloadType !== options.payloadType) {
    return { ok: false, reason: `payloadType is "${payloadType}", expected "${options.payloadType}"` };
  }
  const keyid = keyIdOf(publicKeySpkiDer);
  let key: KeyObject;
  try {
    key = publicKeyFor(keyid, publicKeySpkiDer);
  } catch (error) {
    return { ok: false, reason: `public key is unusable: ${(error as Error).message}` };
  }
  const candidates = signatures.filter((s) => s.keyid === keyid || s.keyid === '');
  if (candidates.length === 0) return { ok: false, reason: `no signature carries keyid ${keyid}` };
  const payloadBytes = Buffer.from(payload, 'base64');
  const message = pae(payloadType, payloadBytes);
  const verified = candidates.some((s) => {
    try {
      return verify('sha256', message, key, Buffer.from(s.sig, 'base64'));
    } catch {
      return false;
    }
  });
  if (!verified) return { ok: false, reason: `signature by keyid ${keyid} does not verify` };
  return { ok: true, keyid, payloadType, payload: payloadBytes };
}
