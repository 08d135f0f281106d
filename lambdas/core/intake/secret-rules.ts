/**
 * The secret patterns the door refuses, a subset of the default rule set of gitleaks
 * (https://github.com/gitleaks/gitleaks, `config/gitleaks.toml`, MIT licence, copyright (c) 2019 Zachary
 * Rice), kept under gitleaks' rule ids so a finding can be looked up there. Go's RE2 syntax is rewritten for
 * JavaScript: inline `(?i)` becomes the `i` flag or explicit classes, and the trailing context groups become
 * lookaheads so only the secret is matched. Chosen: the credentials a change's configuration, tags or CI
 * output could plausibly carry. Keyword-keyed values (`password: …`) are covered separately, after
 * detect-secrets' KeywordDetector (`credential-keys.ts`). To add a rule, copy it from gitleaks with its id.
 */

export interface SecretRule {
  /** gitleaks' rule id, or `itv:…` for a rule of itv's own. */
  id: string;
  /** Where a pattern matches context too (`password=…`, `Bearer …`), its group `secret` is the secret itself. */
  pattern: RegExp;
  /** gitleaks' per-rule allowlist: a match that also matches this is not a secret (documentation examples). */
  allow?: RegExp;
  /** A last test of the secret a match holds: false, and the match is no secret. */
  confirm?: (secret: string) => boolean;
}

const end = String.raw`(?=[\x60'"\s;]|\\[nr]|$)`;

