import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { type ItvApi, ledgerOf, openApi } from '../api/itv-api.js';
import { paint, statusColour } from '../colour.js';
import { printApiError } from '../control-plane/api-errors.js';
import { StallCheck } from '../control-plane/follow.js';
import { exitCodeFor, exitCodes } from '../exit-codes.js';
import { followLimit, pause, stopIfTimedOut, untilTimedOut } from '../follow-timeout.js';
import { terminalText } from '../format.js';
import { printIntentNotFound } from '../json-errors.js';
import { printStatus } from './status.js';

/** How often the intent is read: the local control plane answers at once, API Gateway is paced (ITV_POLL_MS). */
const pollMs = { local: 250, deployed: 2000 } as const;
/** The ledger steps a redrawn frame shows, the newest last. */
const stepsShown = 12;
/**
 * An accepted intent's first entry is written within moments; one still unseen after this long will not be.
 * Locally the control plane says at once whether an execution runs for the id (`unseenLocally`): a deployed
 * stack's is only waited for, long enough for Step Functions to start DeclareIntent.
 */
const unseenForMs = 15_000;

/**
 * `itv watch ID`: a live view of an intent's stages and rollout, by reading `GET /intents/{id}` (locally and on
 * a deployed stack alike) until it concludes; the exit code is its outcome's (`exitCodeFor`). On a terminal the
 * view is redrawn in place; piped, each new ledger step and each change of status or rollout is one plain line.
 * With `--timeout`, once it is reached first: where the intent stands, and `exitCodes.timedOut`.
 */
export async function watchCommand(
  id: string,
  options: { json?: boolean; timeout?: string },
): Promise<number> {
  const limit = followLimit(options.timeout);
  const api = await openApi();
  const json = options.json ?? false;
  return untilTimedOut(api, id, limit, json, () =>
    watchIntent(api, id, {
      json,
      tty: !json && process.stdout.isTTY === true,
      ...(limit ? { signal: limit.signal } : {}),
    }),
  );
}

/** Reads the intent until it concludes (an outcome, or a failure), drawing each read; returns the exit code. */
export async function watchIntent(
  api: ItvApi,
  id: string,
  options: {
    json: boolean;
    tty: boolean;
    stalledPolls?: number;
    /** Fields printed beside the status with `--json` (a repeated stop's answer, say). */
    also?: Record<string, unknown>;
    /** A `--timeout`'s: once it is up, the watch throws `FollowTimedOut` instead of reading on. */
    signal?: AbortSignal;
  },
): Promise<number> {
  // Locally, an intent no execution will move on (its failure unrecorded, say) ends the watch with why.
  const stalls = api.kind === 'local' ? new StallCheck(id, options.stalledPolls) : undefined;
  const interval = Number(process.env.ITV_POLL_MS) || pollMs[api.kind];
  const draw = options.tty ? redrawn() : options.json ? () => {} : plainLines();
  const unseenUntil = Date.now() + unseenForMs;
  for (;;) {
    stopIfTimedOut(options.signal);
    const answer = await api.client.call<IntentStatus>('GET', `/intents/${encodeURIComponent(id)}`);
    if (answer.status === 200) {
      draw(answer.body);
      if (concluded(answer.body)) {
        if (options.json) printStatus({ ...answer.body, ...options.also }, true);
        return exitCodeFor(answer.body);
      }
      if (stalls && api.kind === 'local') await stalls.read(api.client, answer.body);
    } else if (answer.status === 404 && (Date.now() > unseenUntil || (await unseenLocally(api, id)))) {
      printIntentNotFound(id, ledgerOf(api));
      return exitCodes.error;
    } else if (answer.status !== 404 && answer.status !== 429 && answer.status < 500) {
      return printApiError(answer);
    }
    await pause(Math.max(interval, (answer.retryAfterSeconds ?? 0) * 1000), options.signal);
  }
}

/**
 * Whether the home's control plane runs nothing for an id its ledger lacks, and has nothing to say of it (no
 * progress, no failure it could not record): then no first entry is coming, and the watch ends at once.
 */
async function unseenLocally(api: ItvApi, id: string): Promise<boolean> {
  if (api.kind !== 'local') return false;
  const progress = await api.client.call<{ events: unknown[]; running: boolean; unrecorded?: unknown }>(
    'GET',
    `/local/intents/${encodeURIComponent(id)}/progress?after=0`,
  );
  if (progress.status !== 200) return false;
  const { events, running, unrecorded } = progress.body;
  return !running && events.length === 0 && unrecorded === undefined;
}

/**
 * Concluded: an outcome recorded and sealed (the checkpoint after it, so its evidence bundle can be pulled), or
 * its execution failed. A wait for a person is not an end: it goes on.
 */
function concluded(status: IntentStatus): boolean {
  if (status.status === 'failed') return true;
  return status.outcome !== null && status.steps.at(-1)?.type === 'checkpoint.signed';
}

/** The view as lines: who, where, how far, and the newest steps. */
export function frame(status: IntentStatus): string[] {
  const rollout = status.rolloutPercentage;
  return [
    `intent   ${status.intentId}  ${terminalText(status.title ?? '')}`.trimEnd(),
    `status   ${paint(status.status, statusColour(status))}${rollout === null ? '' : `   rollout ${bar(rollout)} ${String(rollout).padStart(3)}%`}`,
    ...status.steps
      .slice(-stepsShown)
      .map((step) => `  ${String(step.seq).padStart(6)}  ${step.timestamp}  ${step.type}`),
  ];
}

function bar(percentage: number): string {
  const filled = Math.round(Math.max(0, Math.min(100, percentage)) / 5);
  return `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}]`;
}

/** On a terminal: the previous frame is erased (cursor up, clear to the end) and the new one drawn. */
export function redrawn(
  write: (text: string) => void = (text) => process.stdout.write(text),
): (status: IntentStatus) => void {
  let height = 0;
  return (status) => {
    const lines = frame(status);
    write(`${height > 0 ? `\u001b[${height}F\u001b[J` : ''}${lines.join('\n')}\n`);
    height = lines.length;
  };
}

/** Piped: each new step once, and a line whenever the status or the rollout changes. */
export function plainLines(
  print: (line: string) => void = (line) => console.log(line),
): (status: IntentStatus) => void {
  let seen = -1;
  let said = '';
  return (status) => {
    for (const step of status.steps) {
      if (step.seq > seen) print(`  ${String(step.seq).padStart(6)}  ${step.timestamp}  ${step.type}`);
      seen = Math.max(seen, step.seq);
    }
    const now = `status ${status.status}${status.rolloutPercentage === null ? '' : `, rollout ${status.rolloutPercentage}%`}`;
    if (now !== said) print(now);
    said = now;
  };
}
