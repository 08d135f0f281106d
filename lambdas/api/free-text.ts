import { randomBytes } from 'node:crypto';
import type * as z from 'zod';
import { controlCharacterReason } from '../core/intake/control-characters.js';
import { findSecretIn, secretReason } from '../core/intake/secret-scan.js';

/**
 * Why a free text a person writes and the ledger or the state keeps (a review's, a stop's, a decision's or a
 * delegation's reason, a check's detail) is refused, or undefined: by the same rules as every string of an
 * intent, when it holds a secret, since what is recorded cannot be removed (the reason names the rule and a
 * salted digest, never the literal); or when it holds a control character but a line break or a tab, since it
 * is shown on terminals and pages (`core/intake/control-characters.ts`).
 */
export function refusedText(text: string): string | undefined {
  const control = controlCharacterReason(text, true);
  if (control) return control;
  const finding = findSecretIn(text, 'text', randomBytes(8).toString('hex'));
  return finding ? secretReason(finding) : undefined;
}

/** A free-text field of a request body, refused as `refusedText` says. */
export function freeText(text: z.ZodString): z.ZodString {
  return text.superRefine((value, ctx) => {
    const reason = refusedText(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });
}

/** A one-line name of a request body (a role, a principal): no control character at all. */
export function oneLine(text: z.ZodString): z.ZodString {
  return text.superRefine((value, ctx) => {
    const reason = controlCharacterReason(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });
}
