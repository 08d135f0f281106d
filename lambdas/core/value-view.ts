import type { SortKeyRange } from '../ports/state-store.js';
import { InvalidInputError } from './errors.js';
import { stateKeys } from './state-keys.js';
import { type ValueAnswer, type ValueQuery, valueAnswer } from './value-answer.js';
import { concludedTags } from './value-dimensions.js';
import {
  type CatchUpBounds,
  type ConcludedSummary,
  catchUpValueView,
  type ValueViewDeps,
  type ValueViewReach,
} from './value-view-catch-up.js';
import { parseValueWindow, type ValueWindow } from './value-window.js';

/** `GET /value`'s answer: the report, and while the view is still catching up with a long ledger, how far it is. */
export type ValueViewAnswer = ValueAnswer & Pick<ValueViewReach, 'catchingUp'>;

/**
 * The value report from the value view (`value-view-catch-up.ts`): the view caught up first, then the summaries
 * concluded within the window read by one range Query (all of them without a window) and handed to `valueAnswer`
 * in ledger order, with the tags of every concluded intent. The same answer as `valueAnswer` over
 * `concludedIntents` of the whole ledger, once the view has caught up; before, it says so in `catchingUp`.
 *
 * @example await valueViewAnswer({ ledger, state, ledgerName: 'main' }, { by: 'team', since: '2026-11-01' })
 */
export async function valueViewAnswer(
  deps: ValueViewDeps,
  query: ValueQuery,
  bounds?: CatchUpBounds,
): Promise<ValueViewAnswer> {
  const reach = await catchUpValueView(deps, bounds);
  const window = windowOf(query);
  // A malformed window reads nothing: `valueAnswer` names it, and every other bad field, from the tags alone.
  const summaries =
    window === undefined
      ? []
      : await deps.state.list<ConcludedSummary>(
          stateKeys.concludedSummary(deps.ledgerName).pk,
          sortKeyRangeOf(window),
        );
  const intents = summaries
    .map((item) => item.data)
    .sort((a, b) => a.seq - b.seq)
    .map((summary) => summary.intent);
  // A racing request may have summarized past this one's marker: its intents' tags are known too.
  const tags = [...new Set([...reach.tags, ...concludedTags(intents)])].sort();
  const answer = valueAnswer(intents, query, tags);
  return reach.catchingUp === undefined ? answer : { ...answer, catchingUp: reach.catchingUp };
}

function windowOf(query: ValueQuery): ValueWindow | undefined {
  try {
    return parseValueWindow(query);
  } catch (error) {
    if (error instanceof InvalidInputError) return undefined;
    throw error;
  }
}

/** `since ≤ concludedAt < until` as sort keys that start with `concludedAt.toISOString()`. */
function sortKeyRangeOf(window: ValueWindow): SortKeyRange {
  return {
    ...(window.since === null ? {} : { from: window.since }),
    ...(window.until === null ? {} : { below: window.until }),
  };
}
