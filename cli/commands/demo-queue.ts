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
  const admittedBefore = new Set(await admittedIds(session));
  pair = { tags: new Map(), last: new Map() };
  try {
    let firstDone = false;
    const firstRun = run(first).finally(() => {
      firstDone = true;
    });
    // Wall-clock polling of the local state store: the first execution runs in this process meanwhile.
    while (!firstDone && (await admittedIds(session)).every((id) => admittedBefore.has(id))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return await Promise.all([firstRun, run(second)]);
  } finally {
    pair = undefined;
  }
}

async function admittedIds(session: Session): Promise<string[]> {
  const items = await session.stack.deps.state.list<InFlightRecord>(stateKeys.inFlight().pk);
  return items.filter((item) => (item.data.status ?? 'admitted') === 'admitted').map((item) => item.sk);
}
