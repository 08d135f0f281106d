import type { ConcludedIntent } from '../../../lambdas/core/value-report.js';

/** A released change of `launch-flags`/`feature-flag` worth $10/hour, overridden field by field. */
export const concluded = (over: Partial<ConcludedIntent>): ConcludedIntent => ({
  intentId: 'i',
  outcome: 'released',
  service: 'launch-flags',
  kind: 'feature-flag',
  tier: 1,
  tags: {},
  valuePerHourUsd: 10,
  costOfDelayUsd: 1,
  timeToValueSeconds: 600,
  concludedAt: '2026-11-02T09:00:00Z',
  restoreSeconds: null,
  employeeCount: null,
  growthModel: 'none',
  compoundedValuePerHourUsd: 10,
  ...over,
});
