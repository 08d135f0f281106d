// A key whose last word names a credential: `password`, `dbPassword`, `api_key`, `githubToken`, `db_pass`,
// `passphrase`, `pin`, or their plurals (`passwords`, `apiKeys`), but not `tokenTtlSeconds` or `passwordMinLength`,
// which configure credentials without holding one. The words are detect-secrets' KeywordDetector's denylist (`db_?pass`, `key_?pass`, `(auth|service|account|db|
// database|priv|private|client)_?key`, …) with the short forms people write (`pass`, `pw`, `pin`).
const credentialKey =
  /(?:^|_)(?:password|passwd|passphrase|pass|pwd|pw|pin|secret|token|credentials?|api_?key|apikey|(?:auth|service|account|db|database|priv|private|client|access|signing|encryption)_?key|client_?secret|secret_?access_?key)s?$/;

// Values that point at a secret store instead of holding the secret.
const referencePatterns = [
  /^arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):/,
  /^\{\{resolve:(?:secretsmanager|ssm|ssm-secure):.+\}\}$/,
  /^\$\{[^}]+\}$/,
  /^(?:ssm|secretsmanager|vault):\/?\/?\S+$/,
];

/**
 * Letters of other scripts drawn like the Latin ones credential words are spelt with (Unicode's confusables,
 * UTS #39, for those letters): `pаssword` with a Cyrillic а names the same field to whoever reads it.
 */
const lookalikeLetters = 'аеорсухіјѕктвнмАЕОРСТХКВНМІЅαεορτκινυχΑΕΟΡΤΚΙΝΧ';
const latinLetters = 'aeopcyxijsktbhmAEOPCTXKBHMISaeoptkivuxAEOPTKINX';

/**
 * A key as read for its words: compatibility forms folded (NFKC: `ｐａｓｓｗｏｒｄ`), characters that show nothing
 * dropped (Unicode's format characters, category Cf: a zero-width space or joiner, a soft hyphen, a BOM), and
 * look-alike letters read as the Latin ones, so that `pass\u200bword` or `pаssword` is the credential key it
 * reads as.
 */
function normaliseKey(key: string): string {
  return key
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .replace(
      /[\u0370-\u03ff\u0400-\u04ff]/g,
      (letter) => latinLetters[lookalikeLetters.indexOf(letter)] ?? letter,
    )
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-.\s]+/g, '_')
    .toLowerCase();
}

/** Whether a key's last word names a credential (`dbPassword`, `api_key`, `tokens`), however it is spelt to the eye. */
export function namesCredential(key: string): boolean {
  return credentialKey.test(normaliseKey(key));
}

/** Whether a text held under a credential-named key is the credential itself: not empty, not a reference to a store. */
export function isLiteralCredential(value: string): boolean {
  const trimmed = value.trim();
  return trimmed !== '' && !referencePatterns.some((p) => p.test(trimmed));
}
