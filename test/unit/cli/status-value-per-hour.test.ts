import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { printStatus } from '../../../cli/commands/status.js';
import { declaredChange } from '../../../cli/declared-change.js';
import { realisedValuePerHour } from '../../../cli/format.js';
import type { IntentStatus } from '../../../lambdas/core/pipeline/status.js';
import type { LedgerEntry } from '../../../lambdas/ports/ledger-store.js';

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

  test('in flight, itv status names what changes and the value per hour its value model declares', () => {
    // Prepare: $87,600 over a year is $10.00 an hour, $2.50 for each of 4 employees.
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const example = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', '12-finance-close.json'), 'utf8'),
    ) as { goal: Record<string, unknown> };
    const content = {
      ...example,
      goal: {
        ...example.goal,
        valueModel: { basis: 'savings', totalValueUsd: 87_600, years: 1, employeeCount: 4 },
      },
    };
    const declared = { type: 'intent.declared', payload: { intent: content } } as unknown as LedgerEntry;

    // Act
    printStatus(
      status({ status: 'awaiting-review', outcome: null, valuePerHourUsd: null }),
      false,
      declaredChange([declared]),
    );

    // Assess
    expect(lines).toContain('change   ledger-close/close-checklist@1.0.0 (configuration)');
    expect(lines).toContain('value per hour $10.00, $2.50 per employee — declared');
    expect(lines.join('\n')).not.toContain('reconciliationToleranceUsd');
  });
});
