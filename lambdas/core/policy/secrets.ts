import { holdsLiteralCredential } from '../intake/credential-key.js';
import { matchingRule } from '../intake/secret-scan.js';

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

function scan(value: unknown, path: string, findings: SecretFinding[]): void {
  if (typeof value === 'string') {
    const rule = matchingRule(value);
    if (rule) findings.push({ path, kind: rule.id });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      scan(item, `${path}[${i}]`, findings);
    });
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (holdsLiteralCredential(key, child)) {
        findings.push({ path: childPath, kind: `literal value for credential key "${key}"` });
        continue;
      }
      scan(child, childPath, findings);
    }
  }
}

/** Lists the paths in a value that hold secret-looking literals, as the door's rule set finds them. */
export function findSecrets(value: unknown, rootPath = ''): SecretFinding[] {
  const findings: SecretFinding[] = [];
  scan(value, rootPath, findings);
  return findings;
}
