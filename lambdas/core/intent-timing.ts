import type { Intent } from './intent.js';

/**
 * When an intent may release. Its timestamp τ says when the change is meant for, and `constraints.notBefore`
 * may ask for a later start: the later of the two, if it is ahead of the clock, is the instant the change is
 * due. Until then it is scheduled — declared, judged by the policy set as of that instant, and held without a
 * lane — and at that instant it is admitted like any other (`pipeline/admit-policy.ts`).
 */

/**
 * A timestamp up to this far ahead is the skew between a client's clock and itv's, not a schedule: the change
 * is due now.
 */
export const timestampSkewSeconds = 300;

/**
 * How far ahead a change may be scheduled. Within a Step Functions standard execution's one-year limit with a
 * wide margin, and beyond the change-freeze calendar nobody can judge a change against.
 */
export const schedulingHorizonDays = 90;

const dayMs = 86_400_000;

/** The instant the intent asks to release at, when that is ahead of `now`; undefined when it is due now. */
export function dueAt(intent: Intent, now: Date): Date | undefined {
  const stamped = Date.parse(intent.timestamp);
  const candidates = [
    stamped - now.getTime() > timestampSkewSeconds * 1000 ? stamped : Number.NEGATIVE_INFINITY,
    intent.constraints.notBefore ? Date.parse(intent.constraints.notBefore) : Number.NEGATIVE_INFINITY,
  ];
  // Rounded up to a whole second: the park that holds it (AwaitDue) times out after whole seconds, and a change
  // must not start before its time.
  const due = Math.ceil(Math.max(...candidates) / 1000) * 1000;
  return due > now.getTime() ? new Date(due) : undefined;
}

/** `2027-01-08T14:00:00Z`: the RFC 3339 form a Step Functions Wait's TimestampPath takes, without milliseconds. */
export function wholeSecondTimestamp(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What makes the intent's timing impossible to honour: refused at the door, before anything is written. */
export function timingIssues(intent: Intent, now: Date): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const horizon = now.getTime() + schedulingHorizonDays * dayMs;
  const beyond = (path: string, value: string) => {
    const days = Math.round((Date.parse(value) - now.getTime()) / dayMs);
    issues.push({
      path,
      message: `is ${value}, ${days} days after now (${now.toISOString()}): itv schedules a change at most ${schedulingHorizonDays} days ahead; submit it nearer its time`,
    });
  };
  if (Date.parse(intent.timestamp) > horizon) beyond('timestamp', intent.timestamp);
  const { notBefore, deadline } = intent.constraints;
  if (notBefore && Date.parse(notBefore) > horizon) beyond('constraints.notBefore', notBefore);
  const due = dueAt(intent, now);
  if (deadline && Date.parse(deadline) <= Date.parse(intent.timestamp)) {
    // Past or ahead, the timestamp says when the change is meant for: a deadline before it is a mistake in the
    // intent, refused here rather than recorded as an admission that could only reject it.
    issues.push({
      path: 'constraints.deadline',
      message: `is ${deadline}, not after the intent's timestamp (${intent.timestamp}), the instant the change is meant for: no release can meet it; set a deadline after it`,
    });
  } else if (deadline && due && Date.parse(deadline) <= due.getTime()) {
    issues.push({
      path: 'constraints.deadline',
      message: `is ${deadline}, not after the instant the change is due (${due.toISOString()}, from ${Date.parse(intent.timestamp) === due.getTime() ? 'timestamp' : 'constraints.notBefore'}): no release can meet it`,
    });
  }
  return issues;
}
