import type { ComplianceDomain, Service } from '../catalog-schema.js';
import { daysInMonth, fromLocal, toLocal } from './zoned-time.js';

/** Change-freeze windows: absolute ISO intervals and recurring local-time windows, global or scoped. */

export type FreezeScope = 'all' | { services?: string[]; complianceDomains?: ComplianceDomain[] };

export type FreezeSchedule =
  /** A fixed interval [start, end). */
  | { type: 'absolute'; start: string; end: string }
  /** The last `days` days of every month, local midnight to local midnight. */
  | { type: 'monthly-last-days'; days: number }
  /** On the given weekdays (0 = Sunday), from `from` to `to` local time ("24:00" = end of day). */
  | { type: 'weekly'; weekdays: number[]; from: string; to: string };

export interface FreezeWindow {
  name: string;
  /** Why the freeze exists, in the requester's terms. */
  reason: string;
  appliesTo: FreezeScope;
  schedule: FreezeSchedule;
  /** Recurring windows run in this zone; the service's own time zone when absent. */
  timeZone?: string;
}

export interface ActiveFreeze {
  window: FreezeWindow;
  start: Date;
  end: Date;
}

export interface FreezeFinding {
  /** The first window that holds `now`. */
  active: ActiveFreeze;
  /** Every window crossed before changes are allowed again (back-to-back windows chain). */
  chain: ActiveFreeze[];
  /** The first instant at or after `now` that no applicable window holds. */
  nextAllowed: Date;
}

/** Whether a window's scope covers a service. */
export function appliesTo(window: FreezeWindow, service: Service): boolean {
  if (window.appliesTo === 'all') return true;
  const { services = [], complianceDomains = [] } = window.appliesTo;
  return (
    services.includes(service.name) || complianceDomains.some((d) => service.complianceDomains.includes(d))
  );
}

function hhmm(text: string): { hour: number; minute: number } {
  const [h, m] = text.split(':').map(Number);
  return { hour: h ?? 0, minute: m ?? 0 };
}

/** The occurrence of a window that holds `at`, if any. */
export function occurrenceAt(
  window: FreezeWindow,
  at: Date,
  serviceTimeZone: string,
): ActiveFreeze | undefined {
  const schedule = window.schedule;
  const zone = window.timeZone ?? serviceTimeZone;
  let start: Date;
  let end: Date;
  if (schedule.type === 'absolute') {
    start = new Date(schedule.start);
    end = new Date(schedule.end);
  } else if (schedule.type === 'monthly-last-days') {
    const local = toLocal(at, zone);
    const firstFrozenDay = daysInMonth(local.year, local.month) - schedule.days + 1;
    start = fromLocal({ year: local.year, month: local.month, day: firstFrozenDay }, zone);
    end = fromLocal({ year: local.year, month: local.month + 1, day: 1 }, zone);
  } else {
    const local = toLocal(at, zone);
    if (!schedule.weekdays.includes(local.weekday)) return undefined;
    const day = { year: local.year, month: local.month, day: local.day };
    start = fromLocal({ ...day, ...hhmm(schedule.from) }, zone);
    end = fromLocal({ ...day, ...hhmm(schedule.to) }, zone);
  }
  return at >= start && at < end ? { window, start, end } : undefined;
}

/**
 * Finds the freeze holding `now` for a service and the next instant changes are allowed, following chains of
 * adjacent or overlapping windows (e.g. Saturday then Sunday). Undefined when no window holds `now`.
 */
export function findFreeze(
  windows: readonly FreezeWindow[],
  service: Service,
  now: Date,
): FreezeFinding | undefined {
  const applicable = windows.filter((w) => appliesTo(w, service));
  const chain: ActiveFreeze[] = [];
  let cursor = now;
  // Bounded: a year of back-to-back daily windows is far beyond any sensible freeze calendar.
  for (let step = 0; step < 400; step++) {
    const holding = applicable
      .map((w) => occurrenceAt(w, cursor, service.timeZone))
      .filter((o): o is ActiveFreeze => o !== undefined);
    if (holding.length === 0) break;
    chain.push(...holding);
    cursor = new Date(Math.max(...holding.map((o) => o.end.getTime())));
  }
  const active = chain[0];
  return active ? { active, chain, nextAllowed: cursor } : undefined;
}
