import type { Server } from 'node:http';
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

/**
 * Listens on 127.0.0.1 at `port` and answers the port bound. A port another process holds, or one this user may
 * not open, is refused naming `--port` and what to do, not answered with Node's `listen EADDRINUSE`.
 */
export function listenLocally(server: Server, port: number, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const refuse = (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? `127.0.0.1:${port} is in use by another process: choose another port with --port, or --port 0 for a free one`
          : error.code === 'EACCES'
            ? `127.0.0.1:${port} may not be opened by this user (ports below 1024 need privileges): choose one above 1023`
            : undefined;
      reject(
        why ? new InvalidInputError(`${command} cannot listen`, [{ path: '--port', message: why }]) : error,
      );
    };
    server.once('error', refuse);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', refuse);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
