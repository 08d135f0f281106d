import { secretRules } from '../../../lambdas/core/intake/secret-rules.js';
import { secretMatch } from '../../../lambdas/core/intake/secret-scan.js';

/** The rule a text matches, if any. */
const matchingRule = (text: string) => secretMatch(text)?.rule;

/** Each vendored rule catches a sample shaped as its vendor issues them, and ordinary configuration passes. */
const samples: Record<string, string> = {
  'aws-access-token': `AKIA${'QWERTY234567ZXCV'}`,
  'private-key': `-----BEGIN OPENSSH PRIVATE KEY-----`,
  'github-pat': `ghp_${'a'.repeat(36)}`,
  'github-fine-grained-pat': `github_pat_${'A1'.repeat(41)}`,
  'github-oauth': `gho_${'b'.repeat(36)}`,
  'github-app-token': `ghs_${'c'.repeat(36)}`,
  'github-refresh-token': `ghr_${'d'.repeat(36)}`,
  'gitlab-pat': `glpat-${'e'.repeat(20)}`,
  'slack-bot-token': 'xoxb-1234567890-9876543210-AbCd',
  'slack-user-token': `xoxp-1234567890-1234567890-1234567890-${'f'.repeat(32)}`,
  'slack-webhook-url': `https://hooks.slack.com/services/${'T0'.repeat(22)}`,
  'stripe-access-token': `sk_live_${'g'.repeat(24)}`,
  'gcp-api-key': `AIza${'h'.repeat(35)}`,
  'npm-access-token': `npm_${'i'.repeat(36)}`,
  'pypi-upload-token': `pypi-AgEIcHlwaS5vcmc${'j'.repeat(60)}`,
  'anthropic-api-key': `sk-ant-api03-${'k'.repeat(93)}AA`,
  'openai-api-key': `sk-${'l'.repeat(20)}T3BlbkFJ${'m'.repeat(20)}`,
  'sendgrid-api-token': `SG.${'n'.repeat(66)}`,
  'twilio-api-key': `SK${'0a'.repeat(16)}`,
  'shopify-access-token': `shpat_${'ab'.repeat(16)}`,
  'age-secret-key': `AGE-SECRET-KEY-1${'Q'.repeat(58)}`,
  jwt: `eyJ${'o'.repeat(17)}.eyJ${'p'.repeat(17)}.${'q'.repeat(10)}`,
  'itv:credential-assignment': 'db password=Sup3rS3cret!',
  'itv:aws-secret-access-key': `aws_secret_access_key=${'wJalrXUtnFEMIKbPxRfiC'}${'YzQvLmNoPqRsTuVwXyZ'}`,
  'itv:itv-token': `itv_${'C12V-x_9'.repeat(5)}abc`,
  'itv:bearer-token': `Authorization: Bearer ${'d41d8cd98f00b204'.repeat(2)}`,
  'itv:local-authorization': `ItvLocal ${'cSaln4jRffS2Kv4B9jvy'}${'gov3JyLbtK5qNmw1qipCONo'}`,
  'itv:url-credentials': 'postgres://admin:Sup3rS3cret99@db.internal:5432/app',
  'itv:basic-authorization': `Authorization: Basic ${Buffer.from('admin:B4sicRev1ewPw').toString('base64')}`,
};

