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
}

export function page(options: PageOptions): string {
  const head = options.standalone
    ? html`<style>${trusted(consoleStyle)}</style>`
    : html`<link rel="stylesheet" href="/assets/console.css"><script src="/assets/console.js" defer></script>`;
  const nav = options.standalone
    ? html``
    : html`<header class="top"><a class="brand" href="/">itv</a><nav aria-label="Views">${consoleViews.map(
        (v) =>
          html`<a href="${v.href}"${trusted(v.key === options.view ? ' aria-current="page"' : '')}>${v.label}</a> `,
      )}</nav><span class="who">${options.target ?? ''}</span></header>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · itv</title>${head}</head>
<body>${nav}<main id="main">${options.body}</main></body></html>
`.text;
}
