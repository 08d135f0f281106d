import { jest } from '@jest/globals';
import { printStatus } from '../../../cli/commands/status.js';
import { realisedValuePerHour } from '../../../cli/format.js';
import type { IntentStatus } from '../../../lambdas/core/pipeline/status.js';

const status = (over: Partial<IntentStatus>): IntentStatus =>
  ({
    intentId: 'i-1',
    title: 'Enable flag',
    service: 'launch-flags',
    status: 'released',
    outcome: 'released',
    tier: 1,
    timeToValueSeconds: 600,
    valuePerHourUsd: 17.12,
    valuePerHourPerEmployeeUsd: null,
    reasons: [],
    steps: [],
    ...over,
  }) as IntentStatus;

describe('value per hour of an intent that did not release', () => {
  afterEach(() => jest.restoreAllMocks());

  test('reads as declared, not realised, unless the intent released', () => {
    expect(realisedValuePerHour(17.12, 'released')).toBe('$17.12');
    expect(realisedValuePerHour(17.12, 'rejected-policy')).toBe('$17.12 declared, not realised');
    expect(realisedValuePerHour(17.12, 'rolled-back')).toBe('$17.12 declared, not realised');
    expect(realisedValuePerHour(null, 'rolled-back')).toBe('-');
  });

  test('itv status says so for a rolled-back intent, and not for a released one', () => {
    // Prepare
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });

    // Act
    printStatus(
      status({ status: 'rolled-back', outcome: 'rolled-back', valuePerHourPerEmployeeUsd: 0.5 }),
      false,
    );
    printStatus(status({}), false);

    // Assess
    expect(lines).toContain(
      'value per hour $17.12, $0.50 per employee — declared, not realised (rolled-back)',
    );
    expect(lines).toContain('value per hour $17.12');
  });
});
