import type { IntentPage } from '../../lambdas/core/pipeline/intent-list.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { printApiError } from '../control-plane/api-errors.js';
import { controlPlane } from '../control-plane/client.js';
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

/**
 * `itv list`: `GET /intents` on the home's control plane, newest first. One page (`--limit`, default 50) and
 * the cursor of the next, or every page with `--all`. `--json` prints `{items, nextCursor?}`.
 */
export async function listCommand(options: ListOptions): Promise<number> {
  const client = await controlPlane(itvHome());
  const query = new URLSearchParams();
  for (const name of ['status', 'service', 'team', 'tag', 'since', 'limit', 'cursor'] as const) {
    const value = options[name];
    if (value !== undefined) query.set(name, value);
  }
  const items: IntentPage['items'] = [];
  let nextCursor: string | undefined;
  for (;;) {
    const answer = await client.call<IntentPage>('GET', `/intents${query.size > 0 ? `?${query}` : ''}`);
    if (answer.status >= 400) return printApiError(answer);
    items.push(...answer.body.items);
    nextCursor = answer.body.nextCursor;
    if (!options.all || !nextCursor) break;
    query.set('cursor', nextCursor);
  }
  if (options.json) {
    console.log(JSON.stringify({ items, ...(nextCursor && !options.all ? { nextCursor } : {}) }, null, 2));
    return 0;
  }
  if (items.length === 0) {
    console.log('no intents match');
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
  if (nextCursor && !options.all) console.log(`more: itv list --cursor ${nextCursor} (or --all)`);
  return 0;
}
