import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { reconcileMonitors } from '../../lambdas/core/pipeline/reconcile-monitors.js';
import { openLocalStack } from '../../lambdas/wiring/local/local-stack.js';
import { buildIdentity } from '../build-identity.js';
import { schedulerFor } from '../runtime/clock-mode.js';
import { DiscreteEventScheduler } from '../runtime/event-scheduler.js';
import { ExecutionJournal } from '../runtime/execution-journal.js';
import { LocalExecutions } from '../runtime/local-executions.js';
import { LocalPipeline } from '../runtime/local-pipeline.js';
import { pipelineDefinition } from '../session.js';
import { localApi } from './api.js';
import { addressFile, claimHome, currentOwner, releaseHome, writeAddress } from './home-owner.js';
import { watchHome } from './home-watch.js';
import { controlPlaneAdmits, controlPlaneCaller } from './local-auth.js';
import { ProgressLog } from './progress-log.js';
import { ControlPlaneStartError } from './start-failure.js';

/** The exit of a control plane whose tables failed a write (EX_TEMPFAIL): the next command starts another. */
const storeFailedExitCode = 75;

export interface ControlPlaneOptions {
  home: string;
  /** Stops after this long with no request and no execution running. */
  idleMs: number;
  /** How many executions run at once; more requests to start one answer 429 (default: none). */
  maxInFlight?: number;
  /** Where a new home's clock starts (ITV_CLOCK_START); now when undefined. */
  clockStart?: Date | undefined;
  log?: (line: string) => void;
}

/**
 * The local control plane: the one process that owns an ITV_HOME's embedded stack — dynalite, the signer, the
 * simulators, the executions and the virtual clock — and answers the API on 127.0.0.1 for every `itv` command
 * and `itv serve`. Started on demand by the first command that needs it; stops when idle or asked to.
 * Resolves with 0 when it has stopped, or 1 at once if another process already owns the home.
 */
