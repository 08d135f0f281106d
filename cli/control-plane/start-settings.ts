import { InvalidInputError } from '../../lambdas/core/errors.js';
import { type ClockMode, clockModeFrom, clockStartFrom } from '../runtime/clock-mode.js';
import { maxInFlightFrom } from './capacity.js';

/** How long a control plane waits with nothing to do before it stops, unless `--idle` says otherwise. */
export const idleSecondsVariable = 'ITV_IDLE_SECONDS';
const defaultIdleSeconds = 60;

/** What a control plane reads from its environment when it starts. */
export interface StartSettings {
  clockMode: ClockMode;
  clockStart: Date | undefined;
  idleSeconds: number;
  maxInFlight: number;
}

/** ITV_IDLE_SECONDS: a positive number of seconds, 60 when unset. */
export function idleSecondsFrom(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[idleSecondsVariable];
  if (raw === undefined || raw === '') return defaultIdleSeconds;
  return positiveSeconds(raw, idleSecondsVariable);
}

/** A number of seconds given as `name` (a flag or a variable): positive, else refused naming it. */
export function positiveSeconds(raw: string, name: string): number {
  const seconds = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new InvalidInputError(`${name} is not a duration`, [
      { path: name, message: `must be a positive number of seconds, got "${raw}"` },
    ]);
  }
  return seconds;
}

/**
 * Every variable a control plane reads at start, each checked: read by the command that would start one as
 * well as by the control plane, so that a malformed one fails that command at once, naming the variable,
 * rather than a control plane that cannot start. Every bad variable is named, not only the first.
 */
export function startSettingsFrom(env: NodeJS.ProcessEnv = process.env): StartSettings {
  const issues: InvalidInputError[] = [];
  const read = <T>(from: () => T, fallback: T): T => {
    try {
      return from();
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      issues.push(error);
      return fallback;
    }
  };
  const settings: StartSettings = {
    clockMode: read(() => clockModeFrom(env), 'virtual'),
    clockStart: read(() => clockStartFrom(env), undefined),
    idleSeconds: read(() => idleSecondsFrom(env), defaultIdleSeconds),
    maxInFlight: read(() => maxInFlightFrom(env), 1),
  };
  const [first, ...others] = issues;
  if (first === undefined) return settings;
  if (others.length === 0) throw first;
  throw new InvalidInputError(
    `${issues.length} variables the control plane reads are not valid`,
    issues.flatMap((issue) => issue.issues),
  );
}
