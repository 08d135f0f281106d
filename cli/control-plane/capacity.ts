import { InvalidInputError } from '../../lambdas/core/errors.js';

/** How many executions the control plane runs at once; over it, POST /intents and reviews answer 429. */
export const maxInFlightVariable = 'ITV_MAX_IN_FLIGHT';

/**
 * 8, measured (`npm run bench`, load section, 2 cores): an execution spends most of its wall time waiting — on
 * dynalite, on the clock, on its lane — and one that waits for its lane re-checks it, so executions beyond
 * what the lanes can release only add work: 40 intents over 4 services conclude in 50 s with 8 in flight and
 * take over 150 s with 32, at a higher peak of memory. 8 keep two cores busy; a caller refused meanwhile
 * waits Retry-After and loses nothing.
 */
export const defaultMaxInFlight = 8;

/** ITV_MAX_IN_FLIGHT, read once at start: a positive integer, else the control plane does not start. */
export function maxInFlightFrom(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[maxInFlightVariable];
  if (raw === undefined || raw === '') return defaultMaxInFlight;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(`${maxInFlightVariable} is not a limit`, [
      { path: maxInFlightVariable, message: `must be a positive integer, got "${raw}"` },
    ]);
  }
  return value;
}
