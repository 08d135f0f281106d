import * as z from 'zod';

/**
 * Parameters that carry a credential rather than say which page: tokens and keys, the signatures of S3 and Google
 * Cloud Storage signed URLs, and session ids (Java's `;jsessionid=`, PHP's, ASP's). A link to a CI run needs none,
 * and the ledger keeps what it is given for good.
 */
const credentialParameter =
  /^(access[_-]?token|refresh[_-]?token|id[_-]?token|token|auth|password|passwd|pwd|secret|client[_-]?secret|api[_-]?key|key|sig|signature|x-(amz|goog)-(signature|credential|security-token)|j?sessionid|session[_-]?id|phpsessid|asp\.net_sessionid)$/i;

/** The names of a path's parameters (`/job;jsessionid=X/console`), as servlet containers read them. */
function pathParameterNames(pathname: string): string[] {
  return [...pathname.matchAll(/;([^;/=]+)=/g)].map(([, name]) => {
    try {
      return decodeURIComponent(name!);
    } catch {
      return name!; // a stray `%`: the name as written
    }
  });
}

/** The names of a fragment's `name=value` pairs (`#access_token=X&state=Y`), as an OAuth redirect leaves them. */
function fragmentParameterNames(hash: string): string[] {
  return hash.includes('=') ? [...new URLSearchParams(hash.slice(1)).keys()] : [];
}

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
  const places: Array<[string, string[]]> = [
    ['query', [...url.searchParams.keys()]],
    ['path', pathParameterNames(url.pathname)],
    ['fragment', fragmentParameterNames(url.hash)],
  ];
  for (const [place, names] of places) {
    const named = names.find((name) => credentialParameter.test(name));
    if (named !== undefined)
      return `must not carry a credential (${place} parameter "${named}"): the ledger keeps it for good`;
  }
  return undefined;
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
