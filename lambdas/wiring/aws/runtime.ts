import type { Clock, IdSource } from '../../ports/clock.js';

/** Wall-clock time and random ids: what `lambdas/core` receives on AWS instead of reading them itself. */
export const systemClock: Clock = { now: () => new Date(), account: () => ({ kind: 'wall' }) };
export const randomIds: IdSource = { next: (prefix) => `${prefix}-${crypto.randomUUID()}` };
