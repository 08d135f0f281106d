import * as z from 'zod';

/**
 * Query parameters that carry a credential rather than say which page: a link to a CI run needs none, and the
 * ledger keeps what it is given for good.
 */
const credentialParameter =
  /^(access[_-]?token|token|auth|password|passwd|pwd|secret|client[_-]?secret|api[_-]?key|key|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token)$/i;

/** Why a link to a CI run is refused for carrying a credential, or undefined when it carries none. */
export function credentialInUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined; // not a URL: the URL check names that
  }
  if (url.username !== '' || url.password !== '')
    return 'must not carry a user name or password (user:password@host): the ledger keeps it for good';
  const named = [...url.searchParams.keys()].find((name) => credentialParameter.test(name));
  return named === undefined
    ? undefined
    : `must not carry a credential (query parameter "${named}"): the ledger keeps it for good`;
}

/**
 * A link to a CI run or a test report, as an intent's test result and a check report hold it: http(s) only, so a
 * reader following it opens a page, never a script, and without a credential in it (the secret rules every body
 * meets catch known token formats, not these).
 */
export const runLinkSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .superRefine((value, ctx) => {
    const reason = credentialInUrl(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });
