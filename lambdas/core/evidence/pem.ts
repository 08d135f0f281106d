/** SPKI DER public key as PEM (`-----BEGIN PUBLIC KEY-----`, 64 base64 characters a line). */
export function spkiToPem(spkiDer: Uint8Array): string {
  const base64 = Buffer.from(spkiDer).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

/** SPKI DER bytes of a PEM public key; throws `TypeError` when the text is not one. */
export function pemToSpki(pem: string): Uint8Array {
  const match = pem.match(/-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/);
  if (!match) throw new TypeError('not a PEM public key (-----BEGIN PUBLIC KEY-----)');
  return new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64'));
}
