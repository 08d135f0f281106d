import { namesCredential } from '../../../lambdas/core/intake/credential-key.js';
import { secretIn } from '../../../lambdas/core/intake/secret-scan.js';

/** Whether `key: value` is refused as a literal credential, as the door reads a value under a key. */
const holdsLiteralCredential = (key: string, value: string) =>
  secretIn(value, namesCredential(key))?.rule === 'itv:credential-key';

describe('a credential key, however it is spelt to the eye', () => {
  test('invisible characters, compatibility forms and look-alike letters do not hide a credential key', () => {
    for (const key of [
      'pass\u200bword', // a zero-width space
      'pass\u00adword', // a soft hyphen
      '\ufeffapi_key', // a BOM
      'db\u2060Password', // a word joiner
      'p\u0430ssword', // a Cyrillic а
      'T\u03bfken', // a Greek ο
      'ｐａｓｓｗｏｒｄ', // fullwidth forms
    ])
      expect({ key, holds: holdsLiteralCredential(key, 'Hunter2Hunter2x') }).toEqual({ key, holds: true });
  });

  test('keys that only configure credentials, and references to a store, still pass', () => {
    expect(holdsLiteralCredential('passwordMinLength', '12')).toBe(false);
    expect(holdsLiteralCredential('tokenTtlSeconds', '3600')).toBe(false);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference, as a configuration holds it.
    expect(holdsLiteralCredential('pass\u200bword', '${DB_PASSWORD}')).toBe(false);
    expect(holdsLiteralCredential('парольный', 'Hunter2Hunter2x')).toBe(false);
  });
});

describe('the words that name a credential', () => {
  test('detect-secrets’ keywords and the short forms people write are credential keys', () => {
    for (const key of [
      'passphrase',
      'pass',
      'db_pass',
      'DB_PASS',
      'dbPass',
      'pw',
      'pin',
      'credentials',
      'authKey',
      'service_key',
      'dbKey',
      'signingKey',
      'encryption-key',
    ])
      expect({ key, holds: holdsLiteralCredential(key, 'Sup3rS3cretValue99') }).toEqual({ key, holds: true });
  });

  test('words that only contain one, or configure one, are not', () => {
    for (const key of [
      'passenger',
      'bypass',
      'compass',
      'pinned',
      'spin',
      'passMark',
      'pinLength',
      'keyspace',
    ])
      expect({ key, holds: holdsLiteralCredential(key, 'Sup3rS3cretValue99') }).toEqual({
        key,
        holds: false,
      });
  });
});
