import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Browser, Page } from 'puppeteer-core';
import { connect } from '../../cli/api/itv-api.js';
import { ConsoleApi } from '../../cli/console/console-api.js';
import { type RunningConsole, startConsole } from '../../cli/console/server.js';
import { valueFigures } from '../../cli/console/views/value-document.js';
import { startLocalTables } from '../integration/ledger/dynalite-fixture.js';
import { artifactDir, findChromium, groupValueBy } from '../support/browser.js';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/** What the page functions below read in the browser (this file compiles without the DOM's types). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare const window: { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } };

const chromium = findChromium();
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

if (chromium === undefined) {
  test('no Chromium on this machine: the console browser tests are SKIPPED (install chromium or set ITV_CHROMIUM)', () => {
    expect(findChromium()).toBeUndefined();
  });
} else {
  /**
   * The console in a real browser against the local stack, as its users would use it: a reviewer approves a
   * change that waits for them, anyone sees a rollback on the rollout chart with its alarm, a compliance
   * officer verifies evidence and sees a tampered ledger fail. Every view is checked with axe-core and
   * photographed into test-artifacts/console.
   */
  describe('the web console in Chromium', () => {
    let home: string;
    let browser: Browser;
    let page: Page;
    let running: RunningConsole;
    let reviewId: string;
    let rolledBackId: string;
    const shots = artifactDir();

    const submit = async (file: string, who: string, wait: boolean, code = 0) => {
      const run = await runItv(home, [
        'submit',
        file.includes('/') ? file : join(root, 'examples', file),
        '--as',
        who,
        '--json',
        ...(wait ? ['--wait'] : []),
      ]);
      expect([run.code, run.stderr]).toEqual([code, '']);
      return JSON.parse(run.stdout) as { intentId: string; status: string };
    };
    const open = async (path: string) => {
      const response = await page.goto(new URL(path, running.url).href, { waitUntil: 'load' });
      return response?.status();
    };
    const axe = async (name: string) => {
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run();
        return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
      });
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
      return violations;
    };
    const startAs = async (who: string) => {
      await running?.close();
      running = await startConsole({
        api: new ConsoleApi(await connect({ kind: 'local', home }), { named: who, via: 'test' }),
      });
      await page.goto(running.url);
    };

    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'itv-console-browser-'));
      reviewId = (await submit('04-high-risk-review.json', 'victor', false)).intentId;
      rolledBackId = (await submit('05-slo-regression.json', 'bob', true, 2)).intentId;
      const puppeteer = (await import('puppeteer-core')).default;
      browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox'] });
      page = await browser.newPage();
      // axe-core is injected as an inline script, which the console's Content-Security-Policy refuses.
      await page.setBypassCSP(true);
      await page.setViewport({ width: 1280, height: 900 });
      await startAs('xavier');
    }, intentsBudgetMs(3));
    afterAll(async () => {
      await browser?.close();
      await running?.close();
      await runItv(home, ['control-plane', 'stop']);
      rmSync(home, { recursive: true, force: true });
    }, setupMs);

    test(
      'a reviewer of record opens the waiting change from the list, approves it, and watches it release',
      async () => {
        expect(await open('/?status=awaiting-review')).toBe(200);
        expect(await axe('intents')).toEqual([]);
        await Promise.all([page.waitForNavigation(), page.click(`a[href="/intents/${reviewId}"]`)]);
        expect(await page.$eval('h1 .badge', (b) => b.textContent)).toBe('awaiting-review');
        expect(await axe('intent-awaiting-review')).toEqual([]);

        await page.type('#review-reason', 'read the diff; the rollback plan holds');
        await Promise.all([page.waitForNavigation(), page.click('button[value="approve"]')]);
        expect(await page.$eval('[role="status"]', (n) => n.textContent)).toContain(
          'Approved: recorded as xavier',
        );
        await page.waitForFunction(
          () =>
            document.querySelector('h1 .badge')?.textContent === 'released' ||
            document.querySelector('#intent-live')?.textContent?.includes('intent.concluded'),
          { timeout: 120_000 },
        );
        await open(`/intents/${reviewId}`);
        expect(await page.$eval('h1 .badge', (b) => b.textContent)).toBe('released');
        const approved = await page.$$eval('ol.timeline li', (items) =>
          items.map((i) => i.textContent ?? ''),
        );
        // Who reviewed, and how they signed in: a local name, which nothing verified.
        expect(approved.find((text) => text.startsWith('review.approved'))).toContain(
          'by xavier (a local name (test), not verified): read the diff',
        );
        expect(await page.$eval('body', (b) => b.textContent)).toContain('signature valid');
        expect(await axe('intent-released')).toEqual([]);
      },
      intentsBudgetMs(2),
    );

    test(
      'a reviewer who is not of record is refused, naming why; its requester stops it, then retries it',
      async () => {
        const second = join(home, 'second-review.json');
        const intent = JSON.parse(readFileSync(join(root, 'examples', '04-high-risk-review.json'), 'utf8'));
        writeFileSync(second, JSON.stringify({ ...intent, id: 'console-second-review' }));
        const again = await submit(second, 'victor', false);
        await startAs('mallory');
        await open(`/intents/${again.intentId}`);
        await Promise.all([page.waitForNavigation(), page.click('button[value="approve"]')]);
        expect(await page.$eval('[role="alert"]', (n) => n.textContent)).toMatch(
          /The review was refused \(40[13]\)/,
        );
        expect(await page.$eval('h1 .badge', (b) => b.textContent)).toBe('awaiting-review');

        // Its requester stops it from the console instead: withdrawn where it waits, then retryable.
        await startAs('victor');
        await open(`/intents/${again.intentId}`);
        await page.type('#stop-reason', 'superseded by a smaller change');
        await Promise.all([page.waitForNavigation(), page.click('form[action$="/stop"] button')]);
        expect(await page.$eval('[role="status"]', (n) => n.textContent)).toContain(
          'Stop requested: recorded as victor',
        );
        await page.waitForFunction(() => document.querySelector('h1 .badge')?.textContent === 'stopped', {
          timeout: 120_000,
          polling: 100,
        });
        await open(`/intents/${again.intentId}`);
        expect(await page.$eval('form[action$="/retry"] button', (b) => b.textContent)).toBe('Retry');
        expect(await axe('intent-stopped')).toEqual([]);

        // Retried from the console: the notice links the new attempt, and the old page offers no second retry.
        await Promise.all([page.waitForNavigation(), page.click('form[action$="/retry"] button')]);
        const attempt = `${again.intentId}:attempt-2`;
        const attemptHref = `/intents/${encodeURIComponent(attempt)}`;
        expect(await page.$eval('[role="status"]', (n) => n.textContent)).toContain(
          `Retried: recorded as victor. It runs again as ${attempt}.`,
        );
        await Promise.all([page.waitForNavigation(), page.click(`[role="status"] a[href="${attemptHref}"]`)]);
        for (let k = 0; k < 300 && !(await page.$('#stop-reason')); k++) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          await open(attemptHref);
        }
        // Withdrawn again, so that every intent has concluded when the ledger is verified below.
        await page.type('#stop-reason', 'not this week');
        await Promise.all([page.waitForNavigation(), page.click('form[action$="/stop"] button')]);
        await page.waitForFunction(() => document.querySelector('h1 .badge')?.textContent === 'stopped', {
          timeout: 120_000,
          polling: 100,
        });
        await open(`/intents/${again.intentId}`);
        expect(await page.$eval('#intent-live', (n) => n.textContent)).toContain(
          `Retried as ${attempt} by victor`,
        );
        expect(await page.$(`#intent-live a[href="${attemptHref}"]`)).not.toBeNull();
        expect(await page.$('form[action$="/retry"]')).toBeNull();
        expect(await axe('intent-retried')).toEqual([]);
        await startAs('xavier');
      },
      intentsBudgetMs(2),
    );

    test('a rollback is drawn on the rollout chart with the alarm that caused it', async () => {
      expect(await open(`/intents/${rolledBackId}`)).toBe(200);
      const chart = await page.$eval('figure.chart svg', (svg) => svg.textContent ?? '');
      expect(chart).toMatch(/rolled back: itv-\S+ in ALARM/);
      expect(
        await page.$$eval('figure.chart svg line[stroke-dasharray]', (lines) => lines.length),
      ).toBeGreaterThan(0);
      // The monitored error rate minute by minute, against the threshold its rollback alarm tripped at.
      const titles = await page.$$eval('figure.chart svg title', (all) =>
        all.map((t) => t.textContent ?? ''),
      );
      expect(titles).toContainEqual(
        expect.stringMatching(/^Monitored error rate, per 1 min, against its alarm itv-\S+-error-rate$/),
      );
      expect(await axe('intent-rolled-back')).toEqual([]);
    });

    test('evidence opens verified, check by check, and downloads as one tar archive', async () => {
      expect(await open(`/intents/${rolledBackId}/evidence`)).toBe(200);
      expect(await page.$eval('h1', (h) => h.textContent)).toContain('verified');
      const archive = await page.evaluate(async (href) => {
        const response = await fetch(href);
        return {
          status: response.status,
          type: response.headers.get('content-type'),
          size: (await response.arrayBuffer()).byteLength,
        };
      }, `/intents/${rolledBackId}/evidence.tar`);
      expect(archive).toMatchObject({ status: 200, type: 'application/x-tar' });
      expect(archive.size % 512).toBe(0);
      expect(await axe('evidence')).toEqual([]);
    });

    test('a manager groups value by team and region; the totals are those `itv value report --json` prints', async () => {
      // Act: the form lists the built-in dimensions (team among them) before the tags (region), and groups in
      // the order it lists them.
      expect(await open('/value')).toBe(200);
      const { headings, totals } = await groupValueBy(page, ['region', 'team']);
      const cli = await runItv(home, ['value', 'report', '--by', 'team,region', '--json']);

      // Assess
      expect(page.url()).toMatch(/by=team&by=region/);
      expect(headings.slice(0, 2)).toEqual(['team', 'region']);
      expect(cli.code).toBe(0);
      const report = JSON.parse(cli.stdout) as { totals: Parameters<typeof valueFigures>[0] };
      expect(totals).toEqual(['total', '', ...valueFigures(report.totals)]);
      expect(await page.$$eval('figure svg[role="img"]', (charts) => charts.length)).toBeGreaterThan(2);
      expect(await axe('value')).toEqual([]);
    });

    test(
      'the lanes view and the ledger verify; an edited ledger entry fails, naming the first bad entry',
      async () => {
        expect(await open('/lanes')).toBe(200);
        expect(await axe('lanes')).toEqual([]);
        expect(await open('/ledger')).toBe(200);
        await Promise.all([page.waitForNavigation(), page.click('form[action="/ledger/verify"] button')]);
        // Every intent has concluded and been sealed: a signed checkpoint covers every entry.
        expect(await page.$eval('#verdict', (n) => n.textContent)).toMatch(
          /ledger intact[\s\S]*0 trailing it[\s\S]*Evidence bundles: 4 of 4 as sealed/,
        );
        expect(await axe('ledger-verified')).toEqual([]);

        // Edit one stored entry behind the ledger's back, with the control plane stopped.
        expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
        const tables = await startLocalTables(join(home, 'dynamodb'));
        let edited: number;
        try {
          const { Items } = await tables.client.send(new ScanCommand({ TableName: tables.names.ledger }));
          const target = (Items ?? []).find((item) => item.entry?.S?.includes('"type":"review.approved"'))!;
          edited = JSON.parse(target.entry!.S!).seq as number;
          await tables.client.send(
            new UpdateItemCommand({
              TableName: tables.names.ledger,
              Key: Object.fromEntries(
                Object.entries(target).filter(([name]) => !['entry', 'hash', 'intentId'].includes(name)),
              ),
              UpdateExpression: 'SET entry = :e',
              ExpressionAttributeValues: { ':e': { S: target.entry!.S!.replace('xavier', 'mallory') } },
            }),
          );
        } finally {
          await tables.close();
        }
        await open('/ledger');
        await Promise.all([page.waitForNavigation(), page.click('form[action="/ledger/verify"] button')]);
        const verdict = await page.$eval('#verdict', (n) => n.textContent ?? '');
        expect(verdict).toContain('TAMPERED');
        expect(verdict).toMatch(new RegExp(`first bad entry\\s+seq ${edited} \\(hash-mismatch\\)`));
        expect(await axe('ledger-tampered')).toEqual([]);
      },
      intentsBudgetMs(2),
    );
  });
}
