import { createLocalRelease } from '../../../../lambdas/adapters/local/appconfig-simulator.js';
import type { SimulatedFault } from '../../../../lambdas/adapters/local/simulated-deployment.js';
import { VirtualClock } from '../../../../lambdas/adapters/local/virtual-clock.js';
import type { ServiceBaseline } from '../../../../lambdas/core/release/slo.js';
import { type StrategyName, strategyByName } from '../../../../lambdas/core/release/strategies.js';
import type { ReleaseRequest } from '../../../../lambdas/ports/releaser.js';
import { counterIds, MemoryStateStore } from './memory-state-store.js';

/** Minute-aligned, like CloudWatch's evaluation instants, so step and alarm times read plainly. */
export const t0 = new Date('2026-11-02T10:00:00.000Z');
export const minutes = (n: number) => n * 60_000;
export const at = (ms: number) => new Date(t0.getTime() + ms);

export const paymentsBaseline: ServiceBaseline = {
  errorRate: 0.001,
  latencyP99Ms: 200,
  availabilityObjective: 0.995,
  errorBudgetRemaining: 0.8,
};

/**
 * The local release side on a fresh in-memory store and a virtual clock at t0. `faults` holds the fault each
 * intent's release shows (read when it starts); `fault` puts one on `intent-1`, the intent of `releaseRequest`.
 */
export function localRelease(
  options: { store?: MemoryStateStore; noise?: number; fault?: SimulatedFault } = {},
) {
  const faults = new Map<string, SimulatedFault>(options.fault ? [['intent-1', options.fault]] : []);
  const store = options.store ?? new MemoryStateStore();
  const clock = new VirtualClock(t0);
  const stack = createLocalRelease({
    store,
    clock,
    ids: counterIds(),
    baselines: { payments: paymentsBaseline, search: { ...paymentsBaseline, latencyP99Ms: 80 } },
    ...(options.noise !== undefined ? { noise: options.noise } : {}),
    faults: async (intentId) => faults.get(intentId),
  });
  return { ...stack, store, clock, faults };
}

export function releaseRequest(
  strategy: StrategyName,
  overrides: Partial<ReleaseRequest> = {},
): ReleaseRequest {
  return {
    intentId: 'intent-1',
    service: 'payments',
    environment: 'payments-prod',
    profile: 'flags',
    content: { newCheckout: true },
    strategy: strategyByName(strategy),
    description: 'intent-1: enable new checkout',
    ...overrides,
  };
}

/** The catalog side of the `payments` service the releaser tests use: a free-form profile `flags`. */
export const paymentsServices = {
  payments: { profiles: { flags: { type: 'freeform' as const, contracts: { '1.0.0': {} } } } },
};
