import type { ItvApi } from '../../../cli/api/itv-api.js';
import { watchIntent } from '../../../cli/commands/watch.js';
import type { ControlPlaneClient } from '../../../cli/control-plane/client.js';
import { FollowStalledError, UnrecordedFailureError } from '../../../cli/control-plane/follow.js';

/** A local control plane on which nothing runs for the intent, its ledger stuck at `releasing`. */
function stuck(progress: Record<string, unknown>): ItvApi {
  const client = {
    async call(_method: string, path: string) {
      if (path.includes('/progress'))
        return { status: 200, body: { events: [], running: false, ...progress } };
      return {
        status: 200,
        body: { intentId: 'int-1', status: 'releasing', outcome: null, steps: [], reasons: [] },
      };
    },
  };
  return { kind: 'local', client: client as unknown as ControlPlaneClient, home: '/home/x' };
}

describe('itv watch / itv stop of an intent no execution runs', () => {
  const env = process.env.ITV_POLL_MS;
  beforeAll(() => {
    process.env.ITV_POLL_MS = '1';
  });
  afterAll(() => {
    if (env === undefined) delete process.env.ITV_POLL_MS;
    else process.env.ITV_POLL_MS = env;
  });

  test('an unrecorded failure ends the watch with what happened, the log and what to do', async () => {
    // Act
    const watching = watchIntent(
      stuck({
        unrecorded: { error: 'ENOSPC', attempts: 2, retryInSeconds: 10 },
        log: '/home/x/control-plane.log',
      }),
      'int-1',
      { json: true, tty: false },
    );

    // Assess
    await expect(watching).rejects.toBeInstanceOf(UnrecordedFailureError);
    await expect(watching).rejects.toThrow(/ENOSPC[\s\S]*control-plane\.log/);
  });

  test('an unsettled ledger with nothing running ends the watch after a bounded number of reads', async () => {
    const watching = watchIntent(stuck({}), 'int-1', { json: true, tty: false, stalledPolls: 3 });

    await expect(watching).rejects.toBeInstanceOf(FollowStalledError);
  });
});