export const secretRules: readonly SecretRule[] = [
  {
    id: 'aws-access-token',
    // gitleaks' rule, bounded by any character that is not a letter or digit: `prod_AKIA…` holds a key id too.
    pattern: /(?<![A-Za-z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/,
    allow: /^.+EXAMPLE$/,
  },
  { id: 'private-key', pattern: /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/i },
  { id: 'github-pat', pattern: /ghp_[0-9a-zA-Z]{36}/ },
  { id: 'github-fine-grained-pat', pattern: /github_pat_\w{82}/ },
  { id: 'github-oauth', pattern: /gho_[0-9a-zA-Z]{36}/ },
  { id: 'github-app-token', pattern: /(?:ghu|ghs)_[0-9a-zA-Z]{36}/ },
  { id: 'github-refresh-token', pattern: /ghr_[0-9a-zA-Z]{36}/ },
  { id: 'gitlab-pat', pattern: /glpat-[\w-]{20}/ },
  { id: 'slack-bot-token', pattern: /xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*/ },
  { id: 'slack-user-token', pattern: /xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}/ },
  {
    id: 'slack-webhook-url',
    pattern: /(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,56}/,
  },
  {
    id: 'stripe-access-token',
    pattern: new RegExp(String.raw`\b(?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99}${end}`),
  },
  { id: 'gcp-api-key', pattern: new RegExp(String.raw`\bAIza[\w-]{35}${end}`) },
  { id: 'npm-access-token', pattern: new RegExp(String.raw`\bnpm_[a-z0-9]{36}${end}`, 'i') },
  { id: 'pypi-upload-token', pattern: /pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}/ },
  { id: 'anthropic-api-key', pattern: new RegExp(String.raw`\bsk-ant-api03-[a-zA-Z0-9_-]{93}AA${end}`) },
  {
    id: 'openai-api-key',
    pattern: new RegExp(
      String.raw`\b(?:sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})\b|sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20})${end}`,
    ),
  },
  { id: 'sendgrid-api-token', pattern: new RegExp(String.raw`\bSG\.[a-zA-Z0-9=_.-]{66}${end}`) },
  { id: 'twilio-api-key', pattern: /SK[0-9a-fA-F]{32}/ },
  { id: 'shopify-access-token', pattern: /shpat_[a-fA-F0-9]{32}/ },
  { id: 'age-secret-key', pattern: /AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}/ },
  {
    id: 'jwt',
    pattern: new RegExp(
      String.raw`\bey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9/\\_-]{17,}\.(?:[a-zA-Z0-9/\\_-]{10,}={0,2})?${end}`,
    ),
  },
  {
    // itv's own: the bearer token `itv token` issues (`cli/runtime/local-tokens.ts`), `itv_` and 32 random bytes
    // in base64url. Before credential-assignment, so `ITV_TOKEN=itv_…` is named by this, the more precise rule.
    id: 'itv:itv-token',
    pattern: /(?<![A-Za-z0-9])itv_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/,
  },
  {
    // itv's own: an Authorization header's value pasted in (`Authorization: Bearer …`, as curl -v or a log line
    // prints it), whatever issued the token. RFC 6750's token68 of 20 characters or more holding a letter and a
    // digit, as issued tokens do; the word in prose (`Bearer tokens are rotated`), a placeholder (`Bearer <token>`,
    // `Bearer $TOKEN`, `Bearer YOUR_TOKEN_HERE`) pass.
    id: 'itv:bearer-token',
    pattern: /\bbearer\s+(?<secret>(?=[\w.~+/-]*\d)(?=[\w.~+/-]*[a-z])[\w.~+/-]{20,})/i,
  },
  {
    // itv's own, after the bearer rule: HTTP Basic credentials pasted in (`Authorization: Basic YWRtaW46…`, RFC 7617:
    // base64 of `user:password`). Only a value that decodes to printable text with a password after its colon counts:
    // the word in prose (`Basic authentication is disabled`) and a user name alone pass.
    id: 'itv:basic-authorization',
    pattern: /\bbasic\s+(?<secret>[A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/i,
    confirm: (secret) => /^[\x20-\x7e]*:[\x20-\x7e]+$/.test(Buffer.from(secret, 'base64').toString('latin1')),
  },
  {
    // itv's own: the local control plane's credential as the CLI sends it (`Authorization: ItvLocal <secret>`,
    // `cli/control-plane/local-auth.ts`), which acts as any principal. The scheme word alone passes.
    id: 'itv:local-authorization',
    pattern: /\bItvLocal\s+(?<secret>[A-Za-z0-9_-]{20,})/i,
  },
  {
    // itv's own, for free text (a check's detail, a reason): a credential keyword assigned a value that holds a
    // letter and a digit (`password=Sup3rS3cret!`, `api_key: a1b2c3d4`), as a pasted log line or config line
    // carries one; prose (`the token: rotated weekly`) and references (`${DB_PASSWORD}`, an ARN) pass. The keyword
    // may follow `_` or `-` (`aws_secret_access_key=`, `DB_PASSWORD=`, `x-api-key:`), after which `\b` would not
    // match, but not a letter or digit (`mytoken=`, `keysecret_…`).
    id: 'itv:credential-assignment',
    pattern:
      /(?<![a-z0-9])(?:password|passwd|passphrase|pass|pwd|pw|secret(?:[_-]?key)?|token|api[_-]?key|access[_-]?key|client[_-]?secret|private[_-]?key)\s*[:=]\s*["']?(?<secret>(?=[^\s"',;]*\d)(?=[^\s"',;]*[a-z])[^\s"',;]{6,})/i,
    allow: /(?:arn:aws|\{\{resolve:|\$\{|(?:ssm|secretsmanager|vault):)/i,
  },
  {
    // itv's own, after detect-secrets' BasicAuthDetector: a URI whose userinfo holds a password
    // (`postgres://admin:Sup3rS3cret99@db.internal:5432/app`, `redis://:pass@cache`), wherever it is. A user name
    // alone (`ssh://git@host`), an empty password and a placeholder (`user:${DB_PASSWORD}@`, `user:****@`,
    // `user:<password>@`) pass.
    id: 'itv:url-credentials',
    pattern: /\b[a-z][a-z0-9+.-]{1,30}:\/\/[^\s/?#@:]*:(?<secret>[^\s/?#@]+)@[^\s/?#@]/i,
    allow: /:(?:\$\{[^}]*\}|\*+|x+|<[^>]*>|\{\{[^}]*\}\})@/i,
  },
  {
    // itv's own: the secret key line of an AWS credentials file or environment. AWS issues the key as 40 base64
    // characters that may hold no digit, which credential-assignment asks for.
    id: 'itv:aws-secret-access-key',
    pattern: new RegExp(
      String.raw`(?<![a-z0-9])aws_?secret_?access_?key\s*[:=]\s*["']?(?<secret>[A-Za-z0-9/+]{40})${end}`,
      'i',
    ),
  },
];
