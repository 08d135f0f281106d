import { sampleIntent } from './api-convention-cases.js';

/** One request with headers, and its answer, as each target sends and reads it. */
export type SendWithHeaders = (
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string> },
) => Promise<{
  status: number;
  header(name: string): string | undefined | null;
  body: Record<string, unknown>;
}>;

/**
 * `Idempotency-Key` as a client meets it, the same on every target (the local API in
 * `test/integration/api/idempotency.test.ts`, API Gateway in `test/deployed/scenarios/api-conventions.test.ts`):
 * the first answer again for the same request, 422 for the key reused with another, 400 for a malformed key.
 * Returns what it saw, for the target's own checks of what was recorded.
 */
export async function idempotencyScenario(send: SendWithHeaders, now: Date, prefix: string) {
  const key = `${prefix}-7c0a2a7e-5a0b-4bde-9f55-1f4d8e1c2b33`;
  const json = { 'content-type': 'application/json' };
  const body = sampleIntent(now, { title: `Submitted once whatever the retries (${prefix})` });
  const first = await send('POST', '/intents', { body, headers: { ...json, 'Idempotency-Key': key } });
  // The same JSON with its members in another order is the same request (compared as RFC 8785 JSON).
  const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(body)).reverse()));
  const again = await send('POST', '/intents', {
    body: reordered,
    headers: { ...json, 'Idempotency-Key': key },
  });
  const other = await send('POST', '/intents', {
    body: sampleIntent(now, { title: `Another change under the same key (${prefix})` }),
    headers: { ...json, 'Idempotency-Key': key },
  });
  const malformed = await send('POST', '/intents', {
    body,
    headers: { ...json, 'Idempotency-Key': 'two words' },
  });
  const stopKey = `${prefix}-stop-1`;
  const stop = {
    body: JSON.stringify({ reason: 'never submitted' }),
    headers: { ...json, 'Idempotency-Key': stopKey },
  };
  const stopped = await send('POST', '/intents/never-submitted/stop', stop);
  const stoppedAgain = await send('POST', '/intents/never-submitted/stop', stop);
  return { first, again, other, malformed, stopped, stoppedAgain };
}

/** The checks every target makes of what the scenario saw. */
export function expectIdempotency(seen: Awaited<ReturnType<typeof idempotencyScenario>>): void {
  const { first, again, other, malformed, stopped, stoppedAgain } = seen;
  expect(first.status).toBe(202);
  expect(first.header('idempotent-replayed') ?? undefined).toBeUndefined();
  expect(again.status).toBe(first.status);
  expect(again.body).toEqual(first.body);
  expect(again.header('idempotent-replayed')).toBe('true');
  expect(again.header('location')).toBe(first.header('location'));
  expect(other.status).toBe(422);
  expect(other.body).toMatchObject({ error: 'IdempotencyKeyReusedError', status: 422 });
  expect(JSON.stringify(other.body.issues)).toContain('"path":"Idempotency-Key"');
  expect(malformed.status).toBe(400);
  expect(JSON.stringify(malformed.body.issues)).toContain('"path":"Idempotency-Key"');
  expect(stopped.status).toBe(404);
  expect(stoppedAgain.status).toBe(404);
  expect(stoppedAgain.header('idempotent-replayed')).toBe('true');
}
