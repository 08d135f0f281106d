import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { ConsoleApi } from '../../../cli/console/console-api.js';
import { type RunningConsole, startConsole } from '../../../cli/console/server.js';
import {
  valueApiPath,
  valueFigures,
  valueReportDocument,
} from '../../../cli/console/views/value-document.js';
import { RemoteApiClient } from '../../../cli/remote/remote-client.js';
import type { ValueAnswer } from '../../../lambdas/core/value-answer.js';
import { artifactDir, findChromium, groupValueBy } from '../../support/browser.js';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  personCalling,
  reviewerCalling,
  reviewerOfRecord,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';
import { SignedApiFront } from '../harness/signed-api-front.js';
import { deployedRegion } from '../harness/template.js';

/**
 * `itv console` against the deployed stack, as a reviewer and an auditor run it: the console signs every
 * request with the user's own AWS credentials (SigV4, verified at API Gateway's door), so the reviewer of
 * record approves as themself, and the auditor opens evidence and verifies the ledger with what KMS signed.
 */
describe('the web console on the deployed stack', () => {
  let stack: DeployedStack;
  let front: SignedApiFront;
  const consoles: RunningConsole[] = [];

  /** A console signing as `who`, and a `fetch` of its pages with the session it set up. */
  const consoleAs = async (who: { accessKeyId: string; secretAccessKey: string }) => {
    const client = remoteAs(who);
    const running = await startConsole({
      api: new ConsoleApi({ kind: 'deployed', client, name: 'deployed', endpoint: front.url }, undefined),
    });
    consoles.push(running);
    const cookie = `${running.session.cookieName}=${running.session.openSession()}`;
    const origin = `http://127.0.0.1:${running.port}`;
    const get = async (path: string) => {
      const response = await fetch(`${origin}${path}`, { headers: { cookie }, redirect: 'manual' });
      return { status: response.status, text: await response.text() };
    };
    const post = async (path: string, form: Record<string, string>) => {
      const response = await fetch(`${origin}${path}`, {
        method: 'POST',
        headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form, form: running.session.formToken }).toString(),
        redirect: 'manual',
      });
      return { status: response.status, location: response.headers.get('location') ?? '' };
    };
    return { get, post, running };
  };
  /** The API client `itv` builds for a deployed context, signing as `who`. */
  const remoteAs = (who: { accessKeyId: string; secretAccessKey: string }) =>
    new RemoteApiClient('deployed', { endpoint: front.url, region: deployedRegion }, async () => who);

  /** A fresh high-risk change, submitted by its requester and parked for a reviewer of record. */
  const waitingForReview = async () => {
    const intent = example('04-high-risk-review.json');
    const requester = (intent.authority as { requester: string }).requester;
    const submitted = await stack.submit(declaredAt(intent, stack.clock.now()), personCalling(requester));
    expect(submitted.statusCode).toBe(202);
    expect(await stack.parkedForReview(submitted.intentId)).toBe(true);
    return { id: submitted.intentId, intent, requester };
  };

  beforeAll(async () => {
    stack = await deployStack({ ...suiteEnvironment(), start: unblockedStart(['04-high-risk-review.json']) });
    front = new SignedApiFront(stack, deployedRegion);
    await front.start();
  });
  afterAll(async () => {
    for (const running of consoles) await running.close();
    await front?.stop();
    await stack?.stop();
  });

  test("an auditor opens the released change's evidence verified, downloads it, and verifies the ledger", async () => {
    // Prepare: a change its reviewer of record approved with their own signed client (as `itv review` does).
    const { id: released, intent } = await waitingForReview();
    const reviewed = await remoteAs(front.credentialsFor(reviewerCalling(intent), 'reviewer')).call(
      'POST',
      `/intents/${released}/review`,
      { body: { decision: 'approve', reason: 'risk reviewed' } },
    );
    expect(reviewed.status).toBe(200);
    expect((await stack.finished(released)).status).toBe('SUCCEEDED');
    const auditor = await consoleAs(front.credentialsFor(personCalling('xavier', 'ItvReviewers'), 'auditor'));

    // Act
    const evidence = await auditor.get(`/intents/${released}/evidence`);
    const archive = await fetch(`http://127.0.0.1:${auditor.running.port}/intents/${released}/evidence.tar`, {
      headers: { cookie: `${auditor.running.session.cookieName}=${auditor.running.session.openSession()}` },
    });
    const verified = await auditor.post('/ledger/verify', { bundles: '1' });
    const verdict = await auditor.get(verified.location);

    // Assess
    expect(evidence.status).toBe(200);
    expect(evidence.text).toContain('<span class="badge ok">verified</span>');
    expect(archive.status).toBe(200);
    expect((await archive.arrayBuffer()).byteLength % 512).toBe(0);
    expect(verdict.text).toMatch(/<span class="badge ok">ledger intact<\/span>/);
    expect(verdict.text).toMatch(/Evidence bundles: (\d+) of \1 as sealed/);
  });

  const chromium = findChromium();
  if (chromium === undefined) {
    test('no Chromium on this machine: the deployed console is NOT driven in a browser, neither the review nor the value view (install chromium or set ITV_CHROMIUM)', () => {
      expect(findChromium()).toBeUndefined();
    });
  } else {
    /** Headless Chromium for `use`, closed after it. */
    const inChromium = async (use: (browser: Browser) => Promise<void>) => {
      const puppeteer = (await import('puppeteer-core')).default;
      const browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        args: ['--no-sandbox'],
      });
      try {
        await use(browser);
      } finally {
        await browser.close();
      }
    };
    /**
     * A person's own browser profile opened on their console's link: each person has their own, as the
     * consoles' session cookies are all 127.0.0.1's.
     */
    const openedIn = async (browser: Browser, running: RunningConsole) => {
      const page = await (await browser.createBrowserContext()).newPage();
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(running.url);
      return page;
    };
    const at = (running: RunningConsole, path: string) => new URL(path, running.url).href;
    const textOf = (page: Page, selector: string) => page.$eval(selector, (node) => node.textContent ?? '');

    test('in Chromium: the reviewer of record approves in the console as their own AWS identity; the requester is refused; it releases', async () => {
      // Prepare: the requester and the reviewer of record, each with a console signing as their own identity.
      const { id, intent, requester } = await waitingForReview();
      const before = front.requests.length;
      const asRequester = await consoleAs(front.credentialsFor(personCalling(requester), requester));
      const asReviewer = await consoleAs(front.credentialsFor(reviewerCalling(intent), 'reviewer'));

      await inChromium(async (browser) => {
        const reviewer = await openedIn(browser, asReviewer.running);
        const byRequester = await openedIn(browser, asRequester.running);

        // Act: the reviewer finds the change among those awaiting review and opens it.
        await reviewer.goto(at(asReviewer.running, '/?status=awaiting-review'));
        await Promise.all([reviewer.waitForNavigation(), reviewer.click(`a[href="/intents/${id}"]`)]);
        const waiting = {
          badge: await textOf(reviewer, 'h1 .badge'),
          who: await textOf(reviewer, 'header .who'),
          review: await textOf(reviewer, 'section[aria-labelledby="review-h"]'),
          buttons: await reviewer.$$eval('section[aria-labelledby="review-h"] button', (all) =>
            all.map((b) => b.textContent ?? ''),
          ),
          // Each status badge reads on one line (a wrapped one, e.g. `not-applicable`, is taller than the rest).
          badgeHeights: await reviewer.$$eval('.badge', (all) =>
            all.map((b) => (b as unknown as { offsetHeight: number }).offsetHeight),
          ),
        };
        await reviewer.screenshot({
          path: join(artifactDir(), 'deployed-intent-awaiting-review.png'),
          fullPage: true,
        });
        // The requester, in their own console, tries to approve their own change.
        await byRequester.goto(at(asRequester.running, `/intents/${id}`));
        await Promise.all([byRequester.waitForNavigation(), byRequester.click('button[value="approve"]')]);
        const refusal = await textOf(byRequester, '[role="alert"]');
        const stillWaiting = await textOf(byRequester, 'h1 .badge');
        await byRequester.screenshot({ path: join(artifactDir(), 'deployed-intent-review-refused.png') });
        // The reviewer approves through the page, with a reason.
        await reviewer.type('#review-reason', 'read it');
        await Promise.all([reviewer.waitForNavigation(), reviewer.click('button[value="approve"]')]);
        const approved = await textOf(reviewer, '[role="status"]');
        await stack.finished(id);
        await reviewer.goto(at(asReviewer.running, `/intents/${id}`));
        const after = {
          badge: await textOf(reviewer, 'h1 .badge'),
          charts: await reviewer.$$eval('figure.chart svg title', (titles) =>
            titles.map((t) => t.textContent ?? ''),
          ),
          timeline: await reviewer.$$eval('ol.timeline li', (items) => items.map((i) => i.textContent ?? '')),
        };

        // Assess
        expect(waiting.badge).toBe('awaiting-review');
        expect(waiting.who).toBe('deployed · your AWS identity (SigV4)');
        // The page names who may decide, so neither the reviewer nor the requester has to guess.
        expect(waiting.review).toContain(
          `May approve or reject: ${reviewerOfRecord(intent)} (its reviewers of record; never its requester, ${requester}).`,
        );
        expect(waiting.buttons).toEqual(['Approve', 'Reject']);
        expect(new Set(waiting.badgeHeights).size).toBe(1);
        expect(refusal).toContain(
          `The review was refused (403): ${requester} requested this change, and the requester cannot review it (separation of duties): another reviewer of record must (${reviewerOfRecord(intent)})`,
        );
        expect(stillWaiting).toBe('awaiting-review');
        expect(approved).toContain('Approved: recorded as your AWS identity');
        expect(after.badge).toBe('released');
        // The service's metrics from CloudWatch (GetMetricData under get-intent's own role), minute by minute.
        expect(after.charts).toContainEqual(
          expect.stringMatching(/^Monitored error rate, per 1 min, against its alarm itv-\S+-error-rate$/),
        );
        expect(after.timeline.find((text) => text.startsWith('review.approved'))).toMatch(/: read it$/);
      });
      const review = (await stack.ledger.forIntent(stack.ledgerName, id)).find(
        (stored) => stored.entry.type === 'review.approved',
      )!.entry.payload as { authenticatedAs: { method: string; arn: string } };
      expect(review.authenticatedAs).toMatchObject({ method: 'aws-iam', arn: reviewerCalling(intent).arn });
      const sent = front.requests.slice(before);
      expect(sent.length).toBeGreaterThan(3);
      expect(sent.every((request) => request.signed)).toBe(true);
    });

    test('in Chromium: a manager groups value by team and country (the totals the deployed API reports), opens evidence verified and verifies the ledger', async () => {
      // Prepare: a manager's console, signing as their own AWS identity, opened in a real browser, over the
      // changes released above (their authority names a team, their tags a country).
      const who = front.credentialsFor(personCalling('victor'), 'manager');
      const { running } = await consoleAs(who);
      await inChromium(async (browser) => {
        const page = await openedIn(browser, running);

        // Act: tick country and team in the form a manager uses; it lists the built-in dimensions (team among
        // them) before the tags (country), and groups in that order.
        await page.goto(at(running, '/value'));
        const { headings, totals } = await groupValueBy(page, ['country', 'team']);
        const answer = await remoteAs(who).call<ValueAnswer>('GET', valueApiPath({ by: 'team,country' }));

        // Assess
        expect(page.url()).toMatch(/by=team&by=country/);
        expect(headings.slice(0, 2)).toEqual(['team', 'country']);
        expect(answer.status).toBe(200);
        const report = valueReportDocument(answer.body, 'wall');
        expect(report.totals.released).toBeGreaterThan(0);
        expect(totals).toEqual(['total', '', ...valueFigures(report.totals)]);

        // A released change's evidence opens verified, and the ledger verifies, in the same browser.
        const released = (await stack.ledger.read(stack.ledgerName)).find(
          (stored) => stored.entry.type === 'intent.concluded',
        )!.entry.intentId;
        await page.goto(at(running, `/intents/${released}/evidence`));
        expect(await textOf(page, 'h1')).toContain('verified');
        await page.goto(at(running, '/ledger'));
        await Promise.all([page.waitForNavigation(), page.click('form[action="/ledger/verify"] button')]);
        expect(await textOf(page, '#verdict')).toMatch(/ledger intact/);
      });
    });
  }
});
