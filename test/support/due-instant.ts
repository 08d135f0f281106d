import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, testClockStart } from './run-itv.js';

/** The year-end freeze that holds every service (policies/freeze-windows.ts): a due instant must miss it. */
const freeze = { start: Date.parse('2026-12-21T00:00:00Z'), end: Date.parse('2027-01-04T08:00:00Z') };

/**
 * An instant about three hours after `now` that the policy set lets a low-risk flag change release at: three
 * hours on, or the first hour after the year-end freeze when those three hours fall inside it. For tests that run
 * on the wall clock, whatever the day.
 */
export function dueInstant(now: number): Date {
  const due = now + 3 * 3_600_000;
  return new Date(due >= freeze.start && due < freeze.end ? freeze.end + 3_600_000 : due);
}

/** `instant` rounded up to a whole second, as AdmitPolicy records `dueAt`: `2026-12-03T12:20:42Z`. */
export function dueAtText(instant: Date): string {
  return new Date(Math.ceil(instant.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * Writes alice's low-risk flag change (examples/01), dated when the home's clock starts (`testClockStart`) and asked
 * for `dueInstant` after it, as `name` in `home`.
 */
export function writeScheduledIntent(home: string, name: string): { file: string; due: Date } {
  const intent = JSON.parse(readFileSync(join(root, 'examples', '01-low-risk-flag.json'), 'utf8'));
  const due = dueInstant(Date.parse(testClockStart));
  const file = join(home, name);
  writeFileSync(
    file,
    JSON.stringify({
      ...intent,
      timestamp: new Date(testClockStart).toISOString(),
      constraints: { ...intent.constraints, notBefore: due.toISOString() },
    }),
  );
  return { file, due };
}
