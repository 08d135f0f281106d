import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidInputError } from '../core/errors.js';
import type { PipelineDeps } from '../core/pipeline/deps.js';
import { releaseWindow } from '../core/pipeline/release-window.js';
import { intentStatus } from '../core/pipeline/status.js';
import type { LedgerEntry } from '../ports/ledger-store.js';
import type { MetricSeries } from '../ports/releaser.js';
import { cloudWatchTelemetry } from '../wiring/aws/cloudwatch.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { admitted } from './admitted.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { notFound } from './problem.js';
import { routeOf } from './routes.js';

/** What `?include=` may name, comma-separated. */
const includable = ['entries', 'metrics'] as const;

/**
 * `GET /intents/{id}`: the intent's status and steps, read from the ledger. `?include=entries` adds its ledger
 * entries whole (payloads included): what a view of one intent draws its timeline, rollout and policy from.
 * `?include=metrics` adds the service's monitored metrics over the release, period by period, each beside its
 * rollback alarm's threshold (`metrics: null` before a release started); `include=entries,metrics` both.
 */
export async function getIntent(
  event: APIGatewayProxyEvent,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'telemetry' | 'clock'>,
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    const include = parseInclude(event.queryStringParameters?.include);
    const own = await deps.ledger.forIntent(deps.ledgerName, id);
    const status = intentStatus(id, own);
    if (!status) return notFound(`no intent ${id} on the ledger`);
    const entries = own.map((stored) => stored.entry);
    return json(200, {
      ...status,
      ...(include.has('entries') ? { entries } : {}),
      ...(include.has('metrics') ? { metrics: await metricsOf(entries, deps) } : {}),
    });
  } catch (error) {
    return errorResponse(error);
  }
}

function parseInclude(raw: string | undefined): Set<string> {
  const parts = raw === undefined ? [] : raw.split(',');
  const unknown = parts.find((part) => !(includable as readonly string[]).includes(part));
  if (unknown !== undefined) {
    throw new InvalidInputError('invalid intent query', [
      {
        path: 'include',
        message: `must be ${includable.map((i) => `"${i}"`).join(' or ')} (comma-separated), not "${unknown.slice(0, 40)}"`,
      },
    ]);
  }
  return new Set(parts);
}

async function metricsOf(
  entries: readonly LedgerEntry[],
  deps: Pick<PipelineDeps, 'telemetry' | 'clock'>,
): Promise<{ service: string; from: string; to: string; series: MetricSeries[] } | null> {
  const window = releaseWindow(entries, deps.clock.now());
  if (!window) return null;
  const series = await deps.telemetry.series(window.service, window.from, window.to);
  return { service: window.service, from: window.from.toISOString(), to: window.to.toISOString(), series };
}

const deps = awsPipelineDeps('get-intent', { telemetry: cloudWatchTelemetry });

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('GetIntent'))
  .handler(
    admitted(
      withConventions(routeOf('GET /intents/{id}'), async (event: APIGatewayProxyEvent) => {
        return getIntent(event, await deps());
      }),
    ),
  );
