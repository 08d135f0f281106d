import { InvalidInputError } from '../lambdas/core/errors.js';
import type { IntentStatus } from '../lambdas/core/pipeline/status.js';
import { type ItvApi, ledgerOf } from './api/itv-api.js';
import { printApiError } from './control-plane/api-errors.js';
import { exitCodes } from './exit-codes.js';

/**
 * `--timeout DURATION` on a command that waits for an intent's outcome (`itv watch`, `itv submit`, `itv review`):
 * how long the command may wait, counted from its start, and the signal that says it is up.
 */
export interface FollowLimit {
  /** As typed, to be quoted back. */
  text: string;
  signal: AbortSignal;
}

const unitSeconds: Record<string, number> = { '': 1, s: 1, m: 60, h: 3_600, d: 86_400 };
/** The longest limit: 20 days, within what a timer can hold (2^31 - 1 ms, about 24.8 days). */
const maxSeconds = 20 * 86_400;

/** The limit `--timeout` sets, started now; undefined without one. A value that is not a duration is refused. */
export function followLimit(value: string | undefined): FollowLimit | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,7})([smhd]?)$/.exec(value);
  const seconds = match ? Number(match[1]) * unitSeconds[match[2]!]! : Number.NaN;
  if (!(seconds >= 1 && seconds <= maxSeconds)) {
    throw new InvalidInputError('--timeout must be a duration', [
      {
        path: '--timeout',
        message: `must be a whole number of seconds, or of minutes, hours or days followed by m, h or d (30s, 10m, 2h), from 1 s to 20 days (got ${JSON.stringify(value)})`,
      },
    ]);
  }
  return { text: value, signal: AbortSignal.timeout(seconds * 1000) };
}

/** A follow ended because its `--timeout` was reached: the command reports where the intent stands. */
export class FollowTimedOut extends Error {
  constructor() {
    super('--timeout reached');
    this.name = 'FollowTimedOut';
  }
}

/** Throws `FollowTimedOut` once `signal` (a `--timeout`'s) is up; a follow calls it before each read. */
export function stopIfTimedOut(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FollowTimedOut();
}

/** Waits `ms` between a follow's reads, ending early when `signal` (a `--timeout`'s) is up. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `follow` (which returns the command's exit code); when `limit` is reached first, prints where the intent
 * stands — with `json`, its status as `itv status --json` prints it (with `also` beside it); otherwise one line — and returns
 * `exitCodes.timedOut`. The intent is left as it is.
 */
export async function untilTimedOut(
  api: ItvApi,
  id: string,
  limit: FollowLimit | undefined,
  json: boolean,
  follow: () => Promise<number>,
  /** Fields printed beside the status with `json`, as the settled answer prints them (`duplicate`). */
  also: Record<string, unknown> = {},
): Promise<number> {
  try {
    return await follow();
  } catch (error) {
    if (!(limit && error instanceof FollowTimedOut)) throw error;
  }
  const answer = await api.client.call<IntentStatus>('GET', `/intents/${encodeURIComponent(id)}`);
  if (answer.status === 404) {
    console.error(`itv: no intent ${id} on ${ledgerOf(api)} yet after --timeout ${limit.text}`);
    return exitCodes.timedOut;
  }
  if (answer.status !== 200) {
    printApiError(answer);
    return exitCodes.timedOut;
  }
  const status = answer.body;
  console.log(
    json
      ? JSON.stringify({ ...status, ...also }, null, 2)
      : `${id} is still ${status.status}${status.rolloutPercentage === null ? '' : ` (rollout ${status.rolloutPercentage}%)`} after --timeout ${limit.text}: left as it is; \`itv watch ${id}\` follows it on`,
  );
  return exitCodes.timedOut;
}
