import { consoleStyle } from './style.js';

/**
 * The console's only script: it refreshes the regions marked `data-live` (every N seconds, while the tab is
 * visible) by fetching the same page and swapping each region's content, unless the user is typing in it.
 * Everything works without it: each page is whole as served, and reloading shows the same.
 */
export const consoleScript = `(() => {
  const regions = () => [...document.querySelectorAll('[data-live]')];
  if (regions().length === 0) return;
  const seconds = Math.max(2, Math.min(...regions().map((r) => Number(r.dataset.live) || 5)));
  const busy = (region) =>
    region.contains(document.activeElement) ||
    [...region.querySelectorAll('textarea, input[type=text]')].some((field) => field.value !== '');
  async function refresh() {
    if (document.hidden) return;
    const response = await fetch(location.href, { credentials: 'same-origin', headers: { 'x-itv-live': '1' } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    for (const region of regions()) {
      const next = fresh.getElementById(region.id);
      if (next && !busy(region) && next.innerHTML !== region.innerHTML) region.innerHTML = next.innerHTML;
    }
  }
  setInterval(() => refresh().catch(() => {}), seconds * 1000);
})();
`;

export const consoleAssets: Record<string, { type: string; body: string }> = {
  '/assets/console.css': { type: 'text/css; charset=utf-8', body: consoleStyle },
  '/assets/console.js': { type: 'text/javascript; charset=utf-8', body: consoleScript },
};
