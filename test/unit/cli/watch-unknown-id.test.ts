import { jest } from '@jest/globals';
import type { ItvApi } from '../../../cli/api/itv-api.js';
import { watchIntent } from '../../../cli/commands/watch.js';
import type { ControlPlaneClient } from '../../../cli/control-plane/client.js';

/** A local control plane that has no intent `nope` and runs nothing for it. */
function nothingFor(running: boolean): { api: ItvApi; reads: string[]; stop: () => void } {
  let runs = running;
  const reads: string[] = [];
  const client = {
    async call(_method: string, path: string) {
      reads.push(path);
      if (path.includes('/progress'))
        return { status: 200, body: { events: [], running: runs, instance: 'i-1' } };
      return {
        status: 404,
        body: {
          error: 'NotFoundError',
          message: 'no intent nope',
          issues: [{ path: 'path.id', message: 'no intent nope' }],
        },
      };
    },
  };
  return {
    api: { kind: 'local', client: client as unknown as ControlPlaneClient, home: '/home/x' },
    reads,
    stop: () => {
      runs = false;
    },
  };
}

describe('itv watch of an id no intent has', () => {
  test('fails at once naming the id, exit 1, when nothing runs for it', async () => {
    const said = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { api } = nothingFor(false);
      const started = Date.now();
      const code = await watchIntent(api, 'nope', { json: false, tty: false });
      expect(code).toBe(1);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(said.mock.calls.flat().join('\n')).toMatch(/\bnope\b/);
    } finally {
      said.mockRestore();
    }
  });

  test('keeps reading while an execution for it runs and has not recorded its first entry yet', async () => {
    const env = process.env.ITV_POLL_MS;
    process.env.ITV_POLL_MS = '1';
    const said = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { api, reads, stop } = nothingFor(true);
      const watching = watchIntent(api, 'nope', { json: false, tty: false });
      const outcome = await Promise.race([
        watching,
        new Promise((resolve) => setTimeout(resolve, 200, 'still')),
      ]);
      expect(outcome).toBe('still');
      expect(reads.filter((path) => path === '/intents/nope').length).toBeGreaterThan(1);
      // The execution ends without recording anything: the watch ends too, naming the id.
      stop();
      expect(await watching).toBe(1);
    } finally {
      said.mockRestore();
      if (env === undefined) delete process.env.ITV_POLL_MS;
      else process.env.ITV_POLL_MS = env;
    }
  });
});
