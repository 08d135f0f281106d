import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalSigner } from '../../../../lambdas/adapters/local/local-signer.js';
import { spkiToPem } from '../../../../lambdas/core/evidence/pem.js';
import { canonicalBytes } from '../../../../lambdas/core/ledger/canonical-json.js';
import { type DsseEnvelope, envelopePayload } from '../../../../lambdas/core/signing/envelope.js';
import { signEnvelope } from '../../../../lambdas/core/signing/sign-envelope.js';

interface Statement {
  subject: { name: string; digest: { sha256: string } }[];
  predicate: { keyid: string };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A copy of the pulled bundle at `from`, written to `to`, with `intent.json` edited and everything re-signed with a
 * fresh P-256 key shipped as its `public-key.pem`: a forgery that agrees with itself, so only a pinned key tells.
 */
export async function forgeBundle(from: string, to: string): Promise<void> {
  cpSync(from, to, { recursive: true });
  const attacker = LocalSigner.inMemory();
  const file = (name: string) => join(to, name);
  writeFileSync(file('public-key.pem'), spkiToPem(await attacker.publicKeySpkiDer()));
  const intent = readFileSync(file('intent.json'), 'utf8');
  writeFileSync(file('intent.json'), intent.replace('"title":"', '"title":"Forged: '));
  const checkpoint = JSON.parse(readFileSync(file('checkpoint.json'), 'utf8')) as {
    checkpoint: unknown;
    envelope: DsseEnvelope;
  };
  const { payloadType } = checkpoint.envelope;
  const envelope = await signEnvelope(payloadType, envelopePayload(checkpoint.envelope), attacker);
  writeFileSync(file('checkpoint.json'), canonicalBytes({ ...checkpoint, envelope }));
  const manifest = JSON.parse(readFileSync(file('manifest.intoto.json'), 'utf8')) as DsseEnvelope;
  const statement = JSON.parse(Buffer.from(envelopePayload(manifest)).toString('utf8')) as Statement;
  statement.predicate.keyid = await attacker.keyId();
  for (const subject of statement.subject) subject.digest.sha256 = sha256(readFileSync(file(subject.name)));
  const signed = await signEnvelope(manifest.payloadType, canonicalBytes(statement), attacker);
  writeFileSync(file('manifest.intoto.json'), canonicalBytes(signed));
}
