/**
 * DSSE v1 pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, where LEN is
 * the ASCII decimal byte length. Signing PAE rather than the payload binds the payload type too.
 * Example: pae('t', 'hi') → "DSSEv1 1 t 2 hi".
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, 'utf8');
  return Buffer.concat([head, payload]);
}
