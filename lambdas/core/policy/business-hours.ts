import type { BusinessHours } from '../catalog-schema.js';
import { fromLocal, toLocal } from './zoned-time.js';

/** Working-hours arithmetic in a service's own time zone, so "09:00" means 09:00 where its team works. */

export interface BusinessHoursFinding {
  /** Whether `now` falls inside a working period. */
  open: boolean;
  /** The start of the working period holding `now`, or of the next one. */
  opensAt: Date;
  /** The end of that period. */
  closesAt: Date;
}

const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function hhmm(text: string): { hour: number; minute: number } {
  const [h, m] = text.split(':').map(Number);
  return { hour: h ?? 0, minute: m ?? 0 };
}

/**
 * The working period holding `now`, or the next one, scanning at most two weeks ahead.
 * Example: Mon–Fri 09:00–17:00 in America/New_York, Saturday noon → opens Monday 09:00 New York time.
 */
export function businessHoursAt(hours: BusinessHours, timeZone: string, now: Date): BusinessHoursFinding {
  const today = toLocal(now, timeZone);
  for (let offset = 0; offset < 15; offset++) {
    // Day overflow rolls over in fromLocal, so day + offset walks the calendar across month ends.
    const midnight = fromLocal({ year: today.year, month: today.month, day: today.day + offset }, timeZone);
    const local = toLocal(midnight, timeZone);
    if (!hours.weekdays.includes(local.weekday)) continue;
    const day = { year: local.year, month: local.month, day: local.day };
    const opensAt = fromLocal({ ...day, ...hhmm(hours.from) }, timeZone);
    const closesAt = fromLocal({ ...day, ...hhmm(hours.to) }, timeZone);
    if (now < closesAt) return { open: now >= opensAt, opensAt, closesAt };
  }
  throw new Error(`business hours ${describeBusinessHours(hours)} never open in ${timeZone}`);
}

/** "Mon–Fri 09:00–17:00"-style text for reasons and remedies. */
export function describeBusinessHours(hours: BusinessHours): string {
  const days = [...hours.weekdays].sort((a, b) => a - b);
  const contiguous = days.every((d, i) => i === 0 || d === (days[i - 1] ?? 0) + 1);
  const name = (d: number) => (weekdayNames[d] ?? '?').slice(0, 3);
  const dayText =
    contiguous && days.length > 2
      ? `${name(days[0] ?? 0)}–${name(days.at(-1) ?? 0)}`
      : days.map(name).join(', ');
  return `${dayText} ${hours.from}–${hours.to}`;
}

/** A local rendering such as "Monday 09:00 in America/New_York" for remedies. */
export function describeLocal(instant: Date, timeZone: string): string {
  const l = toLocal(instant, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${weekdayNames[l.weekday]} ${l.year}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)} in ${timeZone}`;
}
