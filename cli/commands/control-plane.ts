import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { maxInFlightFrom } from '../control-plane/capacity.js';
import { runningControlPlane } from '../control-plane/client.js';
import { currentOwner } from '../control-plane/home-owner.js';

/** `itv control-plane`: what commands start in the background; runs until idle or stopped. */
export async function controlPlaneCommand(options: { idle?: string }): Promise<number> {
  const seconds = Number(options.idle ?? 60);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    console.error(`--idle must be a positive number of seconds, got ${options.idle}`);
    return 1;
  }
  // Loaded here, not above: `control-plane stop` shares this module and needs none of the local stack.
  const { runControlPlane } = await import('../control-plane/server.js');
  return runControlPlane({ home: itvHome(), idleMs: seconds * 1000, maxInFlight: maxInFlightFrom() });
}

/** `itv control-plane stop`: asks the home's control plane to stop, and waits until it has. */
export async function stopCommand(options: { json?: boolean } = {}): Promise<number> {
  const home = itvHome();
  const client = await runningControlPlane(home);
  if (!client) {
    console.log(
      options.json ? JSON.stringify({ home, stopped: false }) : `no control plane runs for ${home}`,
    );
    return 0;
  }
  await client.call('POST', '/local/stop');
  const deadline = Date.now() + 60_000;
  while (currentOwner(home)?.pid === client.address.pid) {
    if (Date.now() > deadline) {
      console.error(`the control plane (pid ${client.address.pid}) did not stop within a minute`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.log(
    options.json
      ? JSON.stringify({ home, stopped: true, pid: client.address.pid })
      : `stopped the control plane for ${home} (pid ${client.address.pid})`,
  );
  return 0;
}
