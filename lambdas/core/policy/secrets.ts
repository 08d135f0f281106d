/** Detects secret-looking literals in a payload. Findings carry paths and kinds, never the values. */

export interface SecretFinding {
  path: string;
  kind: string;
}

const valuePatterns: Array<{ kind: string; pattern: RegExp }> = [
  { kind: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
  { kind: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { kind: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { kind: 'Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/ },
];

// A key whose last word names a credential: `password`, `dbPassword`, `api_key`, `githubToken`, but not
// `tokenTtlSeconds` or `passwordMinLength`, which configure credentials without holding one.
const credentialKey =
  /(?:^|_)(?:password|passwd|pwd|secret|token|api_?key|apikey|private_?key|access_?key|client_?secret|secret_?access_?key)$/;

// Values that point at a secret store instead of holding the secret.
const referencePatterns = [
  /^arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):/,
  /^\{\{resolve:(?:secretsmanager|ssm|ssm-secure):.+\}\}$/,
  /^\$\{[^}]+\}$/,
  /^(?:ssm|secretsmanager|vault):\/?\/?\S+$/,
];

function normaliseKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-.\s]+/g, '_')
    .toLowerCase();
}

function isReference(value: string): boolean {
  return referencePatterns.some((p) => p.test(value.trim()));
}

/**
 * Whether `key: value` holds a literal credential: the key's last word names one (`dbPassword`, `api_key`)
 * and the value is text that is not a reference to a secret store. The idea of detect-secrets'
 * KeywordDetector, applied to keys instead of source lines.
 */
export function holdsLiteralCredential(key: string, value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.trim() !== '' &&
    credentialKey.test(normaliseKey(key)) &&
    !isReference(value)
  );
}

function scan(value: unknown, path: string, findings: SecretFinding[]): void {
  if (typeof value === 'string') {
    for (const { kind, pattern } of valuePatterns) {
      if (pattern.test(value)) findings.push({ path, kind });
    }
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
      if (typeof child === 'string' && child.trim() !== '' && credentialKey.test(normaliseKey(key))) {
        if (!isReference(child))
          findings.push({ path: childPath, kind: `literal value for credential key "${key}"` });
        continue;
      }
      scan(child, childPath, findings);
    }
  }
}

/** Lists the paths in a value that hold secret-looking literals (AWS keys, private keys, credential keys). */
export function findSecrets(value: unknown, rootPath = ''): SecretFinding[] {
  const findings: SecretFinding[] = [];
  scan(value, rootPath, findings);
  return findings;
}
