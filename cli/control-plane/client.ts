import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, fchmodSync, openSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateFolder } from '../../lambdas/adapters/local/private-folder.js';
import { ItvError } from '../../lambdas/core/errors.js';
import { bodyText } from '../api/json-text.js';
import { buildIdentity } from '../build-identity.js';
import { projectRoot } from '../project-root.js';
import { RequestTimeoutError } from './bounded-fetch.js';
import {
  addressFile,
  type ControlPlaneAddress,
  claimStart,
  currentOwner,
  homeIdentity,
  readAddress,
  releaseStart,
} from './home-owner.js';
import { encodedHeader, localHeaders } from './local-headers.js';
import { loopbackRequest } from './loopback-request.js';
import { ControlPlaneStartError, logSince, logSize, startFailedExitCode } from './start-failure.js';
import { startSettingsFrom } from './start-settings.js';

const itvBin = join(projectRoot, 'bin', 'itv.js');

/** How long a command waits for its home's control plane to answer, started or not. */
const startTimeoutMs = 60_000;
/** How long one request may take: every route answers at once (a submission is 202 before it runs). */
const requestTimeoutMs = 30_000;

/** The home is held by a process that is not a control plane (`itv demo` for its run). */
export class HomeBusyError extends ItvError {}

/** The control plane stopped answering a request, and so did the one started after it. */
export class ControlPlaneLostError extends ItvError {}

/** The home's control plane runs other sources than the command, and has executions at work: it is left running. */
export class OtherBuildError extends ItvError {}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  /** With a 429: the seconds the control plane asks the client to wait before trying again. */
  retryAfterSeconds?: number;
}

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** An answer whose body is kept as the text that came, with its headers. */
export interface RawAnswer {
  status: number;
  text: string;
  header(name: string): string | undefined;
  retryAfterSeconds?: number;
}

/** Who a request acts as: a principal named by `--as` or ITV_PRINCIPAL. */
export interface ActingAs {
  named: string;
  via: string;
}

/** A client of the home's control plane, over the same routes the deployed stack serves. */
export class ControlPlaneClient {
  /** `restart` finds (or starts) the home's next control plane when this one stops answering. */
  constructor(
    public address: ControlPlaneAddress,
    private readonly home: string,
    // A command's own connection compared builds as it was made; the next control plane is taken as it comes
    // (one this command's build restarted, or one started from the sources as they are now).
    private readonly restart: (home: string) => Promise<{ address: ControlPlaneAddress }> = (home) =>
      controlPlane(home, { otherBuild: 'accept' }),
    /** The identity of the sources the control plane runs, as its health named it when this client was made. */
    public readonly build?: string,
  ) {}

  /**
   * One request. If the control plane is gone (it stopped while idle, or died), the home's next one is
   * started and the request sent to it: executions it left running carry on there.
   */
  async call<T = Record<string, unknown>>(
    method: ApiMethod,
    path: string,
    options: { body?: unknown; as?: ActingAs } = {},
  ): Promise<ApiAnswer<T>> {
    const answer = await this.request(method, path, options);
    return {
      status: answer.status,
      body: (answer.text ? JSON.parse(answer.text) : {}) as T,
      ...(answer.retryAfterSeconds !== undefined ? { retryAfterSeconds: answer.retryAfterSeconds } : {}),
    };
  }

  /** A GET answered with text as it came (a ledger page is JSON Lines, not JSON), and its headers. */
  async text(path: string): Promise<RawAnswer> {
    return this.request('GET', path, {});
  }

  private async request(
    method: ApiMethod,
    path: string,
    options: { body?: unknown; as?: ActingAs },
  ): Promise<RawAnswer> {
    try {
      return await this.send(method, path, options);
    } catch (error) {
      if (!isConnectionLost(error)) throw error;
      this.address = (await this.restart(this.home)).address;
      try {
        return await this.send(method, path, options);
      } catch (again) {
        if (!isConnectionLost(again)) throw again;
        throw new ControlPlaneLostError(
          `the control plane for ${this.home} stopped answering ${method} ${path.split('?')[0]} twice (${(again as Error).message}): it was stopped or killed as it worked; see ${join(this.home, 'control-plane.log')}. Run the command again: an intent submitted again is answered as a duplicate, never recorded twice`,
          { cause: again },
        );
      }
    }
  }

