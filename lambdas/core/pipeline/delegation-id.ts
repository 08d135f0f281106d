import { InvalidInputError } from '../errors.js';
import { principalIdSchema } from '../principals/principal-schema.js';

/**
 * A delegation granted at run time is kept under (grantee, grantor, expiry); its id says the same in one URL
 * path segment: `to~from~expiresAt`. Principal ids hold no `~`, so it splits back without ambiguity.
 *
 * @example delegationId({ to: 'oscar', from: 'nina', expiresAt: '2026-12-01T00:00:00.000Z' })
 *   // 'oscar~nina~2026-12-01T00:00:00.000Z'
 */
export function delegationId(delegation: { to: string; from: string; expiresAt: string }): string {
  return `${delegation.to}~${delegation.from}~${delegation.expiresAt}`;
}

/** The parts of a delegation id; `InvalidInputError` on `field` when it is not one. */
export function parseDelegationId(id: string, field = 'id'): { to: string; from: string; expiresAt: string } {
  const [to = '', from = '', expiresAt = '', ...rest] = id.split('~');
  const wellFormed =
    rest.length === 0 &&
    principalIdSchema.safeParse(to).success &&
    principalIdSchema.safeParse(from).success &&
    Number.isFinite(Date.parse(expiresAt));
  if (!wellFormed) {
    // Not echoed: the text is the caller's, of any length and any characters.
    throw new InvalidInputError('not a delegation id', [
      { path: field, message: 'must be GRANTEE~GRANTOR~EXPIRY, as granting the delegation answered' },
    ]);
  }
  return { to, from, expiresAt };
}
