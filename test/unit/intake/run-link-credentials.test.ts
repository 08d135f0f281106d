import { credentialInUrl } from '../../../lambdas/core/intake/run-link.js';

describe('a link to a CI run carries no credential', () => {
  test.each([
    [
      'a Google Cloud signed URL',
      'https://storage.googleapis.com/b/report.html?X-Goog-Signature=abc&X-Goog-Expires=60',
      'X-Goog-Signature',
    ],
    [
      'a Google Cloud credential',
      'https://storage.googleapis.com/b/r?X-Goog-Credential=svc%2F20261201',
      'X-Goog-Credential',
    ],
    ['a session in the query', 'https://ci.example.com/run/1?PHPSESSID=0123', 'PHPSESSID'],
    ['an OAuth refresh token', 'https://ci.example.com/run/1?refresh_token=r1', 'refresh_token'],
    ['an OAuth ID token', 'https://ci.example.com/run/1?id_token=t1', 'id_token'],
  ])('%s in the query is refused, naming the parameter', (_what, url, name) => {
    expect(credentialInUrl(url)).toBe(
      `must not carry a credential (query parameter "${name}"): the ledger keeps it for good`,
    );
  });

  test('a session in a path parameter (;jsessionid=) is refused', () => {
    expect(credentialInUrl('https://ci.example.com/job/build;jsessionid=0A1B2C/console')).toBe(
      'must not carry a credential (path parameter "jsessionid"): the ledger keeps it for good',
    );
  });

  test('a token in the fragment (#access_token=, as an OAuth redirect leaves it) is refused', () => {
    expect(credentialInUrl('https://ci.example.com/run/1#access_token=abc&state=x')).toBe(
      'must not carry a credential (fragment parameter "access_token"): the ledger keeps it for good',
    );
  });

  test('links to runs, pages and anchors pass', () => {
    for (const url of [
      'https://github.com/o/r/actions/runs/123?check_suite_focus=true',
      'https://ci.example.com/job/build/42/console#L10',
      'https://ci.example.com/run/1?attempt=2&session_length=3',
      'https://ci.example.com/a;v=1/b',
      'https://ci.example.com/a;%zz=1/b',
    ])
      expect(credentialInUrl(url)).toBeUndefined();
  });
});
