import { nextAttempt } from '../../../cli/api/next-attempt.js';
import { retriedLine } from '../../../cli/commands/status.js';

/** An API answering `GET` from a table of paths, recording what was asked. */
function api(answers: Record<string, unknown>) {
  const asked: string[] = [];
  const get = async (path: string) => {
    asked.push(path);
    return path in answers ? { status: 200, body: answers[path] } : { status: 404, body: {} };
  };
  return { asked, get };
}

const declaredAfter = (previousIntentId: string, principal?: string) => ({
  intentId: 'int-2:attempt-2',
  outcome: null,
  entries: [
    {
      type: 'intent.declared',
      payload: {
        attempt: { number: 2, previousIntentId, ...(principal ? { retriedBy: { principal } } : {}) },
      },
    },
  ],
});

describe('the attempt that ran a concluded intent again', () => {
  test('is attempt n+1 when its declaration names this one, with who retried it', async () => {
    const { asked, get } = api({
      '/intents/int-2%3Aattempt-2?include=entries': declaredAfter('int-2', 'olga'),
    });
    const retried = await nextAttempt({ intentId: 'int-2', outcome: 'rolled-back' }, get);
    expect(retried).toEqual({ intentId: 'int-2:attempt-2', retriedBy: 'olga' });
    expect(asked).toEqual(['/intents/int-2%3Aattempt-2?include=entries']);
    expect(retriedLine(retried!)).toBe('retried  as int-2:attempt-2 by olga: itv status int-2:attempt-2');
  });

  test('is none while the intent runs, when no next attempt exists, or when it names another', async () => {
    const { asked, get } = api({ '/intents/int-2%3Aattempt-2?include=entries': declaredAfter('int-9') });
    expect(await nextAttempt({ intentId: 'int-2', outcome: null }, get)).toBeUndefined();
    expect(asked).toEqual([]);
    expect(await nextAttempt({ intentId: 'int-2', outcome: 'failed' }, get)).toBeUndefined();
    expect(await nextAttempt({ intentId: 'int-2:attempt-2', outcome: 'failed' }, get)).toBeUndefined();
  });

  test('a resubmission names nobody', async () => {
    const { get } = api({ '/intents/int-2%3Aattempt-2?include=entries': declaredAfter('int-2') });
    const retried = await nextAttempt({ intentId: 'int-2', outcome: 'rejected' }, get);
    expect(retriedLine(retried!)).toBe('retried  as int-2:attempt-2: itv status int-2:attempt-2');
  });
});
