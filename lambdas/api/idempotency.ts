import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidInputError, VersionConflictError } from '../core/errors.js';
import { canonicalJson } from '../core/ledger/canonical-json.js';
import { stateKeys } from '../core/state-keys.js';
import type { StateItem, StateStore } from '../ports/state-store.js';
import { requestHeader } from './conventions.js';
import { problem } from './problem.js';

/**
 * `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header): a client that sends the same request again
 * with the same key — a retry after a timeout, a CI job re-run — gets the first answer again, and the request
 * runs once. Stored per authenticated caller and key in the state table for `idempotencyTtlSeconds`, with the
 * table's TTL attribute set, on API Gateway and on the local control plane alike (the same handlers).
 *
 * - The same key with the same request (method, path, query and body, the body compared as RFC 8785 JSON) answers
 *   the first answer: same status, same body, with `Idempotent-Replayed: true`.
 * - The same key with a different request is 422 naming the header (the draft's answer for a reused key).
 * - The same key while the first request is still being answered is 409 (the draft's answer), with Retry-After.
 * - A key that is not 1–255 characters of letters, digits and `-_.:~+/=` is 400 naming the header.
 * - An answer the client should retry (429, 5xx) is not kept: the same key runs the request again.
 */

export const idempotencyHeader = 'Idempotency-Key';
export const replayedHeader = 'idempotent-replayed';
export const idempotencyTtlSeconds = 24 * 3600;
const keyPattern = /^[A-Za-z0-9\-_.:~+/=]{1,255}$/;
/** How long a claim without an answer blocks its key: a request's longest run, then it is taken as lost. */
const claimSeconds = 120;

interface IdempotencyRecord {
  fingerprint: string;
  /** Epoch ms after which the record counts as gone (DynamoDB's TTL deletion lags). */
  expiresAt: number;
  /** Absent while the first request is being answered. */
  answer?: { statusCode: number; headers: Record<string, string>; body: string };
  claimedUntil: number;
}

/** The request's key, or undefined when it sent none; throws `InvalidInputError` naming the header. */
export function idempotencyKeyOf(event: Pick<APIGatewayProxyEvent, 'headers'>): string | undefined {
  const key = requestHeader(event, idempotencyHeader);
  if (key === undefined) return undefined;
  if (!keyPattern.test(key)) {
    throw new InvalidInputError(`invalid ${idempotencyHeader}`, [
      {
        path: idempotencyHeader,
        message: `must be 1–255 characters of letters, digits and -_.:~+/= (a UUID does), not ${JSON.stringify(key.slice(0, 40))}${key.length > 40 ? '…' : ''}`,
      },
    ]);
  }
  return key;
}

/** What makes two requests the same: method, path, query and the body as canonical JSON (else its bytes). */
function fingerprintOf(event: APIGatewayProxyEvent): string {
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  let body = raw;
  try {
    body = raw ? canonicalJson(JSON.parse(raw)) : '';
  } catch {
    // Not JSON: its bytes are what identify it (the handler refuses it, and that answer is kept).
  }
  const query = Object.entries(event.queryStringParameters ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256')
    .update(JSON.stringify([event.httpMethod, event.path, query, body]))
    .digest('hex');
}

/**
 * Runs `handle` at most once per (principal, key) while the record lives, answering repeats from the record.
 * `principal` is the authenticated caller; without a key the request simply runs.
 */
export async function onceForKey(
  event: APIGatewayProxyEvent,
  principal: string,
  state: StateStore,
  now: Date,
  handle: () => Promise<APIGatewayProxyResult>,
): Promise<APIGatewayProxyResult> {
  const key = idempotencyKeyOf(event);
  if (key === undefined) return handle();
  const fingerprint = fingerprintOf(event);
  const { pk, sk } = stateKeys.idempotency(principal, key);
  const at = now.getTime();
  const expiresAt = new Date(at + idempotencyTtlSeconds * 1000);
  for (;;) {
    const found = await state.get<IdempotencyRecord>(pk, sk);
    const record = found && found.data.expiresAt > at ? found.data : undefined;
    if (record && record.fingerprint !== fingerprint) {
      return problem(
        422,
        'IdempotencyKeyReusedError',
        `${idempotencyHeader} ${key} was used for a different request; send a new key for a new request`,
        {
          issues: [
            {
              path: idempotencyHeader,
              message: 'was used before with a different method, path, query or body',
            },
          ],
        },
      );
    }
    if (record?.answer) {
      const { statusCode, headers, body } = record.answer;
      return { statusCode, headers: { ...headers, [replayedHeader]: 'true' }, body };
    }
    if (record && record.claimedUntil > at) {
      return problem(
        409,
        'IdempotentRequestInProgressError',
        `a request with ${idempotencyHeader} ${key} is being answered; send it again in a moment for its answer`,
        { issues: [{ path: idempotencyHeader, message: 'its first request has not been answered yet' }] },
        { 'retry-after': '1' },
      );
    }
    // Claim the key: create it, or take over a record that expired or whose claim was lost.
    const claim: IdempotencyRecord = {
      fingerprint,
      expiresAt: expiresAt.getTime(),
      claimedUntil: at + claimSeconds * 1000,
    };
    let claimed: StateItem<IdempotencyRecord>;
    try {
      claimed = await state.put(pk, sk, claim, found?.version ?? 0, { expiresAt });
    } catch (error) {
      // Another request with the key claimed it first: answer as it says.
      if (error instanceof VersionConflictError) continue;
      throw error;
    }
    const answer = await handle();
    const keep = answer.statusCode !== 429 && answer.statusCode < 500;
    const settled: IdempotencyRecord = keep
      ? {
          ...claim,
          answer: {
            statusCode: answer.statusCode,
            headers: stringHeaders(answer.headers),
            body: answer.body,
          },
        }
      : { ...claim, claimedUntil: 0 };
    await state.put(pk, sk, settled, claimed.version, { expiresAt });
    return answer;
  }
}

function stringHeaders(headers: APIGatewayProxyResult['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}
