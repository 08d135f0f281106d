import { createHash } from 'node:crypto';
import { isLiteralCredential } from './credential-key.js';
import { type SecretRule, secretRules } from './secret-rules.js';

/**
 * A secret found in an intent, told without the secret: the rule that matched, where, and a salted SHA-256 of
 * the literal so whoever holds the secret can confirm which one it was (and rotate it), while nobody who reads
 * the record can recover or look it up. Findings are what the ledger, error answers and logs may carry.
 */
export interface SecretFinding {
  rule: string;
  path: string;
  /** `sha256(salt ‖ 0x00 ‖ literal)` in hex. */
  sha256: string;
  salt: string;
}

/** A text as the rules read it: compatibility forms folded (`ＡＫＩＡ`), characters that show nothing dropped. */
function asShown(text: string): string {
  return /[^\x20-\x7e]/.test(text) ? text.normalize('NFKC').replace(/\p{Cf}/gu, '') : text;
}

/** The rule a text matches, if any, and the secret it matched: the rule's `secret` group, or the whole match. */
export function secretMatch(text: string): { rule: SecretRule; literal: string } | undefined {
  const shown = asShown(text);
  for (const rule of secretRules) {
    const match = rule.pattern.exec(shown);
    if (match === null || (rule.allow?.test(match[0]) ?? false)) continue;
    const literal = match.groups?.secret ?? match[0];
    if (rule.confirm === undefined || rule.confirm(literal)) return { rule, literal };
  }
  return undefined;
}

/**
 * The secret a text holds, if any: a rule's match, or, for text held under a credential-named key (at any depth:
 * `password`, `password[0]`, `password.value`), the text itself unless it is a reference to a store.
 */
export function secretIn(
  text: string,
  heldByCredentialKey = false,
): { rule: string; literal: string } | undefined {
  const matched = secretMatch(text);
  if (matched !== undefined) return { rule: matched.rule.id, literal: matched.literal };
  return heldByCredentialKey && isLiteralCredential(text)
    ? { rule: 'itv:credential-key', literal: text }
    : undefined;
}

/** Salted SHA-256 of a literal: the salt keeps equal secrets apart across submissions and defeats lookup tables. */
export function saltedDigest(salt: string, literal: string): string {
  return createHash('sha256').update(salt).update('\u0000').update(literal).digest('hex');
}

/** One finding for a key or a value, or none; its digest is of the secret alone, not of the text around it. */
export function findSecretIn(
  text: string,
  path: string,
  salt: string,
  heldByCredentialKey = false,
): SecretFinding | undefined {
  const found = secretIn(text, heldByCredentialKey);
  return found ? { rule: found.rule, path, sha256: saltedDigest(salt, found.literal), salt } : undefined;
}

/** Why a finding is refused: rule and digest, never the literal. */
export function secretReason(finding: SecretFinding): string {
  return `holds a secret (rule ${finding.rule}); refused and not stored. Salted SHA-256 ${finding.sha256} (salt ${finding.salt}) identifies it to whoever holds it. Put the secret in AWS Secrets Manager or SSM SecureString and reference it by ARN; rotate it if it was shared`;
}
