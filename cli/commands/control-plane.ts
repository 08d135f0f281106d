import { InvalidInputError, issueText } from '../../lambdas/core/errors.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { runningControlPlane } from '../control-plane/client.js';
import { currentOwner } from '../control-plane/home-owner.js';
import { ControlPlaneStartError, startFailedExitCode } from '../control-plane/start-failure.js';
import { positiveSeconds, startSettingsFrom } from '../control-plane/start-settings.js';

/**
 * `itv control-plane`: what commands start in the background; runs until idle or stopped. One that cannot
 * start (a malformed variable, a home it cannot open) says why and exits `startFailedExitCode`, which tells
 * the command that started it not to start another.
 */
export async function controlPlaneCommand(options: { idle?: string }): Promise<number> {
  try {
    const settings = startSettingsFrom();
    const seconds =
      options.idle === undefined ? settings.idleSeconds : positiveSeconds(options.idle, '--idle');
    // Loaded here, not above: `control-plane stop` shares this module and needs none of the local stack.
    const { runControlPlane } = await import('../control-plane/server.js');
    return await runControlPlane({
      home: itvHome(),
      idleMs: seconds * 1000,
      maxInFlight: settings.maxInFlight,
      clockStart: settings.clockStart,
    });
  } catch (error) {
    const failure =
      error instanceof ControlPlaneStartError
        ? error.cause
        : error instanceof InvalidInputError
          ? error
          : undefined;
    if (failure === undefined) throw error;
    if (failure instanceof InvalidInputError) {
      console.error(`itv: ${failure.message}`);
      for (const issue of failure.issues) console.error(`  ${issueText(issue)}`);
    } else {
      console.error(`itv: ${failure instanceof Error ? failure.message : String(failure)}`);
    }
    return startFailedExitCode;
  }
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
      console.error(`itv: the control plane (pid ${client.address.pid}) did not stop within a minute`);
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
