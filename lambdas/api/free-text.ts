import { randomBytes } from 'node:crypto';
import type * as z from 'zod';
import { findSecretIn, secretReason } from '../core/intake/secret-scan.js';

/**
 * A free-text field a person writes and the ledger or the state keeps (a review's, a stop's, a decision's or a
 * delegation's reason): refused, by the same rules as every string of an intent, when it holds a secret, since
 * what is recorded cannot be removed. The issue names the rule and a salted digest, never the literal.
 */
export function secretFree(text: z.ZodString): z.ZodString {
  return text.superRefine((value, ctx) => {
    const finding = findSecretIn(value, 'reason', randomBytes(8).toString('hex'));
    if (finding) ctx.addIssue({ code: 'custom', message: secretReason(finding) });
  });
}

/** Why a free text passed as a query parameter is refused, or undefined when it holds no secret. */
export function secretInText(text: string): string | undefined {
  const finding = findSecretIn(text, 'text', randomBytes(8).toString('hex'));
  return finding ? secretReason(finding) : undefined;
}
