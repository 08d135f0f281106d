import type { InFlightRecord } from '../../lambdas/core/state-keys.js';
import { stateKeys } from '../../lambdas/core/state-keys.js';
import type { ProgressEvent } from '../runtime/local-pipeline.js';
import type { Session } from '../session.js';

/**
 * The demo's queue scenario: two intents run at once, the second submitted as soon as the first is admitted.
 * Their progress lines interleave, so each carries the intent's letter, and a queued intent's repeated
 * re-checks print once.
 */

let pair: { tags: Map<string, string>; last: Map<string, string> } | undefined;

/** The progress line for an event, tagged while a pair runs; undefined when it repeats the previous line. */
export function pairProgressLine(event: ProgressEvent, line: string): string | undefined {
  if (!pair) return line;
  let tag = pair.tags.get(event.executionId);
  if (!tag) {
    tag = String.fromCharCode(65 + pair.tags.size);
    pair.tags.set(event.executionId, tag);
  }
  if (pair.last.get(event.executionId) === line) return undefined;
  pair.last.set(event.executionId, line);
  return `${tag}| ${line}`;
}

/** Runs `first`, submits `second` once the first holds an admitted lease, and waits for both. */
export async function runAlongside<S, R>(
  session: Session,
  [first, second]: [S, S],
  run: (scenario: S) => Promise<R>,
): Promise<[R, R]> {
  const before = new Set((await inFlight(session)).map((item) => item.sk));
  pair = { tags: new Map(), last: new Map() };
  // Time is held until the second is in the pipeline: the first, once admitted, waits at its release's first wait
  // with its lane held, however long this process takes to start the second (a wall-clock race otherwise: the first
  // could release whole before the second asked for the lane).
  const letGo = session.pipeline.holdClock();
  try {
    let firstDone = false;
    const firstRun = run(first).finally(() => {
      firstDone = true;
    });
    // Wall-clock polling of the local state store: the first execution runs in this process meanwhile.
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const arrived = async (admitted: boolean) =>
      (await inFlight(session)).filter(
        (item) => !before.has(item.sk) && (!admitted || (item.data.status ?? 'admitted') === 'admitted'),
      );
    while (!firstDone && (await arrived(true)).length === 0) await pause();
    let secondDone = false;
    const secondRun = run(second).finally(() => {
      secondDone = true;
    });
    // The second is in once a lease of it is recorded beside the first's: queued behind it, or admitted.
    while (!secondDone && (await arrived(false)).length < (firstDone ? 1 : 2)) await pause();
    letGo();
    return await Promise.all([firstRun, secondRun]);
  } finally {
    letGo();
    pair = undefined;
  }
}

async function inFlight(session: Session) {
  return session.stack.deps.state.list<InFlightRecord>(stateKeys.inFlight().pk);
}
