/**
 * Headers the CLI sends to its home's control plane: who it acts as and how it knows. Apart from the control
 * plane's authentication (`local-auth.ts`), so that a client loads neither the principals nor zod.
 */
export const localHeaders = {
  principal: 'x-itv-principal',
  namedBy: 'x-itv-named-by',
} as const;

/**
 * A header value as sent: percent-encoded UTF-8, since HTTP carries header values as Latin-1 and refuses
 * control characters, where a name typed after `--as` may hold any character (`ąlice`, a pasted line break).
 */
export function encodedHeader(value: string): string {
  return encodeURIComponent(value);
}

/** A header value as `encodedHeader` sent it; one that is not percent-encoding is taken as it came. */
export function decodedHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
