import { InvalidInputError } from '../lambdas/core/errors.js';

/**
 * The port `--port` names (0 picks a free one), or `fallback` without it; anything but a whole number from 0
 * to 65535 is refused naming the flag, before anything listens.
 */
export function portOption(text: string | undefined, fallback: number, command: string): number {
  if (text === undefined) return fallback;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (port <= 65535) return port;
  throw new InvalidInputError(`${command} needs a port to listen on`, [
    { path: '--port', message: `must be a whole number from 0 to 65535, not ${JSON.stringify(text)}` },
  ]);
}
