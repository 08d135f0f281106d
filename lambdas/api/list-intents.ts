import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Catalog } from '../core/catalog-schema.js';
import { InvalidInputError } from '../core/errors.js';
import {
  type IntentListFilter,
  listIntents,
  serviceFilter,
  statusFilter,
  teamFilter,
} from '../core/pipeline/intent-list.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { admitted } from './admitted.js';
import { locationOf, withConventions } from './conventions.js';
import { errorResponse, json, queryInteger, withHeaders } from './http.js';
import { intentPageLimit } from './parameters.js';
import { routeOf } from './routes.js';

/**
 * `GET /intents?status=&service=&team=&tag=&since=&limit=&cursor=`: the intents on the ledger, newest first (a read,
 * like `GET /intents/{id}`: API Gateway's IAM auth admits the caller). `status` takes several values, comma
 * separated (`in-flight` for every intent that has not concluded; `queued` and `scheduled` for `admission.queued`
 * and `admission.scheduled`; a status no intent can have is a 400 listing those people filter by); `service` must be the
 * catalog's (else a 400 listing its services), and so must `team`; `tag` is `key=value` pairs, comma separated,
 * all of which the intent's tags must hold; `since` is an ISO-8601 instant. Each bad
 * parameter is a 400 naming it. `nextCursor` and `Link: <…>; rel="next"` lead to the next page.
 */
export async function listIntentsRoute(
  event: APIGatewayProxyEvent,
  deps: { ledger: LedgerStore; ledgerName: string; catalog: Catalog },
): Promise<APIGatewayProxyResult> {
  try {
    const query = event.queryStringParameters ?? {};
    const filter = parseFilter(query, deps.catalog);
    const limit = queryInteger(query, 'limit', intentPageLimit) ?? intentPageLimit.default;
    const page = await listIntents(deps.ledger, deps.ledgerName, filter, {
      limit,
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    });
    const answer = json(200, page);
    if (!page.nextCursor) return answer;
    const next = new URLSearchParams({
      ...Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)),
      cursor: page.nextCursor,
    } as Record<string, string>);
    return withHeaders(answer, { link: `<${locationOf(event, `/intents?${next}`)}>; rel="next"` });
  } catch (error) {
    return errorResponse(error);
  }
}

function parseFilter(query: Record<string, string | undefined>, catalog: Catalog): IntentListFilter {
  const issues: Array<{ path: string; message: string }> = [];
  // A filter the catalog or the statuses refuse adds its issues to the others rather than answering alone.
  function checked<T>(parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      issues.push(...error.issues);
      return undefined;
    }
  }
  const text = (name: string): string | undefined => {
    const value = query[name]?.trim();
    if (value === undefined) return undefined;
    if (value === '' || value.length > 200) {
      issues.push({ path: name, message: 'must be 1 to 200 characters' });
      return undefined;
    }
    return value;
  };
  const named = text('service');
  const service = named === undefined ? undefined : checked(() => serviceFilter(named, catalog.services));
  const teamNamed = text('team');
  const team = teamNamed === undefined ? undefined : checked(() => teamFilter(teamNamed, catalog.teams));
  const statuses = text('status')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const status = statuses && statuses.length > 0 ? checked(() => statusFilter(statuses)) : undefined;
  const sinceText = text('since');
  let since: Date | undefined;
  if (sinceText !== undefined) {
    since = new Date(sinceText);
    if (!/^\d{4}-\d{2}-\d{2}/.test(sinceText) || Number.isNaN(since.getTime())) {
      issues.push({ path: 'since', message: `must be an ISO-8601 date or instant, not "${sinceText}"` });
    }
  }
  // A Map, then own properties: `tags.__proto__ = value` would set no key at all, and the filter would vanish.
  const tags = new Map<string, string>();
  for (const pair of text('tag')?.split(',') ?? []) {
    const [key, value, ...extra] = pair.split('=').map((part) => part.trim());
    if (!key || !value || extra.length > 0) {
      issues.push({
        path: 'tag',
        message: `must be key=value pairs, comma separated (region=EU), not "${pair}"`,
      });
    } else tags.set(key, value);
  }
  if (issues.length > 0) throw new InvalidInputError('invalid intent list query', issues);
  return {
    ...(service ? { service } : {}),
    ...(team ? { team } : {}),
    ...(status ? { status } : {}),
    ...(since ? { since } : {}),
    ...(tags.size > 0 ? { tags: Object.fromEntries(tags) } : {}),
  };
}

const deps = awsPipelineDeps('list-intents');

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('ListIntents'))
  .handler(
    admitted(
      withConventions(routeOf('GET /intents'), async (event: APIGatewayProxyEvent) => {
        return listIntentsRoute(event, await deps());
      }),
    ),
  );
