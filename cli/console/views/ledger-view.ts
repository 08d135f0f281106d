import type { BundleAudit } from '../../../lambdas/core/evidence/audit-bundles.js';
import type { LedgerAudit } from '../../../lambdas/core/evidence/audit-result.js';
import type { LedgerEntry } from '../../../lambdas/ports/ledger-store.js';
import { html, type Markup } from '../html.js';
import { intentHref, when } from './parts.js';

export interface LedgerPage {
  entries: Array<{ entry: LedgerEntry; hash: string }>;
  /** The `after` this page was asked for: its entries follow that seq. */
  after?: number;
  /** The `after` of the next page, when there is one. */
  nextAfter?: number;
  /** Every checkpoint object the evidence store keeps, as `GET /ledger/checkpoints` answers them. */
  checkpoints: StoredCheckpoint[];
}

export interface StoredCheckpoint {
  key: string;
  value: unknown;
  /** Why the store cannot serve it as written, when it cannot. */
  damaged?: string;
}

/** How many entries a page of the ledger holds. */
export const ledgerPageSize = 50;

/** How many of the newest checkpoints the page lists. */
const newestShown = 10;

export interface LedgerVerdict {
  audit: LedgerAudit;
  bundles?: BundleAudit;
}

/**
 * The ledger: entries in order with their hashes, in pages; how many signed checkpoints the evidence store
 * holds; and a button that runs the whole verification `itv ledger verify --bundles` runs, showing the
 * verdict and, when it fails, the first entry that cannot be trusted.
 */
export function ledgerView(page: LedgerPage, formToken: string, verdict?: LedgerVerdict): Markup {
  return html`<h1>Ledger</h1>
<p>${page.checkpoints.length} signed checkpoints in the evidence store. Every entry is hash-chained to the one before it; a
checkpoint signs the RFC 9162 tree head over every entry up to it.</p>
<form method="post" action="/ledger/verify"><input type="hidden" name="form" value="${formToken}">
<label><input type="checkbox" name="bundles" value="1" checked> also check every evidence bundle the ledger records</label>
<button type="submit">Verify the ledger</button></form>
${verdict ? verdictPanel(verdict) : ''}
${checkpointTable(page.checkpoints)}
${entriesSection(page)}`;
}

/** A page of entries with the links to the pages either side; past the end, says so and links the start. */
function entriesSection(page: LedgerPage): Markup {
  if (page.entries.length === 0) {
    return page.after === undefined
      ? html`<h2>Entries</h2><p class="muted">The ledger holds no entry yet.</p>`
      : html`<h2>No entries after seq ${page.after}</h2>
<p>The ledger ends before that. <a href="/ledger">Go to the first page</a>.</p>`;
  }
  const first = page.entries[0]!.entry.seq;
  // The page before holds the entries from `first - ledgerPageSize`: the first page when that is the start.
  const previousAfter = first - ledgerPageSize - 1;
  const previous = previousAfter < 0 ? '/ledger' : `/ledger?after=${previousAfter}`;
  return html`<h2>Entries from seq ${first}</h2>
<table><thead><tr><th scope="col" class="num">Seq</th><th scope="col">Type</th><th scope="col">Intent</th><th scope="col">At (UTC)</th><th scope="col">Hash</th></tr></thead>
<tbody>${page.entries.map(
    ({ entry, hash }) =>
      html`<tr id="seq-${entry.seq}"><td class="num">${entry.seq}</td><td>${entry.type}</td><td><a href="${intentHref(entry.intentId)}" aria-label="Intent ${entry.intentId}">${entry.intentId}</a></td><td>${when(entry.timestamp)}</td><td><code>${hash.slice(0, 16)}…</code></td></tr>`,
  )}</tbody></table>
<nav class="pages" aria-label="Pages">${first > 0 && previous !== '/ledger' ? html`<a href="/ledger">First page</a>` : ''}${
    first > 0 ? html`<a href="${previous}" rel="prev">Previous page</a>` : ''
  }${
    page.nextAfter !== undefined
      ? html`<a href="/ledger?after=${page.nextAfter}" rel="next">Next page</a>`
      : html`<span class="muted">Last page</span>`
  }</nav>`;
}

/** The newest checkpoints as stored: what they claim, untrusted until the verify button checks them. */
function checkpointTable(stored: StoredCheckpoint[]): Markup | string {
  if (stored.length === 0) return '';
  const newest = [...stored]
    .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
    .slice(0, newestShown);
  return html`<h2>Newest signed checkpoints</h2>
<p class="muted">As the evidence store keeps them; <em>Verify the ledger</em> checks each signature and tree head.</p>
<table><thead><tr><th scope="col" class="num">Tree size</th><th scope="col">Signed at (UTC)</th><th scope="col">Root hash</th><th scope="col">Object</th></tr></thead>
<tbody>${newest.map(({ key, value, damaged }) => {
    const head = (
      value as { checkpoint?: { size?: unknown; rootHash?: unknown; timestamp?: unknown } } | null
    )?.checkpoint;
    const size = typeof head?.size === 'number' ? String(head.size) : '—';
    const at = typeof head?.timestamp === 'string' ? when(head.timestamp) : '—';
    const root = typeof head?.rootHash === 'string' ? html`<code>${head.rootHash.slice(0, 16)}…</code>` : '—';
    const note = damaged ? html` <span class="badge bad">${damaged}</span>` : '';
    return html`<tr class="checkpoint${damaged ? ' damaged' : ''}"><td class="num">${size}</td><td>${at}</td><td>${root}</td><td><code>${key}</code>${note}</td></tr>`;
  })}</tbody></table>`;
}

function verdictPanel({ audit, bundles }: LedgerVerdict): Markup {
  const bundleFailures = bundles?.failures ?? [];
  if (!audit.ok) {
    const page = audit.seq > 0 ? `/ledger?after=${audit.seq - 1}` : '/ledger';
    return html`<div class="panel" role="alert" id="verdict"><p><span class="badge bad">TAMPERED</span> first bad entry
<a href="${page}#seq-${audit.seq}">seq ${audit.seq}</a> (${audit.fault}): ${audit.reason}</p></div>`;
  }
  const anchored = audit.trailing === 0 && audit.checkpoints > 0;
  return html`<div class="panel" role="status" id="verdict">
<p>${bundleFailures.length > 0 ? html`<span class="badge bad">TAMPERED evidence</span>` : anchored ? html`<span class="badge ok">ledger intact</span>` : html`<span class="badge warn">UNANCHORED</span>`}
${audit.size} entries, ${audit.anchored} covered by a signed checkpoint, ${audit.trailing} trailing it; ${audit.checkpoints} checkpoints and ${audit.decisions} decisions verified; root <code>${audit.rootHash}</code>.</p>
${anchored ? '' : html`<p>Entries after the newest signed checkpoint are protected by the hash chain alone until a checkpoint covers them (an intent is sealed when it concludes).</p>`}
${audit.clocks?.virtual ? html`<p id="virtual-clock">${audit.clocks.virtual} of the signed checkpoints say the ledger's instants are on a virtual clock (the local runtime's, which jumps over waits): they are not real times.</p>` : ''}
${bundles ? html`<p>Evidence bundles: ${bundles.checked - bundleFailures.length} of ${bundles.checked} as sealed.</p>` : ''}
${bundleFailures.length > 0 ? html`<ul>${bundleFailures.map((f) => html`<li>the bundle of <a href="${intentHref(f.intentId, '/evidence')}">${f.intentId}</a>, recorded at seq ${f.seq}: ${f.reason}</li>`)}</ul>` : ''}
</div>`;
}
