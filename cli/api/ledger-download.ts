import { ItvError } from '../../lambdas/core/errors.js';
import { auditBundles, type BundleAudit } from '../../lambdas/core/evidence/audit-bundles.js';
import type { CheckpointSource } from '../../lambdas/core/evidence/audit-result.js';
import type { LedgerEntry } from '../../lambdas/ports/ledger-store.js';
import { ApiAnswerError, type ApiGet, getJson, parseJson } from './api-get.js';
import { downloadBundle } from './bundle-download.js';

/** What `GET /ledger/checkpoints` answers. */
interface CheckpointsAnswer {
  ledger: string;
  publicKeyPem: string;
  checkpoints: Array<{ key: string; value: unknown; damaged?: string }>;
}

export interface LedgerDownload {
  /** The export: JSON Lines as the API served them, byte for byte. */
  lines: Buffer;
  entries: number;
  /** The evidence store's signed checkpoints, untrusted until the audit checks them. */
  checkpoints: CheckpointSource[];
  /** The key the API says signs the ledger; a pinned key takes its place when given. */
  publicKeyPem: string;
}

/** The next page a ledger page names (`Link: </ledger?after=…>; rel="next"`), or undefined on the last. */
function nextPage(link: string | undefined): string | undefined {
  const next = link ? /<([^>]+)>\s*;\s*rel="next"/.exec(link)?.[1] : undefined;
  if (next === undefined) return undefined;
  // Only a further page of the same route: a link elsewhere is not followed.
  if (!/^\/ledger\?after=\d+(&limit=\d+)?$/.test(next)) {
    throw new ItvError(`the API's next page is not a ledger page: ${next}`);
  }
  return next;
}

/**
 * The whole ledger export through the API, with the checkpoints that go beside it. The checkpoints are read
 * first: the ledger only grows, so every one of them is covered by the export read after, and a checkpoint
 * beyond the export can only mean the export is short.
 */
export async function downloadLedger(get: ApiGet): Promise<LedgerDownload> {
  const signed = await getJson<CheckpointsAnswer>(get, '/ledger/checkpoints');
  const pages: Buffer[] = [];
  let path: string | undefined = '/ledger';
  let lastAfter = -1;
  while (path !== undefined) {
    const answer = await get(path);
    if (answer.status !== 200) {
      throw new ApiAnswerError({ status: answer.status, body: parseJson(answer.text) });
    }
    pages.push(Buffer.from(answer.text, 'utf8'));
    path = nextPage(answer.header('link'));
    const after = path === undefined ? Number.POSITIVE_INFINITY : Number(/after=(\d+)/.exec(path)?.[1]);
    if (after <= lastAfter) throw new ItvError(`the API's ledger pages do not advance (after=${after})`);
    lastAfter = after;
  }
  const lines = Buffer.concat(pages);
  let entries = 0;
  for (const byte of lines) if (byte === 0x0a) entries++;
  return {
    lines,
    entries,
    checkpoints: signed.checkpoints.map(({ key, value, damaged }) =>
      typeof damaged === 'string'
        ? { value, source: key, key, damage: damaged }
        : { value, source: key, key },
    ),
    publicKeyPem: signed.publicKeyPem,
  };
}

/**
 * Every evidence bundle a downloaded (and already audited) ledger records, fetched through the API and checked
 * against the digest its `checkpoint.signed` entry holds: what `itv ledger verify --bundles` and the console's
 * verify button both run. A bundle the API has none of (404) counts as missing.
 */
export function auditLedgerBundles(
  download: LedgerDownload,
  get: ApiGet,
  publicKeySpkiDer: Uint8Array,
): Promise<BundleAudit> {
  const entries = download.lines
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { entry: LedgerEntry }).entry);
  return auditBundles(
    entries,
    // No bundle (404) is a missing one; any other refusal is reported with the API's reason, which names the
    // object when the store holds it changed or deleted.
    (intentId) =>
      downloadBundle(get, intentId).catch((error: unknown) => {
        if (error instanceof ApiAnswerError && error.answer.status === 404)
          return new Map<string, Uint8Array>();
        throw error;
      }),
    publicKeySpkiDer,
  );
}
