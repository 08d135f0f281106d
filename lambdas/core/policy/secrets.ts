import { namesCredential } from '../intake/credential-key.js';
import { secretIn } from '../intake/secret-scan.js';

/**
 * Detects secret-looking literals in a payload with the rule set the door screens every intent with
 * (`intake/secret-rules.ts`, gitleaks' patterns, and literal values under credential keys). Findings carry
 * paths and the rule, never the values.
 */

export interface SecretFinding {
  path: string;
  /** The rule that matched: a gitleaks rule id, or `literal value for credential key "…"`. */
  kind: string;
}

/** `heldBy`: the credential-named key the value sits under, at any depth (`password`, `password[0].value`). */
function scan(value: unknown, path: string, findings: SecretFinding[], heldBy?: string): void {
  if (typeof value === 'string') {
    const found = secretIn(value, heldBy !== undefined);
    if (found)
      findings.push({
        path,
        kind:
          found.rule === 'itv:credential-key' ? `literal value for credential key "${heldBy}"` : found.rule,
      });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      scan(item, `${path}[${i}]`, findings, heldBy);
    });
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      scan(child, childPath, findings, heldBy ?? (namesCredential(key) ? key : undefined));
    }
  }
}

/** Lists the paths in a value that hold secret-looking literals, as the door's rule set finds them. */
export function findSecrets(value: unknown, rootPath = ''): SecretFinding[] {
  const findings: SecretFinding[] = [];
  scan(value, rootPath, findings);
  return findings;
}
