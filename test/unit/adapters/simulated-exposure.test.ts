import { exposureOf, metricValueAt } from '../../../lambdas/adapters/local/exposure.js';
import type { SimulatedDeployment } from '../../../lambdas/adapters/local/simulated-deployment.js';
import { strategyByName } from '../../../lambdas/core/release/strategies.js';

const startedAt = '2026-11-04T18:00:00.000Z';
const oneMinuteIn = Date.parse(startedAt) + 60_000;

function deployment(overrides: Partial<SimulatedDeployment>): SimulatedDeployment {
  return {
    deploymentId: 'deployment-1',
    intentId: 'int-1',
    service: 'launch-flags',
    environment: 'launch-flags-prod',
    profile: 'flags',
    description: 'int-1: a change',
    strategy: { ...strategyByName('itv.Immediate3MinuteBake') },
    content: { sha256: '0'.repeat(64), bytes: 2 },
    startedAt,
    monitors: [],
    fault: { metric: 'errorRate', value: 0.2, atPercent: 20 },
    ...overrides,
  };
}

describe('synthetic telemetry of a step of a stepped release', () => {
  test('a configuration on every target shows its fault on all traffic', () => {
    expect(metricValueAt([exposureOf(deployment({}))], 'errorRate', 0, oneMinuteIn)).toBeCloseTo(0.2);
  });

  test('a step exposing 25 % of users shows the fault on that share of traffic only', () => {
    const step = exposureOf(deployment({ exposurePercentage: 25 }));
    expect(metricValueAt([step], 'errorRate', 0, oneMinuteIn)).toBeCloseTo(0.05);
  });

  test('a fault that needs 20 % exposure stays hidden on a 10 % step, though every target has the step', () => {
    const step = exposureOf(deployment({ exposurePercentage: 10 }));
    expect(metricValueAt([step], 'errorRate', 0.01, oneMinuteIn)).toBeCloseTo(0.01);
  });
});
