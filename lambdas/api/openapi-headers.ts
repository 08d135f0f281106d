/**
 * The response headers the API answers with, as the OpenAPI document declares them (`openapi.ts`). Each is named
 * where the server sets it: `Location` (`locationOf`), `Link` (the pages of `list-intents.ts`, `export-ledger.ts`),
 * `Idempotent-Replayed` (`idempotency.ts`), `WWW-Authenticate` (`http.ts`), `Allow` (`methodNotAllowed`),
 * `Accept-Post` and `Accept-Encoding` (`conventions.ts`), `Retry-After` (429, 503, an idempotent 409).
 */
const text = { type: 'string' };

export const responseHeaders = {
  Location: {
    description: 'the path of what the answer names (under the stage on API Gateway)',
    schema: text,
  },
  Link: {
    description: 'the next page, `<…>; rel="next"`, while more follow; absent on the last page',
    schema: text,
  },
  'Retry-After': {
    description: 'seconds to wait before sending the request again',
    schema: text,
  },
  'Idempotent-Replayed': {
    description:
      'true when this is the answer to an earlier request with the same Idempotency-Key, replayed: nothing ran again',
    schema: { type: 'string', enum: ['true'] },
  },
  'WWW-Authenticate': {
    description: 'the scheme to authenticate with (AWS4-HMAC-SHA256 on API Gateway, Bearer on itv serve)',
    schema: text,
  },
  Allow: { description: 'the methods the path takes', schema: text },
  'Accept-Post': {
    description: 'application/json: sent when the body was of another media type',
    schema: text,
  },
  'Accept-Encoding': {
    description: 'identity: sent when the body was compressed (a Content-Encoding other than identity)',
    schema: text,
  },
} as const;

export type ResponseHeader = keyof typeof responseHeaders;

/** The declarations of `names`, or nothing when there are none (an answer with no headers of note). */
export function headersOf(names: readonly ResponseHeader[]): { headers?: Record<string, unknown> } {
  if (names.length === 0) return {};
  return { headers: Object.fromEntries(names.map((name) => [name, responseHeaders[name]])) };
}
