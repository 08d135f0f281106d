import { html, type Markup } from '../html.js';

/** The tone of a status badge: released is good, a refusal or rollback is bad, a wait is a wait. */
export function statusTone(status: string): 'ok' | 'bad' | 'warn' | 'wait' | 'info' {
  if (status === 'released') return 'ok';
  if (/^(rejected|refused|failed|rolled-back|schema-update)/.test(status)) return 'bad';
  if (status === 'frozen' || status === 'held' || status === 'preempted') return 'warn';
  if (/^(awaiting|admission\.(queued|scheduled))/.test(status)) return 'wait';
  return 'info';
}

export function statusBadge(status: string): Markup {
  return html`<span class="badge ${statusTone(status)}">${status}</span>`;
}

/** An instant as the ledger wrote it, shortened for a table (UTC, to the second). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, 'Z');
}

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  // A figure from the ledger that is not a finite number (an overflowed amount) is said, never drawn as Infinity.
  if (!Number.isFinite(value)) return 'overflow';
  // A positive amount that would round to $0 is said to be under a cent, never taken for nothing.
  if (value > 0 && value < 0.005) return '<$0.01';
  return `$${value.toLocaleString('en-US', { maximumFractionDigits: value >= 100 ? 0 : 2 })}`;
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

/** A message panel: what went wrong, in the API's words. */
export function notice(kind: 'ok' | 'bad' | 'info', text: string | Markup): Markup {
  return html`<div class="panel" role="${kind === 'bad' ? 'alert' : 'status'}"><span class="badge ${kind}">${
    kind === 'ok' ? 'done' : kind === 'bad' ? 'refused' : 'note'
  }</span> ${text}</div>`;
}
