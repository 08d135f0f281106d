import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { concluded } from './value-fixtures.js';

/*
 * `dora.window` and `doraOverTime.window` describe the same window the same way: `days`, what a per-day rate is
 * counted over (at least one), and `spanDays`, how long the window is.
 */
describe('the DORA windows', () => {
  test('agree on days and span for a window shorter than a day', () => {
    const intents = [
      concluded({ intentId: 'a', concludedAt: '2026-11-04T15:00:00.000Z' }),
      concluded({ intentId: 'b', concludedAt: '2026-11-04T16:19:00.000Z' }),
    ];

    const { dora, doraOverTime } = valueAnswer(intents, {});

    expect(dora.window).toMatchObject({ days: 1, spanDays: 79 / 1440 });
    expect(doraOverTime.window).toMatchObject({ days: 1, spanDays: 79 / 1440 });
  });

  test('agree for a window of several days', () => {
    const intents = [concluded({ intentId: 'a', concludedAt: '2026-11-04T15:00:00.000Z' })];

    const { dora, doraOverTime } = valueAnswer(intents, { since: '2026-11-01', until: '2026-11-08' });

    expect(dora.window).toMatchObject({ days: 7, spanDays: 7 });
    expect(doraOverTime.window).toMatchObject({ days: 7, spanDays: 7 });
  });
});
