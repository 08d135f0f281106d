import type { ApiClient } from '../../cli/api/itv-api.js';
import { ConsoleApi } from '../../cli/console/console-api.js';
import type { IntentWithEntries } from '../../cli/console/views/intent-view.js';
import { statusFilter } from '../../lambdas/core/pipeline/intent-list.js';
import { valueAnswer } from '../../lambdas/core/value-answer.js';
import type { LedgerEntry } from '../../lambdas/ports/ledger-store.js';
import { concluded } from '../unit/core/value-fixtures.js';

/** A ledger entry of `intentId`, with what the console reads of it. */
export function entryOf(intentId: string, seq: number, type: string, payload: unknown = {}): LedgerEntry {
  return {
    ledger: 'main',
    seq,
    prevHash: '0'.repeat(64),
    intentId,
    type,
    idempotencyKey: `${intentId}/${type}`,
    timestamp: `2026-12-01T10:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    payload,
  } as LedgerEntry;
}

/** An intent as `GET /intents/{id}?include=entries` answers it. */
export function intentOf(
  intentId: string,
  over: Partial<IntentWithEntries> & { lane?: string; waitingFor?: string[] } = {},
): IntentWithEntries {
  const { lane, waitingFor, ...rest } = over;
  const admission = entryOf(intentId, 2, 'admission.queued', {
    lane: lane ?? 'launch-flags',
    waitingFor: waitingFor ?? [],
  });
  return {
    intentId,
    title: `Change ${intentId}`,
    service: 'launch-flags',
    status: 'awaiting-review',
    outcome: null,
    tier: 2,
    timeToValueSeconds: null,
    valuePerHourUsd: null,
    valuePerHourPerEmployeeUsd: null,
    rolloutPercentage: null,
    deploymentPercentage: null,
    requester: null,
    review: null,
    reasons: [],
    steps: [],
    entries: [entryOf(intentId, 1, 'intent.declared'), admission],
    ...rest,
  } as IntentWithEntries;
}

/**
 * A deployed-looking API the console's tests drive without a stack: intents they can change between two
 * refreshes, a ledger of `ledgerSize` entries in pages of 50, a value report, and a session that can end
 * (`expire()`: every answer is then 401, as a signed request with expired credentials is).
 */
export function fakeConsoleApi(ledgerSize = 120) {
  const intents = new Map<string, IntentWithEntries>();
  let expired = false;
  const unauthorized = {
    status: 401,
    body: { detail: 'the security token included in the request is expired' },
  };
  const client: ApiClient = {
    async call<T>(method: string, path: string) {
      if (expired) return unauthorized as { status: number; body: T };
      const url = new URL(path, 'http://api');
      if (method === 'GET' && url.pathname === '/intents') {
        const named = url.searchParams.get('status')?.split(',');
        const limit = url.searchParams.get('limit') ?? '50';
        const issues: Array<{ path: string; message: string }> = [];
        let wanted: string[] | undefined;
        try {
          wanted = named ? statusFilter(named) : undefined;
        } catch (error) {
          issues.push(...(error as { issues: typeof issues }).issues);
        }
        if (!/^[1-9]\d*$/.test(limit) || Number(limit) > 200)
          issues.push({
            path: 'query.limit',
            message: `must be a whole number from 1 to 200, not "${limit}"`,
          });
        const since = url.searchParams.get('since');
        if (since !== null && Number.isNaN(Date.parse(since)))
          issues.push({
            path: 'query.since',
            message: `must be an ISO-8601 date or instant, not "${since}"`,
          });
        if (issues.length > 0) {
          return { status: 400, body: { detail: 'invalid intent list query', issues } as T };
        }
        const items = [...intents.values()]
          .filter((i) => !wanted || wanted.includes(i.status) || (wanted.includes('in-flight') && !i.outcome))
          .map((i) => ({
            ...i,
            team: 'growth',
            tags: {},
            declaredAt: '2026-12-01T10:00:00.000Z',
            updatedAt: '2026-12-01T10:00:01.000Z',
            lastStep: i.entries.at(-1)?.type ?? 'intent.declared',
          }));
        return { status: 200, body: { items } as T };
      }
      const one = /^\/intents\/([^/]+)$/.exec(url.pathname);
      if (method === 'GET' && one) {
        const intent = intents.get(decodeURIComponent(one[1]!));
        if (intent) return { status: 200, body: intent as T };
        return { status: 404, body: { detail: `no intent ${decodeURIComponent(one[1]!)}` } as T };
      }
      if (method === 'GET' && url.pathname === '/ledger/checkpoints') {
        return { status: 200, body: { checkpoints: [] } as T };
      }
      if (method === 'GET' && url.pathname === '/value') {
        const answer = valueAnswer(
          [
            concluded({ intentId: 'a', tags: { region: 'EMEA', team: 'growth' }, valuePerHourUsd: 200 }),
            concluded({ intentId: 'b', tags: { region: 'NA', team: 'core' }, valuePerHourUsd: 50 }),
          ],
          { by: url.searchParams.get('by') ?? 'region' },
        );
        return { status: 200, body: answer as T };
      }
      if (method === 'POST' && url.pathname.endsWith('/review')) {
        return { status: 202, body: {} as T };
      }
      return { status: 404, body: { detail: 'no such thing' } as T };
    },
    async text(path: string) {
      if (expired) return { status: 401, text: JSON.stringify(unauthorized.body), header: () => undefined };
      const url = new URL(path, 'http://api');
      if (url.pathname === '/ledger') {
        const after = Number(url.searchParams.get('after') ?? -1);
        const from = after + 1;
        const to = Math.min(ledgerSize, from + 50);
        const lines = [];
        for (let seq = from; seq < to; seq++) {
          const entry = entryOf(`int-${seq % 3}`, seq, 'intent.declared');
          lines.push(JSON.stringify({ entry, hash: 'ab'.repeat(32) }));
        }
        const link = to < ledgerSize ? `</ledger?after=${to - 1}&limit=50>; rel="next"` : undefined;
        return {
          status: 200,
          text: lines.map((l) => `${l}\n`).join(''),
          header: (name: string) => (name === 'link' ? link : undefined),
        };
      }
      const evidence = /^\/intents\/([^/]+)\/evidence$/.exec(url.pathname);
      if (evidence) {
        return {
          status: 404,
          text: JSON.stringify({ detail: `no evidence bundle for intent ${evidence[1]}` }),
          header: () => undefined,
        };
      }
      return { status: 404, text: '{}', header: () => undefined };
    },
  };
  return {
    intents,
    expire: () => {
      expired = true;
    },
    renew: () => {
      expired = false;
    },
    api: new ConsoleApi({ kind: 'deployed', client, name: 'test', endpoint: 'https://x' }, undefined),
  };
}