  private async send(
    method: ApiMethod,
    path: string,
    options: { body?: unknown; as?: ActingAs },
  ): Promise<RawAnswer> {
    const headers: Record<string, string> = { authorization: `ItvLocal ${this.address.secret}` };
    if (options.as) {
      headers[localHeaders.principal] = encodedHeader(options.as.named);
      headers[localHeaders.namedBy] = encodedHeader(options.as.via);
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const answer = await loopbackRequest(
      `${this.address.url}${path}`,
      { method, headers, body: options.body === undefined ? undefined : bodyText(options.body) },
      requestTimeoutMs,
    );
    const retryAfter = Number(answer.header('retry-after') ?? Number.NaN);
    return {
      ...answer,
      ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
    };
  }

  get homeFolder(): string {
    return this.home;
  }
}

/** The homes a control plane has answered this process for. */
const served = new Set<string>();

/**
 * What a command does with a running control plane started from other sources than its own (the catalog,
 * policies or code edited since): `restart` it on this command's build when no execution is at work there, and
 * otherwise fail saying so (`OtherBuildError`); or `accept` it (`itv serve`'s relays, a client's reconnection).
 */
export type OtherBuild = 'restart' | 'accept';

/**
 * The home's control plane, started in the background if none runs. Two commands that start at once find
 * one control plane: the home's claim admits one owner, and the other waits for its address. The variables a
 * control plane reads are checked before one is started (a malformed one is this command's error, naming it),
 * and one that exits saying it could not start is not started again: what it logged is this command's error.
 * A running one built from other sources than this command is dealt with as `otherBuild` says.
 */
export async function controlPlane(
  home: string,
  options: { otherBuild?: OtherBuild } = {},
): Promise<ControlPlaneClient> {
  const own = options.otherBuild === 'accept' ? undefined : await buildIdentity();
  const deadline = Date.now() + startTimeoutMs;
  // A home this command was served at and that has since left its path (moved or removed) is not made anew there:
  // a control plane started at the empty path would answer for a home with no ledger and a new key.
  if (served.has(home) && !existsSync(home)) {
    throw new ItvError(
      `${home} is no longer there: the home was moved or removed while this command ran, and nothing was started at its old path; run the command again with ITV_HOME at the home's new path`,
    );
  }
  let child: ChildProcess | undefined;
  let exited = true;
  let startFailure: string | undefined;
  try {
    while (Date.now() < deadline) {
      const address = readAddress(home);
      const health = address && (await healthOf(address, home));
      if (address && health) {
        if (own !== undefined && health.build !== own) {
          await restartOnThisBuild(home, address, health, own);
          continue;
        }
        served.add(home);
        return new ControlPlaneClient(address, home, undefined, health.build);
      }
      const owner = currentOwner(home);
      if (owner?.kind === 'demo') {
        throw new HomeBusyError(
          `${home} is in use by \`itv demo\` (pid ${owner.pid}) until it ends; wait for it, or set ITV_HOME to another folder`,
        );
      }
      if (startFailure !== undefined) {
        throw new ControlPlaneStartError(
          `the control plane for ${home} could not start${startFailure ? `:\n${indented(startFailure)}` : ''}`,
        );
      }
      if (!owner && exited) startSettingsFrom();
      if (!owner && exited && claimStart(home, startTimeoutMs)) {
        const started = startControlPlane(home);
        child = started.child;
        exited = false;
        child.once('exit', (code) => {
          if (code === startFailedExitCode) startFailure = logSince(started.logFile, started.logFrom);
          exited = true;
          releaseStart(home);
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    releaseStart(home);
  }
  throw new ItvError(
    `the control plane for ${home} did not answer within ${startTimeoutMs / 1000} s; ${unansweredOwner(home)}`,
  );
}

/**
 * Where to look when no control plane answered: the claim's process, when a live one holds it. It may be busy or
 * stopped (SIGSTOP), or not an itv process at all — a pid reused after a restart, where the kernel does not tell
 * when the process started — which only the user can tell; what to do either way is named.
 */
function unansweredOwner(home: string): string {
  const log = join(home, 'control-plane.log');
  const owner = currentOwner(home);
  if (!owner) return `see ${log}`;
  const lock = join(home, 'owner.lock');
  return (
    `${lock} names pid ${owner.pid}, which runs but does not answer as its control plane (see ${log}). ` +
    `If pid ${owner.pid} is an itv control plane, end it (kill ${owner.pid}); if it is not (its pid reused ` +
    `after a restart), remove ${lock} and ${addressFile(home)}`
  );
}

/** A failed start's log lines under the command's own error: their `itv: ` prefix dropped, indented. */
function indented(logged: string): string {
  return logged
    .split('\n')
    .map((line) => `  ${line.replace(/^itv: /, '')}`)
    .join('\n');
}

/**
 * A running control plane built from other sources than this command (`own`): stopped when none of its executions
 * is at work, as `itv control-plane stop` stops it (those parked on others stay journaled and resume at the next
 * start, on this build), and the command goes on to start the next; otherwise left running, and the command fails
 * saying what runs and what to do. An earlier itv's control plane names no build: it is another.
 */
async function restartOnThisBuild(
  home: string,
  address: ControlPlaneAddress,
  health: Health,
  own: string,
): Promise<void> {
  const theirs = health.build === undefined ? 'an earlier itv' : `sources ${health.build}`;
  const working = health.working ?? health.running ?? 0;
  if (working > 0) {
    throw new OtherBuildError(
      `the control plane for ${home} (pid ${address.pid}) was built from other sources (${theirs}) than this command (sources ${own}): the catalog, policies or code changed since it started, and its answers would follow the old ones. ` +
        `It was left running, with ${working === 1 ? '1 execution' : `${working} executions`} at work. ` +
        `Run this again once they are done (its log: ${join(home, 'control-plane.log')}), or stop it now with \`itv control-plane stop\` ` +
        '(each execution stops at its next safe point and resumes at the next start, on the new sources) and run this again',
    );
  }
  const client = new ControlPlaneClient(address, home, async () => {
    throw new Error('not restarted');
  });
  await client.call('POST', '/local/stop').catch(() => undefined);
  const deadline = Date.now() + startTimeoutMs;
  while (currentOwner(home)?.pid === address.pid) {
    if (Date.now() > deadline) {
      throw new ItvError(
        `the control plane for ${home} (pid ${address.pid}), built from other sources (${theirs}), was asked to stop and did not within a minute; see ${join(home, 'control-plane.log')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.error(
    `itv: restarted the control plane for ${home} (pid ${address.pid}): it was built from other sources (${theirs}) than this command (sources ${own}); the catalog, policies or code changed since it started`,
  );
}

/** The running control plane of the home, if any; never starts one, and takes it whatever it was built from. */
export async function runningControlPlane(home: string): Promise<ControlPlaneClient | undefined> {
  const address = readAddress(home);
  const health = address && (await healthOf(address, home));
  return address && health ? new ControlPlaneClient(address, home, undefined, health.build) : undefined;
}

/** A control plane started on the home, with where in its log what it writes begins. */
function startControlPlane(home: string): { child: ChildProcess; logFile: string; logFrom: number } {
  const { fd: log, logFile, logFrom } = openControlPlaneLog(home);
  try {
    const child = spawn(process.execPath, [itvBin, 'control-plane'], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ITV_HOME: home },
    });
    child.unref();
    return { child, logFile, logFrom };
  } finally {
    closeSync(log);
  }
}

/** The home's control-plane log opened to append, with where what is appended begins. */
export function openControlPlaneLog(home: string): { fd: number; logFile: string; logFrom: number } {
  makePrivateFolder(home);
  const logFile = join(home, 'control-plane.log');
  keepLogSmall(logFile);
  const logFrom = logSize(logFile);
  const fd = openSync(logFile, 'a', 0o600);
  // It logs intents' titles and failures: private, also one an earlier itv made 0644.
  fchmodSync(fd, 0o600);
  return { fd, logFile, logFrom };
}

/**
 * The request's failure when nothing listens at the address, or the connection dropped mid-request, or no
 * answer came in time (a control plane killed between accepting and answering).
 */
function isConnectionLost(error: unknown): boolean {
  if (error instanceof RequestTimeoutError) return true;
  const code = (error as { code?: string } | undefined)?.code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(code);
}

/** The log keeps one earlier generation: past 5 MB it becomes `control-plane.log.1` when the next one starts. */
const maxLogBytes = 5 * 1024 * 1024;

export function keepLogSmall(logFile: string): void {
  try {
    if (statSync(logFile).size > maxLogBytes) {
      renameSync(logFile, `${logFile}.1`);
      chmodSync(`${logFile}.1`, 0o600);
    }
  } catch {
    // No log yet.
  }
}

/** What a command reads of a control plane's health answer. */
interface Health {
  /** The identity of the sources it runs; absent from an earlier itv's. */
  build?: string;
  /** Its executions at work (an earlier itv's names `running` only). */
  working?: number;
  running?: number;
}

/**
 * The health of the control plane at the address, when it answers as the one of this home: its health names
 * the home it serves (one that names none is an earlier itv's, judged by its address file alone). A client never
 * sends requests, nor a stop, to another home's control plane. Undefined when it does not answer so.
 */
async function healthOf(address: ControlPlaneAddress, home: string): Promise<Health | undefined> {
  try {
    const answer = await loopbackRequest(
      `${address.url}/local/health`,
      { headers: { authorization: `ItvLocal ${address.secret}` } },
      5000,
    );
    if (answer.status < 200 || answer.status >= 300) return undefined;
    const body = JSON.parse(answer.text) as {
      home?: unknown;
      build?: unknown;
      working?: unknown;
      running?: unknown;
    };
    if (body.home !== undefined && body.home !== homeIdentity(home)) return undefined;
    return {
      ...(typeof body.build === 'string' ? { build: body.build } : {}),
      ...(typeof body.working === 'number' ? { working: body.working } : {}),
      ...(typeof body.running === 'number' ? { running: body.running } : {}),
    };
  } catch {
    return undefined;
  }
}
