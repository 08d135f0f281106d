import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { consoleScript } from '../../cli/console/assets.js';
import { page as consolePage } from '../../cli/console/page.js';
import { type RunningConsole, startConsole } from '../../cli/console/server.js';
import { evidenceView } from '../../cli/console/views/evidence-view.js';
import { artifactDir, findChromium } from '../support/browser.js';
import { fakeConsoleApi, intentOf } from '../support/console-fake-api.js';

/** What the page functions below read in the browser (this file compiles without the DOM's types). */
interface Node {
  id: string;
  textContent: string | null;
  hidden: boolean;
  tagName: string;
  value: string;
  getBoundingClientRect(): { width: number; height: number; left: number; top: number };
  compareDocumentPosition(other: Node): number;
  checkVisibility(): boolean;
  closest(selector: string): Node | null;
}
declare const document: {
  title: string;
  activeElement: Node | null;
  documentElement: { scrollWidth: number };
  querySelector(selector: string): Node | null;
  querySelectorAll(selector: string): Node[];
};
declare const window: {
  kept?: Node | null;
  axe: { run(): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> };
};

const chromium = findChromium();
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

if (chromium === undefined) {
  test('no Chromium on this machine: the console accessibility browser tests are SKIPPED (install chromium or set ITV_CHROMIUM)', () => {
    expect(findChromium()).toBeUndefined();
  });
} else {
  /**
   * The console as a keyboard and screen-reader user meets it in a real browser, against an API the test
   * changes between two refreshes: what is announced, what happens when the session ends, a phone-sized
   * window, the first Tab, and the answer of a review.
   */
  describe('the web console in Chromium, by keyboard and screen reader', () => {
    let browser: Browser;
    let page: Page;
    let running: RunningConsole;
    let fake: ReturnType<typeof fakeConsoleApi>;
    const shots = artifactDir();

    const open = async (path: string) => {
      const response = await page.goto(new URL(path, running.url.replace(/\/\?.*$/, '/')).href, {
        waitUntil: 'load',
      });
      return response?.status();
    };
    const liveRequests = () => {
      let count = 0;
      page.on('request', (r) => {
        if (r.headers()['x-itv-live'] === '1') count++;
      });
      return () => count;
    };

    beforeAll(async () => {
      const puppeteer = (await import('puppeteer-core')).default;
      browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox'] });
    });
    beforeEach(async () => {
      fake = fakeConsoleApi();
      fake.intents.set('int-1', intentOf('int-1', { title: 'Faster checkout' }));
      fake.intents.set(
        'int-2',
        intentOf('int-2', { title: 'Queued flag', status: 'admission.queued', waitingFor: ['int-1'] }),
      );
      running = await startConsole({ api: fake.api });
      page = await browser.newPage();
      await page.setBypassCSP(true);
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(running.url);
    });
    afterEach(async () => {
      await page?.close();
      await running?.close();
    });
    afterAll(async () => {
      await browser?.close();
    });

    test('a status change is announced in one polite sentence; the heading read is not replaced', async () => {
      // Prepare
      expect(await open('/intents/int-1')).toBe(200);
      await page.evaluate(() => {
        window.kept = document.querySelector('h1');
      });

      // Act
      fake.intents.set('int-1', intentOf('int-1', { title: 'Faster checkout', status: 'releasing' }));

      // Assess
      await page.waitForFunction(
        () => document.querySelector('#announcer')?.textContent?.includes('is now releasing'),
        { timeout: 10_000 },
      );
      expect(await page.$eval('#announcer', (n) => n.textContent)).toBe(
        'int-1 (Faster checkout) is now releasing',
      );
      expect(await page.$eval('h1 .badge', (n) => n.textContent)).toBe('releasing');
      expect(await page.evaluate(() => window.kept === document.querySelector('h1'))).toBe(true);
    });

    test('a status change on the list is announced with the intent it is of', async () => {
      expect(await open('/')).toBe(200);
      fake.intents.set(
        'int-1',
        intentOf('int-1', { title: 'Faster checkout', status: 'released', outcome: 'released' }),
      );
      await page.waitForFunction(() => document.querySelector('#announcer')?.textContent !== '', {
        timeout: 10_000,
      });
      expect(await page.$eval('#announcer', (n) => n.textContent)).toBe(
        'int-1 (Faster checkout) is now released',
      );
    });

    test('while the reader is in the review form, its region is left alone', async () => {
      expect(await open('/intents/int-1')).toBe(200);
      await page.focus('#review-reason');
      fake.intents.set('int-1', intentOf('int-1', { title: 'Faster checkout', status: 'releasing' }));
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(await page.$eval('h1 .badge', (n) => n.textContent)).toBe('awaiting-review');
    });

    test('when the session ends, a refresh says so, says how to get a new link, and stops refreshing', async () => {
      // Prepare
      expect(await open('/intents/int-1')).toBe(200);
      const refreshes = liveRequests();
      await page.type('#review-reason', 'checked the rollback plan');

      // Act
      fake.expire();

      // Assess
      await page.waitForSelector('[role="alert"]', { timeout: 10_000 });
      const alert = await page.$eval('[role="alert"]', (n) => n.textContent ?? '');
      expect(alert).toMatch(/console session has ended/i);
      expect(alert).toContain('itv console');
      const seen = refreshes();
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(refreshes()).toBe(seen);
      expect(
        await page.$eval('button[value="approve"]', (b) => (b as unknown as { disabled: boolean }).disabled),
      ).toBe(true);
      // What was typed is kept in the tab, and filled in again when the page is back.
      fake.renew();
      await page.reload({ waitUntil: 'load' });
      expect(await page.$eval('#review-reason', (n) => n.value)).toBe('checked the rollback plan');
    });

    test('at 390 px no page scrolls sideways, and axe finds nothing', async () => {
      // Prepare: long hashes and ids, as a real bundle and ledger have.
      await page.setViewport({ width: 390, height: 844 });
      const files = new Map([
        ['intent.json', new TextEncoder().encode('{"title":"Faster checkout"}')],
        ['decision.dsse.json', new TextEncoder().encode('{}')],
      ]);
      const verification = {
        ok: true,
        keyid: 'a'.repeat(64),
        checks: [{ check: 'signature', ok: true, detail: `decision signed by ${'b'.repeat(64)}` }],
      };
      const evidence = consolePage({
        title: 'Evidence',
        standalone: true,
        body: evidenceView('int-1', files, verification as never, true),
      });

      const seen: Array<[string, number, string[]]> = [];
      for (const path of ['/', '/value', '/lanes', '/ledger', '/intents/int-1', 'evidence']) {
        // Act
        if (path === 'evidence') {
          await page.setContent(evidence, { waitUntil: 'load' });
          await page.addScriptTag({ content: consoleScript });
        } else expect([path, await open(path)]).toEqual([path, 200]);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () =>
          (await window.axe.run()).violations.map((v) => `${v.id} (${v.nodes.length})`),
        );
        await page.screenshot({
          path: join(shots, `narrow-${path.replace(/\W+/g, '-').replace(/^-|-$/g, '') || 'intents'}.png`),
          fullPage: true,
        });

        seen.push([path, width, violations]);
      }

      // Assess
      expect(seen.filter(([, width, violations]) => width > 390 || violations.length > 0)).toEqual([]);
    });

    test('the first Tab reaches a visible skip link to the content; on /value the results come within a few Tabs', async () => {
      // Act
      expect(await open('/value')).toBe(200);
      await page.keyboard.press('Tab');
      const skip = await page.evaluate(() => {
        const a = document.activeElement!;
        const box = a.getBoundingClientRect();
        return { text: a.textContent, width: box.width, top: box.top };
      });
      await page.keyboard.press('Enter');
      const focused = await page.evaluate(() => document.activeElement?.id);
      // Every visible focusable thing before the table of results, skip link and top bar included.
      const before = await page.evaluate(() => {
        const table = document.querySelector('table.value-groups')!;
        return [...document.querySelectorAll('a[href], button, input, select, textarea, summary')].filter(
          (n) => n.checkVisibility() && (table.compareDocumentPosition(n) & 2) !== 0,
        ).length;
      });

      // Assess
      expect(skip.text).toBe('Skip to content');
      expect(skip.width).toBeGreaterThan(20);
      expect(skip.top).toBeGreaterThanOrEqual(0);
      expect(focused).toBe('content');
      expect(before).toBeLessThanOrEqual(8);
    });

    test('after an approval the result takes focus and names the page', async () => {
      expect(await open('/intents/int-1')).toBe(200);
      await Promise.all([page.waitForNavigation(), page.click('button[value="approve"]')]);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('flash');
      expect(await page.evaluate(() => document.title)).toBe('Approved · Faster checkout · itv');
    });
  });
}
