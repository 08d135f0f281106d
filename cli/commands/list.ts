import type { IntentPage } from '../../lambdas/core/pipeline/intent-list.js';
import { openApi } from '../api/itv-api.js';
import { printApiError, sameNamedFlags } from '../control-plane/api-errors.js';
import { table } from '../format.js';

export interface ListOptions {
  status?: string;
  service?: string;
  team?: string;
  tag?: string;
  since?: string;
  limit?: string;
  cursor?: string;
  all?: boolean;
  json?: boolean;
}

/** The flags sent as the query parameters of the same name. */
const queryFlags = ['status', 'service', 'team', 'tag', 'since', 'limit', 'cursor'] as const;

/**
 * `itv list`: `GET /intents` on the chosen stack (the home's control plane, or a deployed one's API), newest first. One page (`--limit`, default 50) and
 * the cursor of the next, or every page with `--all`. `--json` prints `{items, nextCursor?}`.
 */
export async function listCommand(options: ListOptions): Promise<number> {
  const { client } = await openApi();
  const query = new URLSearchParams();
  for (const name of queryFlags) {
    const value = options[name];
    if (value !== undefined) query.set(name, value);
  }
  const items: IntentPage['items'] = [];
  let nextCursor: string | undefined;
  let searchedBackTo: string | undefined;
  for (;;) {
    const answer = await client.call<IntentPage>('GET', `/intents${query.size > 0 ? `?${query}` : ''}`);
    if (answer.status >= 400) return printApiError(answer, sameNamedFlags(queryFlags));
    items.push(...answer.body.items);
    nextCursor = answer.body.nextCursor;
    searchedBackTo = answer.body.searchedBackTo;
    if (!options.all || !nextCursor) break;
    query.set('cursor', nextCursor);
  }
  const more = nextCursor && !options.all;
  if (options.json) {
    console.log(
      JSON.stringify(
        { items, ...(more ? { nextCursor, ...(searchedBackTo ? { searchedBackTo } : {}) } : {}) },
        null,
        2,
      ),
    );
    return 0;
  }
  // A page cut short by how far one request may walk back: nothing newer matched, older intents may.
  const searched = more && searchedBackTo ? `searched back to ${searchedBackTo}; ` : '';
  if (items.length === 0) {
    console.log(`no intents match${searched ? ` (${searched.slice(0, -2)})` : ''}`);
    if (more) console.log(`search on: ${nextCommand(options, nextCursor!)} (or --all)`);
    return 0;
  }
  console.log(
    table(
      ['intent', 'service', 'team', 'status', 'tier', 'declared', 'updated'],
      items.map((item) => [
        item.intentId,
        item.service ?? '-',
        item.team ?? '-',
        item.status,
        item.tier ?? '-',
        item.declaredAt,
        item.updatedAt,
      ]),
    ),
  );
  if (more) console.log(`${searched}more: ${nextCommand(options, nextCursor!)} (or --all)`);
  return 0;
}

/** The filters and the limit a cursor goes with, as options: the cursor is refused with others. */
const kept = ['status', 'service', 'team', 'tag', 'since', 'limit'] as const;

/** The command that lists the next page: this one's filters and limit, and the cursor. */
function nextCommand(options: ListOptions, cursor: string): string {
  const words = ['itv', 'list'];
  for (const name of kept) {
    const value = options[name];
    if (value !== undefined) words.push(`--${name}`, shellWord(value));
  }
  words.push('--cursor', cursor);
  return words.join(' ');
}

/** A value as a POSIX shell reads it back: as it is when plain, else single-quoted. */
function shellWord(value: string): string {
  return /^[\w.,:=@+/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
