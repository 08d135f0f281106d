import { InvalidInputError, issueText } from '../../lambdas/core/errors.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { runningControlPlane } from '../control-plane/client.js';
import { currentOwner, readAddress } from '../control-plane/home-owner.js';
import { ControlPlaneStartError, startFailedExitCode } from '../control-plane/start-failure.js';
import { positiveSeconds, startSettingsFrom } from '../control-plane/start-settings.js';
import { terminalText } from '../format.js';
import { printProblem, problemOf } from '../json-errors.js';
import { noSpaceAmongCauses } from '../no-space.js';

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
    const noSpace = noSpaceAmongCauses(failure);
    if (noSpace !== undefined) {
      const home = itvHome();
      console.error(`itv: cannot open the tables in ${home}: ${noSpace}`);
      console.error(
        `  free some space on the device that holds ITV_HOME (${home}), or set ITV_HOME to a folder on another device, then run the command again`,
      );
    } else if (failure instanceof InvalidInputError) {
      console.error(`itv: ${failure.message}`);
      for (const issue of failure.issues) console.error(`  ${issueText(issue)}`);
    } else {
      console.error(`itv: ${failure instanceof Error ? failure.message : String(failure)}`);
    }
    return startFailedExitCode;
  }
}

/**
 * `itv control-plane stop`: asks the home's control plane to stop, and waits until it has. One that runs but does
 * not answer (stopped with SIGSTOP, or stuck) is not "none": that fails naming its pid, as a service manager's
 * stop must see. One that holds the home with no address yet (starting) or no longer (stopping) is waited for.
 */
export async function stopCommand(options: { json?: boolean } = {}): Promise<number> {
  const home = itvHome();
  const deadline = Date.now() + 60_000;
  let client = await runningControlPlane(home);
  while (!client) {
    const unanswering = readAddress(home)?.pid;
    if (unanswering !== undefined) return unanswered(home, unanswering, options);
    const owner = currentOwner(home);
    if (owner?.kind !== 'control-plane') {
      console.log(
        options.json ? JSON.stringify({ home, stopped: false }) : `no control plane runs for ${home}`,
      );
      return 0;
    }
    if (Date.now() > deadline) return unanswered(home, owner.pid, options);
    await new Promise((resolve) => setTimeout(resolve, 100));
    client = await runningControlPlane(home);
  }
  const asked = await client.call<{ resumeAtNextStart?: unknown }>('POST', '/local/stop');
  const left = Array.isArray(asked.body.resumeAtNextStart)
    ? asked.body.resumeAtNextStart.filter((id): id is string => typeof id === 'string')
    : [];
  const stopDeadline = Date.now() + 60_000;
  while (currentOwner(home)?.pid === client.address.pid) {
    if (Date.now() > stopDeadline) {
      console.error(`itv: the control plane (pid ${client.address.pid}) did not stop within a minute`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.log(
    options.json
      ? JSON.stringify({ home, stopped: true, pid: client.address.pid, resumeAtNextStart: left })
      : `stopped the control plane for ${home} (pid ${client.address.pid})${
          left.length > 0
            ? `; left in flight, resumed at its next start: ${left.map((id) => terminalText(id)).join(', ')}`
            : ''
        }`,
  );
  return 0;
}

/** The home's control plane `pid` runs but did not answer: it was not asked to stop, which is this stop's failure. */
function unanswered(home: string, pid: number, options: { json?: boolean }): number {
  const why =
    `the control plane for ${home} (pid ${pid}) runs but did not answer, so it was not asked to stop: ` +
    `if it was stopped (SIGSTOP), \`kill -CONT ${pid}\` and run this again; ` +
    `\`kill -9 ${pid}\` ends it as a crash would (the next start resumes its executions)`;
  // A failure: under --json one problem object on stderr, as every error, and nothing on stdout.
  if (options.json)
    printProblem({ ...problemOf('ControlPlaneUnansweredError', why), home, stopped: false, pid });
  else console.error(`itv: ${why}`);
  return 1;
}
