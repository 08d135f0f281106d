import type { Catalog } from '../lambdas/core/catalog-schema.js';
import { type Intent, inlineIntent } from '../lambdas/core/intent.js';
import { evaluatePolicy } from '../lambdas/core/policy/index.js';
import { defaultPolicySet } from '../policies/index.js';

/**
 * The instant the demo runs at: now, unless an operational rule (a freeze window, business hours in a
 * service's time zone, …) would block one of the sample intents — then the next whole hour, within
 * `searchDays`, at which none does. The local runtime's clock is virtual and only moves forward, so the demo
 * shows the same five outcomes on a Saturday night or during the year-end freeze.
 */
export function demoStartInstant(
  now: Date,
  intents: readonly Intent[],
  catalog: Catalog,
  searchDays = 60,
): Date {
  const unblocked = (at: Date) =>
    intents.every((intent) => {
      const service = catalog.services[intent.change.service];
      if (!service) return true;
      return evaluatePolicy(
        { intent: inlineIntent(intent), service, catalog, now: at },
        defaultPolicySet.rules,
      ).failed.every((r) => r.domain !== 'operational');
    });
  if (unblocked(now)) return now;
  const hour = 3_600_000;
  const firstHour = Math.ceil(now.getTime() / hour) * hour;
  for (let at = firstHour; at <= now.getTime() + searchDays * 24 * hour; at += hour) {
    if (unblocked(new Date(at))) return new Date(at);
  }
  return now;
}
