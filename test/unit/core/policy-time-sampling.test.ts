import { evaluateNotingTime } from '../../../lambdas/core/policy/evaluate.js';
import { releaseRun } from '../../../lambdas/core/policy/release-span.js';
import type { PolicyContext, PolicyRule } from '../../../lambdas/core/policy/types.js';
import { freezeWindowRule } from '../../../policies/rules/operational-freeze-window.js';
import { contextFor, makeIntent } from './fixtures.js';

const start = new Date('2026-11-04T15:00:00Z');
const minutes = (n: number) => new Date(start.getTime() + n * 60_000);

/**
 * A rule that counts its evaluations. `timed` makes it read the instant; `stopsFrom` also makes it refuse from that
 * minute on.
 */
function counting(
  name: string,
  options: { timed?: boolean; stopsFrom?: Date } = {},
): PolicyRule & { calls: number } {
  const { stopsFrom, timed = stopsFrom !== undefined } = options;
  const rule = {
    name,
    version: '1.0.0',
    domain: 'operational' as const,
    description: name,
    calls: 0,
    evaluate(ctx: PolicyContext) {
      rule.calls += 1;
      const instant = timed ? ctx.now : undefined;
      const stopped = stopsFrom !== undefined && instant !== undefined && instant >= stopsFrom;
      return {
        rule: name,
        domain: 'operational' as const,
        status: stopped ? ('non-compliant' as const) : ('compliant' as const),
        reason: stopped ? 'stopped' : 'fine',
        context: {},
      };
    },
  };
  return rule;
}

describe('evaluateNotingTime', () => {
  test('names the rules that read the instant, and only those', () => {
    // Prepare
    const timeless = counting('timeless');
    const timed = counting('timed', { stopsFrom: minutes(60) });
    const copying: PolicyRule = {
      ...counting('copying'),
      evaluate: (ctx) => ({ ...timeless.evaluate({ ...ctx }), rule: 'copying' }),
    };

    const after = counting('timeless-after');

    // Act: a timeless rule after timed ones is still timeless (what one rule read says nothing of the next).
    const evaluation = evaluateNotingTime(contextFor(makeIntent(), start), [timeless, timed, copying, after]);

    // Assess: a copy of the context reads `now` with the rest, so it counts as timed.
    expect(evaluation.timed.map((r) => r.name)).toEqual(['timed', 'copying']);
    expect(evaluation.verdict).toBe('allow');
    expect(evaluation.results.map((r) => r.rule)).toEqual(['timeless', 'timed', 'copying', 'timeless-after']);
  });

  test('a freeze calendar none of whose windows covers the service answers without the instant', () => {
    // Prepare: a calendar for another service, and one for every service.
    const elsewhere = freezeWindowRule('operational-freeze-elsewhere', [
      {
        name: 'elsewhere-launch',
        reason: 'launch',
        appliesTo: { services: ['no-such-service'] },
        schedule: { type: 'absolute', start: '2026-11-04T00:00:00Z', end: '2026-11-05T00:00:00Z' },
      },
    ]);
    const everywhere = freezeWindowRule('operational-freeze-everywhere', [
      {
        name: 'everywhere-launch',
        reason: 'launch',
        appliesTo: 'all',
        schedule: { type: 'absolute', start: '2026-11-04T00:00:00Z', end: '2026-11-05T00:00:00Z' },
      },
    ]);

    // Act
    const evaluation = evaluateNotingTime(contextFor(makeIntent(), start), [elsewhere, everywhere]);

    // Assess
    expect(evaluation.timed.map((r) => r.name)).toEqual(['operational-freeze-everywhere']);
    expect(evaluation.results.map((r) => r.status)).toEqual(['compliant', 'non-compliant']);
    expect(evaluation.results[0]?.reason).toMatch(/^no freeze window of this calendar covers /);
  });
});

describe('releaseRun samples only what time can change', () => {
  test('a rule that did not read the instant is asked once; a timed one every minute, and still stops the run', () => {
    // Prepare
    const timeless = counting('timeless');
    const timed = counting('timed', { stopsFrom: minutes(30) });

    // Act
    const run = releaseRun(contextFor(makeIntent(), start), [timeless, timed], start, minutes(45));

    // Assess
    expect(run.met?.at.toISOString()).toBe(minutes(30).toISOString());
    expect(run.met?.failed.map((r) => r.rule)).toEqual(['timed']);
    expect(timeless.calls).toBe(1);
    expect(timed.calls).toBe(31);
  });

  test('a run no rule stops is sampled to its end', () => {
    // Prepare
    const timeless = counting('timeless');
    const timed = counting('timed', { timed: true });

    // Act
    const run = releaseRun(contextFor(makeIntent(), start), [timeless, timed], start, minutes(10));

    // Assess
    expect(run.met).toBeUndefined();
    expect(timeless.calls).toBe(1);
    expect(timed.calls).toBe(11);
  });
});
