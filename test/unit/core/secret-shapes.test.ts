import { saltedDigest } from '../../../lambdas/core/intake/secret-scan.js';
import { walkJson } from '../../../lambdas/core/intake/walk-json.js';

/*
 * The shapes a secret arrives in besides a string under a credential key: a list or an object under one, a key
 * in the plural, a header pasted into free text, invisible characters inside a key id. Each is found where it
 * sits, and its digest is of the secret itself, so whoever holds the secret can confirm which one it was.
 */

const salt = '7be0727b81c6ea89';
const found = (value: unknown) =>
  walkJson(value, salt).secrets.map(({ rule, path, sha256 }) => ({ rule, path, sha256 }));

describe('what a credential-named key holds', () => {
  test('a list or an object under it holds credentials, at any depth', () => {
    expect(
      found({
        password: ['ArrS1ngularPw0rd'],
        db: { password: { value: 'ObjV4luePassw0rd', previous: ['0ldV4luePassw0rd'] } },
      }),
    ).toEqual([
      { rule: 'itv:credential-key', path: 'password.0', sha256: saltedDigest(salt, 'ArrS1ngularPw0rd') },
      {
        rule: 'itv:credential-key',
        path: 'db.password.value',
        sha256: saltedDigest(salt, 'ObjV4luePassw0rd'),
      },
      {
        rule: 'itv:credential-key',
        path: 'db.password.previous.0',
        sha256: saltedDigest(salt, '0ldV4luePassw0rd'),
      },
    ]);
  });

  test('a key in the plural names credentials too', () => {
    expect(
      found({ passwords: 'PluralStr1ngPw0rd', apiKeys: ['k-1a2b3c4d5e'], tokens: { ci: 'x9y8z7' } }),
    ).toEqual([
      { rule: 'itv:credential-key', path: 'passwords', sha256: saltedDigest(salt, 'PluralStr1ngPw0rd') },
      { rule: 'itv:credential-key', path: 'apiKeys.0', sha256: saltedDigest(salt, 'k-1a2b3c4d5e') },
      { rule: 'itv:credential-key', path: 'tokens.ci', sha256: saltedDigest(salt, 'x9y8z7') },
    ]);
  });

  test('references to a store, numbers and booleans under it, and keys that only configure one, pass', () => {
    expect(
      found({
        password: { arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf', minLength: 12 },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference, as a configuration holds it.
        tokens: ['${CI_TOKEN}', 'ssm:/ci/token'],
        pin: { required: true },
        passwordPolicy: { strength: 'strong' },
        maxTokens: 1024,
      }),
    ).toEqual([]);
  });
});

describe('the digest names the secret, not the text around it', () => {
  test('a key id inside a title, a header value and an assigned value are each digested alone', () => {
    expect(
      found({
        title: 'Rotate the flag using AKIAZ7QXK3PLM4N5T6UV today',
        note: 'curl -H "Authorization: Bearer d41d8cd98f00b204d41d8cd98f00b204" worked',
        detail: 'db password=Sup3rS3cret! in the log',
        url: 'postgres://admin:Sup3rS3cret99@db.internal:5432/app',
      }),
    ).toEqual([
      { rule: 'aws-access-token', path: 'title', sha256: saltedDigest(salt, 'AKIAZ7QXK3PLM4N5T6UV') },
      {
        rule: 'itv:bearer-token',
        path: 'note',
        sha256: saltedDigest(salt, 'd41d8cd98f00b204d41d8cd98f00b204'),
      },
      { rule: 'itv:credential-assignment', path: 'detail', sha256: saltedDigest(salt, 'Sup3rS3cret!') },
      { rule: 'itv:url-credentials', path: 'url', sha256: saltedDigest(salt, 'Sup3rS3cret99') },
    ]);
  });
});

describe('free text', () => {
  test('an Authorization: Basic value pasted in is caught; the word Basic in prose is not', () => {
    // Act
    const pasted = found({ reason: "curl -H 'Authorization: Basic YWRtaW46QjRzaWNSZXYxZXdQdw==' worked" });
    const prose = found({
      a: 'Basic authentication is disabled on the admin endpoints',
      b: 'basic auth, BASIC mode, Basic dXNlcg== (a user name alone)',
    });
    // Assess
    expect(pasted).toEqual([
      {
        rule: 'itv:basic-authorization',
        path: 'reason',
        sha256: saltedDigest(salt, 'YWRtaW46QjRzaWNSZXYxZXdQdw=='),
      },
    ]);
    expect(prose).toEqual([]);
  });

  test('invisible characters and compatibility forms do not hide a key id in a value', () => {
    expect(
      found({
        a: 'AKIAZ7QX\u200bK3PLM4N5T6UY',
        b: 'ＡＫＩＡZ7QXK3PLM4N5T6UZ',
        c: 'AKIA\u2060Z7QXK3PLM4N5T6UW',
      }),
    ).toEqual([
      { rule: 'aws-access-token', path: 'a', sha256: saltedDigest(salt, 'AKIAZ7QXK3PLM4N5T6UY') },
      { rule: 'aws-access-token', path: 'b', sha256: saltedDigest(salt, 'AKIAZ7QXK3PLM4N5T6UZ') },
      { rule: 'aws-access-token', path: 'c', sha256: saltedDigest(salt, 'AKIAZ7QXK3PLM4N5T6UW') },
    ]);
  });
});
