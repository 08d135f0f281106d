import * as z from 'zod';

// DSSE accepts standard and URL-safe base64 when reading; itv writes standard base64.
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

export const dsseSignatureSchema = z.object({ keyid: z.string(), sig: base64.min(1) });

export const dsseEnvelopeSchema = z.object({
  payloadType: z.string().min(1),
  payload: base64,
  signatures: z.array(dsseSignatureSchema).min(1),
});

/** One DSSE signature: `sig` is base64 of an ASN.1 DER ECDSA P-256 signature over SHA-256(PAE). */
export type DsseSignature = z.infer<typeof dsseSignatureSchema>;

/** A DSSE v1 envelope (JSON serialisation of the DSSE spec). */
export type DsseEnvelope = z.infer<typeof dsseEnvelopeSchema>;

/** The payload bytes of an envelope, without checking any signature. */
export function envelopePayload(envelope: DsseEnvelope): Uint8Array {
  return Buffer.from(envelope.payload, 'base64');
}