export async function runControlPlane(options: ControlPlaneOptions): Promise<number> {
  const { home, idleMs } = options;
  const log = options.log ?? ((line: string) => console.log(`${new Date().toISOString()} ${line}`));
  if (!claimHome(home, 'control-plane')) {
    const owner = currentOwner(home);
    log(`another process${owner ? ` (pid ${owner.pid})` : ''} owns ${home}; not starting`);
    return 1;
  }
  const watch = watchHome(home, log);
  try {
    const stack = await openLocalStack({
      home,
      clockStart: options.clockStart,
      beforeEvidenceWrite: watch.check,
      // A failed write leaves the tables' log torn: only opening them again (the next start) recovers what was
      // written whole. Ended at once, as a crash would: executions stay journaled, followers start the next one.
      onStoreFailure: (error) => {
        log(`${error.message}: the control plane exits so that the next start opens the tables again`);
        process.exit(storeFailedExitCode);
      },
    }).catch((error: unknown) => {
      throw new ControlPlaneStartError(`the stack in ${home} did not open`, { cause: error });
    });
    const progress = new ProgressLog();
    const scheduler = schedulerFor(stack.clock);
    const pipeline = new LocalPipeline(pipelineDefinition(), stack.deps, {
      scheduler,
      onProgress: (event) => progress.record(event),
      journal: new ExecutionJournal(stack.deps.state),
      // As the reconciler's rule does on AWS for an execution that ended FAILED.
      afterFailure: async () => {
        await reconcileMonitors(stack.deps, 'execution-ended');
      },
    });
    const executions = new LocalExecutions(
      pipeline,
      stack.deps.ledger,
      stack.deps.ledgerName,
      (error) =>
        log(`execution failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      options.maxInFlight,
    );
    // Executions that were running when an earlier control plane died carry on from where they were.
    // Progress of finished intents is kept for followers a while, then let go.
    const sweeper = setInterval(() => progress.sweep((id) => executions.isRunning(id)), 10_000);
    sweeper.unref();
    const recovered = await executions.recover(stack.deps.state, stack.deps.clock.now());
    if (recovered > 0) log(`resumed ${recovered} execution(s) an earlier control plane left running`);
    // An earlier control plane that died mid-release may have left a lane's monitors without alarm actions.
    await reconcileMonitors(stack.deps, 'control-plane-start').then(
      (lanes) => {
        const restored = lanes.filter((lane) => lane.outcome === 'restored');
        if (restored.length > 0) {
          log(`restored the alarm actions of ${restored.map((lane) => lane.environment).join(', ')}`);
        }
      },
      (error: unknown) =>
        log(`monitors not reconciled: ${error instanceof Error ? error.message : String(error)}`),
    );
    const secret = randomBytes(32).toString('base64url');
    const build = await buildIdentity();
    let stopRequested = false;
    let lastActivity = Date.now();
    let openRequests = 0;
    const api = localApi(stack, executions, {
      logFile: join(home, 'control-plane.log'),
      authenticate: controlPlaneCaller(home, secret),
      admit: controlPlaneAdmits(home, secret),
      local: {
        progress,
        instance: randomBytes(8).toString('hex'),
        secret,
        stop: () => (stopRequested = true),
        ...(build === undefined ? {} : { build }),
        ...(scheduler instanceof DiscreteEventScheduler
          ? { clockMode: 'virtual' as const, clockLoad: () => scheduler.load }
          : { clockMode: 'wall' as const }),
      },
    });
    const server = createServer((request, response) => {
      watch.check();
      openRequests++;
      lastActivity = Date.now();
      response.on('close', () => {
        openRequests--;
        lastActivity = Date.now();
      });
      api(request, response).catch((error: unknown) => {
        log(`request ${request.method} ${request.url} failed: ${String(error)}`);
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            error: 'InternalError',
            message: `the control plane failed the request; see its log, ${join(home, 'control-plane.log')}`,
          }),
        );
      });
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    writeAddress(home, { pid: process.pid, url, secret });
    // Which clock: it is read as the control plane starts, so a home restarted without ITV_CLOCK=wall runs virtual.
    const clock =
      scheduler instanceof DiscreteEventScheduler
        ? 'the virtual clock (ITV_CLOCK=wall for real time)'
        : 'the wall clock (ITV_CLOCK=wall)';
    const sources = build === undefined ? '' : `, built from sources ${build}`;
    log(`control plane for ${home} on ${url} (pid ${process.pid}), on ${clock}${sources}`);

    await new Promise<void>((resolve) => {
      const signalled = () => {
        stopRequested = true;
      };
      process.once('SIGINT', signalled);
      process.once('SIGTERM', signalled);
      const timer = setInterval(() => {
        // Executions waiting on others (a lane, CI) do no work here: they resume at the next start.
        const idle = openRequests === 0 && executions.working === 0 && Date.now() - lastActivity >= idleMs;
        if (stopRequested || idle) {
          clearInterval(timer);
          process.off('SIGINT', signalled);
          process.off('SIGTERM', signalled);
          const waiting = executions.suspendParks();
          const unrecorded = executions.stopRetries();
          const why = stopRequested
            ? 'stopping as asked'
            : `idle for ${Math.round(idleMs / 1000)} s; stopping`;
          log(`${why}${suspendedNote(waiting)}${unrecordedNote(unrecorded)}`);
          resolve();
        }
      }, 200);
    });
    // No new work: the address goes first, so the next command waits for a fresh control plane rather than
    // reaching this one while it closes; running executions then finish or park (those waiting in process on
    // others were ended above, as a crash would end them, and resume at the next start). The claim stays until the
    // stack is closed, so a new control plane cannot open the same dynalite files meanwhile.
    rmSync(addressFile(home), { force: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    // Prompt: every journaled execution stops at its next safe point (a wait between polls ends at once), and
    // is left for the next start (`LocalPipeline.suspendParks`).
    await executions.idle();
    clearInterval(sweeper);
    await stack.close();
    const left = executions.leftForNextStart;
    log(left.length === 0 ? 'stopped' : `stopped; left to resume at the next start: ${left.join(', ')}`);
    return 0;
  } finally {
    watch.stop();
    releaseHome(home);
  }
}

/** What the stop log says of the executions it ended while they waited in process. */
function suspendedNote(waiting: number): string {
  if (waiting === 0) return '';
  const which =
    waiting === 1 ? '1 execution waiting in process ends' : `${waiting} executions waiting in process end`;
  return `; ${which} here, to resume at the next start`;
}

/** What the stop log says of the executions still to record a failure: they are tried at the next start. */
function unrecordedNote(unrecorded: number): string {
  if (unrecorded === 0) return '';
  return `; ${unrecorded} execution(s) whose failure is not yet recorded stay journaled, to try again at the next start`;
}
