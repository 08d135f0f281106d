import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ItvError } from '../../lambdas/core/errors.js';
import { exitCodes } from '../exit-codes.js';

/**
 * The exit code of a control plane that could not start (a malformed variable, a home it cannot open): its
 * starter reads it as an answer, not as a crash to recover from by starting another, which would fail the same
 * way (EX_CONFIG in sysexits.h).
 */
export const startFailedExitCode = exitCodes.controlPlaneNotStarted;

/** The control plane a command started could not start; the message carries what it said of why. */
export class ControlPlaneStartError extends ItvError {}

/** The log's size now: where what a control plane started next writes begins. */
export function logSize(logFile: string): number {
  try {
    return statSync(logFile).size;
  } catch {
    return 0;
  }
}

/** What the log gained from `offset` on (at most its last 4 KB), trimmed: a failed start's own words. */
export function logSince(logFile: string, offset: number): string {
  const size = logSize(logFile);
  const from = Math.max(offset, size - 4096);
  if (size <= from) return '';
  const buffer = Buffer.alloc(size - from);
  const fd = openSync(logFile, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, from);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8').trim();
}
