import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { concludedIntents } from '../../../lambdas/core/value-report.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';

/*
 * `team` attributes a change to the team its authority claims and the catalog checked (`authority.team`, as
 * `itv list --team` reads it), not to a free-text tag anybody may write; a tag named `team` is `tag:team`.
 */
const valueModel = { basis: 'productivity-gain', totalValueUsd: 87_600, years: 1 };
let seq = 0;
const entry = (intentId: string, type: string, timestamp: string, payload: unknown): StoredEntry =>
  ({ entry: { seq: seq++, intentId, type, timestamp, payload }, hash: 'h' }) as unknown as StoredEntry;

function change(id: string, team: string, tags: Record<string, string>): StoredEntry[] {
  return [
    entry(id, 'intent.declared', '2026-11-04T15:00:00Z', {
      intent: {
        goal: { outcome: id, metric: 'm', valueModel },
        authority: { requester: 'ana', team, role: 'engineer' },
        tags,
      },
    }),
    entry(id, 'intent.concluded', '2026-11-04T15:10:00Z', {
      outcome: 'released',
      valuePerHourUsd: 10,
      costOfDelayUsd: 1,
      timeToValueSeconds: 600,
      tags,
    }),
  ];
}

const intents = () =>
  concludedIntents([
    ...change('hiring', 'people', { team: 'finance' }),
    ...change('pager', 'sre', { team: 'support' }),
  ]);

describe('the team dimension', () => {
  test('groups by the authority’s team, whatever a tag says', () => {
    // Act
    const answer = valueAnswer(intents(), { by: 'team' });

    // Assess
    expect(answer.groups.map((g) => g.key)).toEqual([{ team: 'people' }, { team: 'sre' }]);
    expect(answer.knownDimensions).toContain('team');
    expect(answer.knownDimensions).toContain('tag:team');
  });

  test('a free-text tag named team is grouped by as tag:team, never merged with the authority’s team', () => {
    // Act
    const answer = valueAnswer(intents(), { by: 'team,tag:team' });

    // Assess
    expect(answer.groups.map((g) => g.key)).toEqual([
      { team: 'people', 'tag:team': 'finance' },
      { team: 'sre', 'tag:team': 'support' },
    ]);
  });

  test('an unknown tag: dimension is refused naming it', () => {
    expect(() => valueAnswer(intents(), { by: 'tag:region' })).toThrow(InvalidInputError);
  });
});
