import type { Catalog } from '../lambdas/core/catalog-schema.js';
import { type Intent, inlineIntent } from '../lambdas/core/intent.js';
import { evaluatePolicy } from '../lambdas/core/policy/index.js';
import { defaultPolicySet } from '../policies/index.js';

/**
 * How long the demo runs in virtual time, with room to spare: its rollouts, bakes and the queued pair take about
 * two and a half hours.
 */
export const demoSpanMs = 4 * 3_600_000;

/** How finely the demo's span is checked: freeze windows and business hours open on the quarter hour or coarser. */
const spanStepMs = 15 * 60_000;

/**
 * The instant the demo runs at: now, unless an operational rule (a freeze window, business hours in a
 * service's time zone, …) would block one of the sample intents at some point of the demo's run
 * (`demoSpanMs`) — then the next whole hour, within `searchDays`, from which none does for the whole run. The
 * local runtime's clock is virtual and only moves forward, so the demo shows the same outcomes on a Saturday night,
 * two hours before a weekend freeze opens, or during the year-end freeze.
 */
export function demoStartInstant(
  now: Date,
  intents: readonly Intent[],
  catalog: Catalog,
  searchDays = 60,
): Date {
  const unblockedAt = (at: Date) =>
    intents.every((intent) => {
      const service = catalog.services[intent.change.service];
      if (!service) return true;
      return evaluatePolicy(
        { intent: inlineIntent(intent), service, catalog, now: at },
        defaultPolicySet.rules,
      ).failed.every((r) => r.domain !== 'operational');
    });
  const unblocked = (start: Date) => {
    for (let at = start.getTime(); at <= start.getTime() + demoSpanMs; at += spanStepMs) {
      if (!unblockedAt(new Date(at))) return false;
    }
    return true;
  };
  if (unblocked(now)) return now;
  const hour = 3_600_000;
  const firstHour = Math.ceil(now.getTime() / hour) * hour;
  for (let at = firstHour; at <= now.getTime() + searchDays * 24 * hour; at += hour) {
    if (unblocked(new Date(at))) return new Date(at);
  }
  return now;
}
