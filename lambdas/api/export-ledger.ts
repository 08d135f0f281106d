import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { exportLine } from '../core/ledger/export-lines.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { admitted } from './admitted.js';
import { withConventions } from './conventions.js';
import { errorResponse, queryInteger } from './http.js';
import { ledgerPageLimit } from './parameters.js';
import { routeOf } from './routes.js';

/** Entries a page holds at most, and the default. */
export const maxLedgerPageEntries = ledgerPageLimit.max;
/**
 * Bytes a page holds at most (at least one entry whatever its size): a Lambda proxy response may not pass
 * 6 MB, and signed entries run to a few KB.
 */
export const maxLedgerPageBytes = 4 * 1024 * 1024;

/**
 * `GET /ledger?after=SEQ&limit=N`: one page of the ledger export — JSON Lines, one RFC 8785
 * `{ "entry", "hash" }` a line, byte for byte what `itv ledger export` writes — holding the entries after
 * `after` (from seq 0 without it). When more follow, a `Link: <…>; rel="next"` header names the next page.
 * The caller verifies what it reads (`auditExport`); nothing here vouches for it.
 */
export async function exportLedger(
  event: APIGatewayProxyEvent,
  ledger: LedgerStore,
  ledgerName: string,
): Promise<APIGatewayProxyResult> {
  try {
    const query = event.queryStringParameters;
    const after = queryInteger(query, 'after', { min: 0, max: Number.MAX_SAFE_INTEGER - 1 });
    const limit = queryInteger(query, 'limit', ledgerPageLimit) ?? ledgerPageLimit.default;
    const from = after === undefined ? 0 : after + 1;
    // One entry beyond the page says whether another page follows.
    const entries = await ledger.read(ledgerName, from, from + limit + 1);
    const lines: string[] = [];
    let bytes = 0;
    for (const stored of entries.slice(0, limit)) {
      const line = exportLine(stored);
      const size = Buffer.byteLength(line);
      if (lines.length > 0 && bytes + size > maxLedgerPageBytes) break;
      lines.push(line);
      bytes += size;
    }
    const last = entries[lines.length - 1]?.entry.seq;
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson; charset=utf-8' };
    if (entries.length > lines.length && last !== undefined) {
      headers.link = `</ledger?after=${last}&limit=${limit}>; rel="next"`;
    }
    return { statusCode: 200, headers, body: lines.join('') };
  } catch (error) {
    return errorResponse(error);
  }
}

const deps = awsPipelineDeps('export-ledger');

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('ExportLedger'))
  .handler(
    admitted(
      withConventions(routeOf('GET /ledger'), async (event: APIGatewayProxyEvent) => {
        const { ledger, ledgerName } = await deps();
        return exportLedger(event, ledger, ledgerName);
      }),
    ),
  );
