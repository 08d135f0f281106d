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
    !referencePatterns.some((p) => p.test(value.trim()))
  );
}