describe('the vendored secret rules', () => {
  test.each(secretRules.map((rule) => rule.id))('%s catches its sample', (id) => {
    const sample = samples[id];
    expect(sample).toBeDefined();
    expect(matchingRule(`value: ${sample}`)?.id).toBe(id);
  });

  test("the local control plane's scheme word, alone or with a placeholder, is no secret", () => {
    for (const text of ['ItvLocal', 'Authorization: ItvLocal <secret>', 'send ItvLocal $SECRET'])
      expect({ text, rule: matchingRule(text)?.id }).toEqual({ text, rule: undefined });
  });

  test('a password in a URI is caught; a user name alone, a port and placeholders pass', () => {
    for (const text of [
      'redis://:hunter2hunter2@cache:6379',
      'see https://ci:tok3n-value@build.example.com/job',
    ])
      expect({ text, rule: matchingRule(text)?.id }).toEqual({ text, rule: 'itv:url-credentials' });
    for (const text of [
      'ssh://git@github.com/org/repo',
      'https://example.com:8443/path@v2',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference, as a configuration holds it.
      'postgres://app:${DB_PASSWORD}@db:5432/app',
      'postgres://app:****@db:5432/app',
      'postgres://app:<password>@db:5432/app',
      'mailto:someone@example.com',
    ])
      expect({ text, rule: matchingRule(text)?.id }).toEqual({ text, rule: undefined });
  });

  test("AWS's documentation key is allowed, as gitleaks allows it", () => {
    expect(matchingRule('AKIAIOSFODNN7EXAMPLE')).toBeUndefined();
  });

  test('a credential assigned in free text is caught; prose about credentials and references to a store pass', () => {
    for (const text of [
      'connect failed: password=Sup3rS3cret! host=db1',
      'api_key: a1b2c3d4e5',
      'export CLIENT_SECRET="x9y8z7w6v5"',
      'token=ab12cd34ef',
    ]) {
      expect(matchingRule(text)?.id).toBe('itv:credential-assignment');
    }
    for (const text of [
      'the token: rotated weekly',
      'password: changed by the owner',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference, as a log line prints it.
      'password=${DB_PASSWORD}',
      'secret: arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-1a2b3c',
      'passwordMinLength=12',
      'tokenTtlSeconds: 3600',
    ]) {
      expect(matchingRule(text)).toBeUndefined();
    }
  });

  test('a credential keyword joined to a prefix by _ or - is caught: the AWS credentials file and env lines', () => {
    // 40 characters as AWS issues secret access keys; this one happens to hold no digit.
    const awsSecret = 'wJalrXUtnFEMIKbPxRfiCYzQvLmNoPqRsTuVwXyZ';
    for (const text of [
      `aws_secret_access_key=${awsSecret}`,
      `AWS_SECRET_ACCESS_KEY=${awsSecret}`,
      `aws_secret_access_key = ${awsSecret}`,
      'aws_secret_access_key=k9Jq2mZx7Lp0Wv4Rt8Yb3Nc6Hd1Fg5Sa0Ue2Io4P',
      'secret_key: k9Jq2mZx7Lp0',
      'x_api_key=a1b2c3d4e5f6',
      'x-api-key: a1b2c3d4e5f6',
      'DB_PASSWORD=Sup3rS3cret!',
      'github_token=ab12cd34ef56',
    ]) {
      expect({ text, rule: matchingRule(text)?.id }).toEqual({ text, rule: expect.any(String) });
    }
    expect(matchingRule('aws_access_key_id=AKIAQWERTY234567ZXCV')?.id).toBe('aws-access-token');
    // A key id glued to a word by `_` or `-`, as a name or a tag would hold it.
    expect(matchingRule('prod_AKIAQWERTYUIOPASDFGH')?.id).toBe('aws-access-token');
    expect(matchingRule('key-AKIAQWERTYUIOPASDFGH-old')?.id).toBe('aws-access-token');
    expect(matchingRule('xAKIAQWERTYUIOPASDFGH')).toBeUndefined();
    expect(matchingRule('db_pass=Sup3rS3cret99')?.id).toBe('itv:credential-assignment');
    expect(matchingRule('passphrase: Sup3rS3cret99')?.id).toBe('itv:credential-assignment');
    expect(matchingRule('aws_access_key_id=AKIAIOSFODNN7EXAMPLE')).toBeUndefined();
  });

  test('words that merely contain a credential keyword pass', () => {
    for (const text of [
      'mytoken=abc123def',
      'tokenizer=v2beta3',
      'secretary: room 101',
      'max_tokens=4096',
      'keysecret_rotation_days=90',
      'the aws_secret_access_key is in Secrets Manager',
      'aws_secret_access_key: see runbook 12',
      'aws_secret_access_key=arn:aws:secretsmanager:eu-west-1:123456789012:secret:ci-1a2b3c',
      'aws_secret_access_key=12345678901234567890123456789012345678901',
    ]) {
      expect({ text, rule: matchingRule(text)?.id }).toEqual({ text, rule: undefined });
    }
  });

  test("itv's own bearer token is caught wherever it sits in a text, but not a shorter or longer itv_ name", () => {
    // As `itv token` prints one: itv_ and 32 random bytes in base64url (43 characters).
    const token = `itv_${'hhJ2-_aZ09'.repeat(4)}xYz`;
    for (const text of [
      token,
      `my token is ${token}`,
      `ITV_TOKEN=${token}`,
      `"${token}"`,
      `curl -H 'x: ${token}'`,
    ]) {
      expect({ text, rule: matchingRule(text)?.id }).toEqual({ text, rule: 'itv:itv-token' });
    }
    for (const text of [
      'itv_home is set',
      `itv_${'a'.repeat(42)}`,
      `itv_${'a'.repeat(44)}`,
      'itv_token_file',
    ]) {
      expect({ text, rule: matchingRule(text)?.id }).toEqual({ text, rule: undefined });
    }
  });

  test('an Authorization header value pasted in is caught; the word Bearer in prose and placeholders pass', () => {
    for (const text of [
      `Authorization: Bearer ${'4f3c2b1a'.repeat(4)}`,
      `authorization: bearer abc123DEF456ghi789JKL0`,
      `-H "Authorization: Bearer ${'Zm9vYmFy'.repeat(3)}1=="`,
      `Bearer ${'x1y2z3'.repeat(4)}.sig-part_2~`,
    ]) {
      expect({ text, rule: matchingRule(text)?.id }).toEqual({ text, rule: 'itv:bearer-token' });
    }
    // itv's own token after Bearer is named by its own rule, the more precise one.
    expect(matchingRule(`Authorization: Bearer itv_${'hhJ2-_aZ09'.repeat(4)}xYz`)?.id).toBe('itv:itv-token');
    for (const text of [
      'Bearer',
      'send Authorization: Bearer <token>',
      'the API takes Bearer authentication only',
      'Bearer tokens are rotated every 90 days',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference, as a script prints it.
      'Authorization: Bearer ${ITV_TOKEN}',
      'Authorization: Bearer $ITV_TOKEN',
      'Bearer YOUR_TOKEN_GOES_HERE_PLEASE',
      'Bearer abc123',
      'the bearer of this note, 2026-11-04',
    ]) {
      expect({ text, rule: matchingRule(text)?.id }).toEqual({ text, rule: undefined });
    }
  });

  test('ordinary configuration matches no rule', () => {
    for (const text of [
      'dark-mode',
      'https://example.com/checkout',
      'int-f7902b860108912dd9a0',
      '2026-11-02T09:00:00Z',
    ]) {
      expect(matchingRule(text)).toBeUndefined();
    }
  });
});
