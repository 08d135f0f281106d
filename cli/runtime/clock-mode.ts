import type { VirtualClock } from '../../lambdas/adapters/local/virtual-clock.js';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import { DiscreteEventScheduler, type Scheduler, WallClockScheduler } from './event-scheduler.js';

/** `ITV_CLOCK=wall` runs waits in real time, to watch a rollout as AWS would run it; the default is virtual. */
export const clockVariable = 'ITV_CLOCK';

/**
 * `ITV_CLOCK_START=ISO-8601` starts a home's virtual clock at that instant, where it would start at now (never
 * before the ledger's last entry: time does not run back): to try a change as of a weekday afternoon on a
 * weekend, when freeze windows and business hours would refuse it, or to run a test whatever the day.
 */
export const clockStartVariable = 'ITV_CLOCK_START';

/** ITV_CLOCK_START, read when a control plane opens its home; undefined when unset. */
export function clockStartFrom(env: NodeJS.ProcessEnv = process.env): Date | undefined {
  const raw = env[clockStartVariable];
  if (raw === undefined || raw === '') return undefined;
  const at = new Date(raw);
  // An offset is required: without one, Date reads the instant in the machine's time zone.
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(raw) || Number.isNaN(at.getTime())) {
    throw new InvalidInputError(`${clockStartVariable} is not an instant`, [
      {
        path: clockStartVariable,
        message: `must be an ISO-8601 instant with an offset (Z or ±hh:mm), such as 2026-11-04T15:00:00Z, got "${raw}"`,
      },
    ]);
  }
  return at;
}

export type ClockMode = 'virtual' | 'wall';

/** ITV_CLOCK: "virtual" (the default, also when empty) or "wall"; anything else is refused naming it. */
export function clockModeFrom(env: NodeJS.ProcessEnv = process.env): ClockMode {
  const mode = env[clockVariable] || 'virtual';
  if (mode !== 'virtual' && mode !== 'wall') {
    throw new InvalidInputError(`${clockVariable} is not a clock mode`, [
      { path: clockVariable, message: `must be "virtual" or "wall", got "${mode}"` },
    ]);
  }
  return mode;
}

/** The scheduler for a local stack's clock, as ITV_CLOCK chooses. */
export function schedulerFor(clock: VirtualClock, env: NodeJS.ProcessEnv = process.env): Scheduler {
  return clockModeFrom(env) === 'wall' ? new WallClockScheduler(clock) : new DiscreteEventScheduler(clock);
}
