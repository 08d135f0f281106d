import { contextFor, makeIntent } from '../../test/unit/core/fixtures.js';
import { securityNoLiteralSecrets as rule } from './security-no-literal-secrets.js';

const withPayload = (payload: Record<string, unknown>) =>
  makeIntent((d) => {
    d.change.payload = payload;
  });

describe(rule.name, () => {
  test('compliant: ordinary settings, credential-shaped names without credentials, and secret references', () => {
    const intent = withPayload({
      tokenTtlSeconds: 300,
      passwordMinLength: 12,
      enableToken: true,
      apiKey: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vendor-api-key-AbCdEf',
      webhook: { signingSecret: '{{resolve:secretsmanager:webhook-signing:SecretString:value}}' },
    });
    expect(rule.evaluate(contextFor(intent))).toMatchObject({ status: 'compliant', domain: 'security' });
  });

  test('non-compliant: an AWS access key id anywhere in the payload, by the rule set the door uses', () => {
    const result = rule.evaluate(
      contextFor(withPayload({ exporters: [{ keyId: `AKIA${'QWERTY234567ZXCV'}` }] })),
    );
    expect(result.status).toBe('non-compliant');
    expect(result.context.findings).toEqual([
      { path: 'change.payload.exporters[0].keyId', kind: 'aws-access-token' },
    ]);
  });

  test("compliant: AWS's documentation example key, which the door's rule set allows", () => {
    const result = rule.evaluate(contextFor(withPayload({ keyId: 'AKIAIOSFODNN7EXAMPLE' })));
    expect(result.status).toBe('compliant');
  });

  test('non-compliant: a private key block', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----';
    const result = rule.evaluate(contextFor(withPayload({ tls: { certificateChain: pem } })));
    expect(result.context.findings).toEqual([
      { path: 'change.payload.tls.certificateChain', kind: 'private-key' },
    ]);
  });

  test('non-compliant: literal values under password, secret and token keys, without echoing them', () => {
    const result = rule.evaluate(
      contextFor(
        withPayload({ db: { password: 'hunter2' }, client_secret: 's3cr3t-value', githubToken: 'abc123' }),
      ),
    );
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain('change.payload.db.password');
    expect(result.reason).toContain('change.payload.client_secret');
    expect(result.reason).toContain('change.payload.githubToken');
    expect(JSON.stringify(result)).not.toMatch(/hunter2|s3cr3t-value|abc123/);
    expect(result.remedy).toMatch(/Secrets Manager/);
  });
});
