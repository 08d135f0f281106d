import { defaultMaxInFlight, maxInFlightFrom } from '../../../cli/control-plane/capacity.js';
import type { ApiAnswer } from '../../../cli/control-plane/client.js';
import { honouringRetryAfter } from '../../../cli/control-plane/retry-after.js';
import { InvalidInputError } from '../../../lambdas/core/errors.js';

describe('ITV_MAX_IN_FLIGHT', () => {
  test('defaults when unset, and takes a positive integer', () => {
    expect(maxInFlightFrom({})).toBe(defaultMaxInFlight);
    expect(maxInFlightFrom({ ITV_MAX_IN_FLIGHT: '3' })).toBe(3);
  });

  test.each(['0', '-1', '2.5', 'many'])('refuses %s, naming the variable', (raw) => {
    expect(() => maxInFlightFrom({ ITV_MAX_IN_FLIGHT: raw })).toThrow(InvalidInputError);
    expect(() => maxInFlightFrom({ ITV_MAX_IN_FLIGHT: raw })).toThrow(/ITV_MAX_IN_FLIGHT/);
  });
});

describe('honouringRetryAfter', () => {
  const refused: ApiAnswer = { status: 429, body: { message: 'full' }, retryAfterSeconds: 0 };
  const taken: ApiAnswer = { status: 202, body: { intentId: 'i' } };

  test('sends again after each 429 until the request is taken, telling of the first wait only', async () => {
    const answers = [refused, refused, taken];
    const waits: number[] = [];
    const answer = await honouringRetryAfter(async () => answers.shift()!, {
      onWait: (seconds) => waits.push(seconds),
    });
    expect(answer).toBe(taken);
    expect(answers).toEqual([]);
    expect(waits).toHaveLength(1);
  });

  test('gives the 429 back once waiting would pass its budget', async () => {
    let sent = 0;
    const answer = await honouringRetryAfter(
      async () => {
        sent++;
        return { ...refused, retryAfterSeconds: 60 };
      },
      { budgetMs: 1000 },
    );
    expect([answer.status, sent]).toEqual([429, 1]);
  });

  test('sends again after a 503 that names a Retry-After (a review recorded whose resume failed)', async () => {
    const unavailable: ApiAnswer = { status: 503, body: { message: 'resume failed' }, retryAfterSeconds: 0 };
    const answers = [unavailable, taken];
    const answer = await honouringRetryAfter(async () => answers.shift()!);
    expect(answer).toBe(taken);
  });

  test('gives a 503 without Retry-After back at once', async () => {
    let sent = 0;
    const answer = await honouringRetryAfter(async () => {
      sent++;
      return { status: 503, body: {} };
    });
    expect([answer.status, sent]).toEqual([503, 1]);
  });
});
