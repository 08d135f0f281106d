import type { VirtualClock } from '../../lambdas/adapters/local/virtual-clock.js';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import { DiscreteEventScheduler, type Scheduler, WallClockScheduler } from './event-scheduler.js';

/** `ITV_CLOCK=wall` runs waits in real time, to watch a rollout as AWS would run it; the default is virtual. */
export const clockVariable = 'ITV_CLOCK';

/** The scheduler for a local stack's clock, as ITV_CLOCK chooses. */
export function schedulerFor(clock: VirtualClock, env: NodeJS.ProcessEnv = process.env): Scheduler {
  const mode = env[clockVariable] ?? 'virtual';
  if (mode === 'wall') return new WallClockScheduler(clock);
  if (mode !== 'virtual') {
    throw new InvalidInputError(`${clockVariable} is not a clock mode`, [
      { path: clockVariable, message: `must be "virtual" or "wall", got "${mode}"` },
    ]);
  }
  return new DiscreteEventScheduler(clock);
}
