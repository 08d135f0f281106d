import { consoleStyle } from './style.js';

/**
 * The console's only script. Everything works without it: each page is whole as served, and reloading shows
 * the same. It
 * - refreshes the regions marked `data-live` (every N seconds, while the tab is visible) by fetching the same
 *   page, unless the user is in the region or has typed in it; only the parts that changed are replaced, so what
 *   a screen reader is reading stays in place;
 * - says what changed in one polite sentence (`#announcer`): a status badge (`data-status`) that changed, of the
 *   row's intent (`data-intent`) or of the page's;
 * - when a refresh is refused with 401, says that the console session ended and how to get a new link, and stops;
 * - keeps what is typed into a form in the tab (sessionStorage), so a reason survives a refused submit;
 * - moves focus to the answer of an action (`#flash`), and lets a table that overflows be scrolled by keyboard.
 */
export const consoleScript = `(() => {
  const flash = document.getElementById('flash');
  if (flash) flash.focus();
  const saved = (field) => 'itv-field:' + location.pathname + '#' + field.id;
  const fields = [...document.querySelectorAll('form[method=post] textarea[id], form[method=post] input[type=text][id]')];
  for (const field of fields) {
    // An action answered: what was typed for it is done with.
    if (flash && flash.dataset.kind === 'ok') sessionStorage.removeItem(saved(field));
    const kept = sessionStorage.getItem(saved(field));
    if (kept && field.value === '') field.value = kept;
    field.addEventListener('input', () => sessionStorage.setItem(saved(field), field.value));
  }
  const scrollable = () => {
    for (const box of document.querySelectorAll('.table-wrap')) {
      const overflows = box.scrollWidth > box.clientWidth;
      if (overflows && !box.hasAttribute('tabindex')) {
        box.tabIndex = 0;
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', 'Table, scrolls sideways');
      } else if (!overflows && box.hasAttribute('tabindex')) {
        box.removeAttribute('tabindex');
        box.removeAttribute('role');
        box.removeAttribute('aria-label');
      }
    }
  };
  scrollable();
  addEventListener('resize', scrollable);

  const regions = () => [...document.querySelectorAll('[data-live]')];
  if (regions().length === 0) return;
  const seconds = Math.max(2, Math.min(...regions().map((r) => Number(r.dataset.live) || 5)));
  const busy = (region) =>
    region.contains(document.activeElement) ||
    [...region.querySelectorAll('textarea, input[type=text]')].some((field) => field.value !== '');
  const pageIntent = decodeURIComponent((/^\\/intents\\/([^/]+)$/.exec(location.pathname) || [])[1] || '');
  // The statuses a region shows, by the intent each is of: a row's, else the page's own.
  const statuses = (root) => {
    const found = new Map();
    for (const badge of root.querySelectorAll('[data-status]')) {
      const row = badge.closest('[data-intent]');
      const id = row ? row.dataset.intent : pageIntent;
      if (!id || found.has(id)) continue;
      const title = row ? row.dataset.name : document.querySelector('h1')?.firstChild?.textContent?.trim();
      found.set(id, { status: badge.dataset.status, name: title && title !== id ? id + ' (' + title + ')' : id });
    }
    return found;
  };
  const announcer = document.getElementById('announcer');
  const announce = (sentences) => {
    if (!announcer || sentences.length === 0) return;
    announcer.textContent = '';
    setTimeout(() => { announcer.textContent = sentences.join('. '); }, 100);
  };
  const sameAttributes = (a, b) =>
    a.attributes.length === b.attributes.length &&
    [...a.attributes].every((attribute) => b.getAttribute(attribute.name) === attribute.value);
  const sameKind = (a, b) =>
    a.nodeType === b.nodeType && (a.nodeType !== 1 || (a.tagName === b.tagName && sameAttributes(a, b)));
  // Replaces only what differs, down to the smallest element that changed: what stayed is left in place.
  const patch = (current, next) => {
    let at = 0;
    for (const other of [...next.childNodes]) {
      const mine = [...current.childNodes];
      const equal = mine.findIndex((node, k) => k >= at && node.isEqualNode(other));
      const node = mine[at];
      if (equal >= 0) {
        // What lies before the equal node is gone from the fresh page.
        for (const gone of mine.slice(at, equal)) gone.remove();
      } else if (node && sameKind(node, other)) {
        if (node.nodeType === 1) patch(node, other);
        else node.data = other.data;
      } else {
        current.insertBefore(document.importNode(other, true), node ?? null);
      }
      at++;
    }
    for (const gone of [...current.childNodes].slice(at)) gone.remove();
  };
  let timer;
  const sessionEnded = () => {
    clearInterval(timer);
    if (document.getElementById('session-ended')) return;
    const alert = document.createElement('div');
    alert.id = 'session-ended';
    alert.className = 'panel';
    alert.setAttribute('role', 'alert');
    alert.innerHTML = '<strong>The console session has ended.</strong> This page no longer refreshes, and its ' +
      'forms would be refused. Run <code>itv console</code> again and open the link it prints; what you typed ' +
      'here is kept in this tab and filled in again.';
    for (const button of document.querySelectorAll('form[method=post] button')) button.disabled = true;
    document.querySelector('main').prepend(alert);
  };
  async function refresh() {
    if (document.hidden) return;
    const response = await fetch(location.href, { credentials: 'same-origin', headers: { 'x-itv-live': '1' } });
    if (response.status === 401) return sessionEnded();
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    const changes = [];
    for (const region of regions()) {
      const next = fresh.getElementById(region.id);
      if (!next || busy(region) || next.innerHTML === region.innerHTML) continue;
      const before = statuses(region);
      patch(region, next);
      for (const [id, now] of statuses(region)) {
        const was = before.get(id);
        if (!was) changes.push(now.name + ' is new, ' + now.status);
        else if (was.status !== now.status) changes.push(now.name + ' is now ' + now.status);
      }
      if (!next.hasAttribute('data-live')) region.removeAttribute('data-live');
    }
    announce(changes);
  }
  timer = setInterval(() => refresh().catch(() => {}), seconds * 1000);
})();
`;

export const consoleAssets: Record<string, { type: string; body: string }> = {
  '/assets/console.css': { type: 'text/css; charset=utf-8', body: consoleStyle },
  '/assets/console.js': { type: 'text/javascript; charset=utf-8', body: consoleScript },
};
