import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './run-itv.js';

/**
 * The Chromium the browser tests drive: ITV_CHROMIUM, or Debian's `chromium` (`.ci/run` installs it when
 * absent), or another usual place. Undefined on a machine with none: the browser tests then say so.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.ITV_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ];
  return candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
}

/** Where screenshots of the console are written: test artifacts CI can keep. */
export function artifactDir(): string {
  const dir = join(root, 'test-artifacts', 'console');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * On the console's value view (already open in `page`), groups by `dimensions` through the form a manager uses
 * and answers the table's column headings and its totals row, as the page shows them.
 */
export async function groupValueBy(
  page: import('puppeteer-core').Page,
  dimensions: readonly string[],
): Promise<{ headings: Array<string | null>; totals: Array<string | null> }> {
  // The form is folded away until the address asks something: a manager opens it first.
  await page.$eval('details.value-query', (details) => {
    (details as unknown as { open: boolean }).open = true;
  });
  await page.$$eval('input[name="by"]', (boxes) => {
    for (const box of boxes as unknown as Array<{ checked: boolean }>) box.checked = false;
  });
  for (const dimension of dimensions) await page.click(`input[name="by"][value="${dimension}"]`);
  await Promise.all([page.waitForNavigation(), page.click('form.value-query button[type="submit"]')]);
  const totals = await page.$$eval('table.value-groups tfoot td', (cells) => cells.map((c) => c.textContent));
  const headings = await page.$$eval('table.value-groups thead th', (cells) =>
    cells.map((c) => c.textContent),
  );
  return { headings, totals };
}
