import { statusFilterName } from '../../../lambdas/core/pipeline/intent-list.js';
import { usd as formatUsd } from '../../format.js';
import { html, type Markup } from '../html.js';

/** The tone of a status badge: released is good, a refusal or rollback is bad, a wait is a wait. */
export function statusTone(status: string): 'ok' | 'bad' | 'warn' | 'wait' | 'info' {
  if (status === 'released') return 'ok';
  if (/^(rejected|refused|failed|rolled-back|schema-update)/.test(status)) return 'bad';
  if (status === 'frozen' || status === 'held' || status === 'rolled-forward' || status === 'preempted')
    return 'warn';
  if (/^(awaiting|admission\.(queued|scheduled))/.test(status)) return 'wait';
  return 'info';
}

/**
 * A status as the list's filter names it (`queued` for `admission.queued`), so what a row shows can be chosen in
 * the filter; `data-status` is what the page's script compares between two refreshes to announce a change.
 */
export function statusBadge(status: string): Markup {
  const name = statusFilterName(status);
  return html`<span class="badge ${statusTone(status)}" data-status="${name}">${name}</span>`;
}

/** An instant as the ledger wrote it, shortened for a table (UTC, to the second). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, 'Z');
}

/**
 * An amount as the CLI and the value table write it, to the cent (`$4.00`, `$1,234.50`), `<$0.01` under a cent
 * and `overflow` for one that is not a finite number; `—` for none.
 */
export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return formatUsd(value);
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export function intentHref(intentId: string, suffix = ''): string {
  return `/intents/${encodeURIComponent(intentId)}${suffix}`;
}

/**
 * A message panel: what went wrong, in the API's words. The answer of an action (`flash`) takes focus when the
 * page loads, so a screen reader reads it rather than a notice present at load that it would not announce.
 */
export function notice(
  kind: 'ok' | 'bad' | 'info',
  text: string | Markup,
  options: { flash?: boolean } = {},
): Markup {
  const flash = options.flash ? html` id="flash" tabindex="-1" data-kind="${kind}"` : '';
  return html`<div class="panel" role="${kind === 'bad' ? 'alert' : 'status'}"${flash}><span class="badge ${kind}">${
    kind === 'ok' ? 'done' : kind === 'bad' ? 'refused' : 'note'
  }</span> ${text}</div>`;
}
