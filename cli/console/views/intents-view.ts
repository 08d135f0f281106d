import { filterableStatuses, type IntentPage } from '../../../lambdas/core/pipeline/intent-list.js';
import { html, type Markup } from '../html.js';
import { intentHref, notice, statusBadge, when } from './parts.js';

/** The filters the list view passes on to `GET /intents`, as the form names them. */
export const intentFilters = ['status', 'service', 'team', 'tag', 'since', 'cursor'] as const;

/** The statuses the API filters by, as a row's badge names them: what a row shows can be chosen here. */
const statusChoices = [
  ['', 'any'],
  ...filterableStatuses.map((status) => [status, status.replace(/^(in|awaiting)-/, '$1 ')]),
] as const;

/** A row's link is named by the intent's title (its id below it); `data-*` let the script announce a change. */
export function intentCell(intentId: string, title: string | null | undefined): Markup {
  return title
    ? html`<a href="${intentHref(intentId)}">${title}</a><br><span class="muted">${intentId}</span>`
    : html`<a href="${intentHref(intentId)}">${intentId}</a>`;
}

export function intentRowAttributes(intentId: string, title: string | null | undefined): Markup {
  return html` data-intent="${intentId}"${title ? html` data-name="${title}"` : ''}`;
}

/**
 * The intents, newest first: a filter form (a GET, so a filtered view is a link), the page as a table whose
 * region refreshes itself while it shows the first page, and the link to the next page.
 */
export function intentsView(page: IntentPage | undefined, query: URLSearchParams, error?: string): Markup {
  const value = (name: string) => query.get(name) ?? '';
  const first = !query.get('cursor');
  const next = page?.nextCursor
    ? `/?${new URLSearchParams([...[...query.entries()].filter(([k]) => k !== 'cursor'), ['cursor', page.nextCursor]])}`
    : undefined;
  const rows = (page?.items ?? []).map(
    (item) => html`<tr${intentRowAttributes(item.intentId, item.title)}>
<td>${intentCell(item.intentId, item.title)}</td><td>${item.service ?? '—'}</td><td>${item.team ?? '—'}</td>
<td>${statusBadge(item.status)}</td><td class="num">${item.tier ?? '—'}</td>
<td>${when(item.declaredAt)}</td><td>${when(item.updatedAt)}</td><td class="muted">${item.lastStep}</td></tr>`,
  );
  return html`<h1>Intents</h1>
<form class="filters" method="get" action="/" aria-label="Filter intents">
<label>Status<select name="status">${statusChoices.map(
    ([v, label]) =>
      html`<option value="${v}"${value('status') === v ? html` selected` : ''}>${label}</option>`,
  )}</select></label>
<label>Service<input name="service" value="${value('service')}" size="16"></label>
<label>Team<input name="team" value="${value('team')}" size="12"></label>
<label>Tag<input name="tag" value="${value('tag')}" placeholder="region=EU" size="14"></label>
<label>Since<input name="since" value="${value('since')}" placeholder="2026-11-01" size="12"></label>
<button type="submit">Filter</button> <a href="/">clear</a></form>
${error ? notice('bad', error) : listed(page, query, rows, first, next)}`;
}

/** The page of intents under the form; an error answers alone, never with an empty table beside it. */
function listed(
  page: IntentPage | undefined,
  query: URLSearchParams,
  rows: Markup[],
  first: boolean,
  next: string | undefined,
): Markup {
  return html`<div id="intents"${first ? html` data-live="5"` : ''}>
<table><caption class="visually-hidden">Intents, newest first</caption>
<thead><tr><th scope="col">Intent</th><th scope="col">Service</th><th scope="col">Team</th>
<th scope="col">Status</th><th scope="col" class="num">Tier</th><th scope="col">Declared (UTC)</th>
<th scope="col">Updated (UTC)</th><th scope="col">Last step</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="8" class="muted">No intent matches${page?.searchedBackTo ? ' among the newest entries' : ''}.</td></tr>`}</tbody></table>
${page?.searchedBackTo && next ? html`<p class="muted">Searched back to ${when(page.searchedBackTo)}; <a href="${next}">search older intents</a>.</p>` : ''}
</div>
<nav class="pages" aria-label="Pages">${first ? '' : html`<a href="/?${new URLSearchParams([...query.entries()].filter(([k]) => k !== 'cursor')).toString()}">First page</a>`}${
    next ? html`<a href="${next}" rel="next">Next page</a>` : html`<span class="muted">Last page</span>`
  }</nav>`;
}
