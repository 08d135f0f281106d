import { createHash } from 'node:crypto';
import { holdsLiteralCredential } from './credential-key.js';
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

/** The rule a text matches, if any. */
export function matchingRule(text: string): SecretRule | undefined {
  return secretRules.find(({ pattern, allow }) => {
    const match = pattern.exec(text);
    return match !== null && !(allow?.test(match[0]) ?? false);
  });
}

/** Salted SHA-256 of a literal: the salt keeps equal secrets apart across submissions and defeats lookup tables. */
export function saltedDigest(salt: string, literal: string): string {
  return createHash('sha256').update(salt).update('\u0000').update(literal).digest('hex');
}

/** One finding for a key or a value, or none. */
export function findSecretIn(
  text: string,
  path: string,
  salt: string,
  key?: string,
): SecretFinding | undefined {
  const rule =
    matchingRule(text)?.id ??
    (key !== undefined && holdsLiteralCredential(key, text) ? 'itv:credential-key' : undefined);
  return rule ? { rule, path, sha256: saltedDigest(salt, text), salt } : undefined;
}

/** Why a finding is refused: rule and digest, never the literal. */
export function secretReason(finding: SecretFinding): string {
  return `holds a secret (rule ${finding.rule}); refused and not stored. Salted SHA-256 ${finding.sha256} (salt ${finding.salt}) identifies it to whoever holds it. Put the secret in AWS Secrets Manager or SSM SecureString and reference it by ARN; rotate it if it was shared`;
}
