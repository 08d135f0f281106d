import { html, type Markup, trusted } from './html.js';
import { consoleStyle } from './style.js';

/** The console's views, in the order the top bar lists them. */
export const consoleViews = [
  { key: 'intents', label: 'Intents', href: '/' },
  { key: 'lanes', label: 'Lanes', href: '/lanes' },
  { key: 'ledger', label: 'Ledger', href: '/ledger' },
  { key: 'value', label: 'Value', href: '/value' },
] as const;
export type ConsoleView = (typeof consoleViews)[number]['key'];

export interface PageOptions {
  title: string;
  body: Markup;
  /** The view the top bar marks as current. */
  view?: ConsoleView;
  /** What the console talks to and as whom, shown in the top bar. */
  target?: string;
  /**
   * Served pages link the stylesheet and the small script that refreshes live regions; a self-contained file
   * (`itv value report --html`) inlines the stylesheet and has no script.
   */
  standalone?: boolean;
  /** False for someone not signed in: no views to go to, and nobody the console acts as. */
  navigation?: boolean;
}

/**
 * Every table in a box of its own that scrolls sideways, so a wide table never widens the page on a narrow
 * window. Done here once for every view: a view's markup holds no `<table` but its own (values are escaped).
 */
function scrollingTables(body: Markup): Markup {
  return trusted(
    body.text.replace(/<table\b/g, '<div class="table-wrap"><table').replace(/<\/table>/g, '</table></div>'),
  );
}

export function page(options: PageOptions): string {
  const head = options.standalone
    ? html`<style>${trusted(consoleStyle)}</style>`
    : html`<link rel="stylesheet" href="/assets/console.css"><script src="/assets/console.js" defer></script>`;
  const nav = options.standalone
    ? html``
    : options.navigation === false
      ? html`<header class="top"><span class="brand">itv</span></header>`
      : html`<header class="top"><a class="brand" href="/">itv</a><nav aria-label="Views">${consoleViews.map(
          (v) =>
            html`<a href="${v.href}"${trusted(v.key === options.view ? ' aria-current="page"' : '')}>${v.label}</a> `,
        )}</nav><span class="who">${options.target ?? ''}</span></header>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · itv</title>${head}</head>
<body><a class="skip" href="#content">Skip to content</a>${nav}<main id="content" tabindex="-1">${scrollingTables(options.body)}</main>${
    // What the refresh changed, said once, politely: the refreshed regions themselves are not live.
    options.standalone
      ? ''
      : html`<div id="announcer" class="visually-hidden" role="status" aria-live="polite"></div>`
  }</body></html>
`.text;
}
