import { ConsoleApi } from '../../../cli/console/console-api.js';
import { type RunningConsole, startConsole } from '../../../cli/console/server.js';
import {
  valueApiPath,
  valueFigures,
  valueReportDocument,
} from '../../../cli/console/views/value-document.js';
import { RemoteApiClient } from '../../../cli/remote/remote-client.js';
import type { ValueAnswer } from '../../../lambdas/core/value-answer.js';
import { findChromium, groupValueBy } from '../../support/browser.js';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  personCalling,
  reviewerCalling,
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
    const cookie = `itv-console=${running.session.secret}`;
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

  test('the reviewer of record approves in the console as their own AWS identity; the requester is refused; it releases', async () => {
    // Prepare
    const intent = example('04-high-risk-review.json');
    const requester = (intent.authority as { requester: string }).requester;
    const submitted = await stack.submit(declaredAt(intent, stack.clock.now()), personCalling(requester));
    expect(submitted.statusCode).toBe(202);
    const id = submitted.intentId;
    await stack.parkedForReview(id);
    const before = front.requests.length;
    const asRequester = await consoleAs(front.credentialsFor(personCalling(requester), requester));
    const asReviewer = await consoleAs(front.credentialsFor(reviewerCalling(intent), 'reviewer'));

    // Act
    const listed = await asReviewer.get('/?status=awaiting-review');
    const page = await asReviewer.get(`/intents/${id}`);
    const bySelf = await asRequester.post(`/intents/${id}/review`, { decision: 'approve' });
    const refusal = await asRequester.get(bySelf.location);
    const approved = await asReviewer.post(`/intents/${id}/review`, {
      decision: 'approve',
      reason: 'read it',
    });
    await stack.finished(id);
    const after = await asReviewer.get(`/intents/${id}`);

    // Assess
    expect(listed.status).toBe(200);
    expect(listed.text).toContain(`/intents/${id}`);
    expect(page.text).toContain('button type="submit" name="decision" value="approve"');
    expect(page.text).toContain('deployed · your AWS identity (SigV4)');
    expect(refusal.text).toMatch(/The review was refused \(40[139]\)/);
    expect(approved.status).toBe(303);
    expect(after.text).toMatch(/<span class="badge ok">released<\/span>/);
    // The service's metrics from CloudWatch (GetMetricData under get-intent's own role), minute by minute.
    expect(after.text).toMatch(/Monitored error rate, per 1 min, against its alarm itv-\S+-error-rate/);
    const review = (await stack.ledger.forIntent(stack.ledgerName, id)).find(
      (stored) => stored.entry.type === 'review.approved',
    )!.entry.payload as { authenticatedAs: { method: string; arn: string } };
    expect(review.authenticatedAs).toMatchObject({ method: 'aws-iam', arn: reviewerCalling(intent).arn });
    const sent = front.requests.slice(before);
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.every((request) => request.signed)).toBe(true);
  });

  test("an auditor opens the released change's evidence verified, downloads it, and verifies the ledger", async () => {
    // Prepare
    const auditor = await consoleAs(front.credentialsFor(personCalling('xavier', 'ItvAuditors'), 'auditor'));
    const released = (await stack.ledger.read(stack.ledgerName)).find(
      (stored) => stored.entry.type === 'intent.concluded',
    )!.entry.intentId;

    // Act
    const evidence = await auditor.get(`/intents/${released}/evidence`);
    const archive = await fetch(
      `${'http://127.0.0.1'}:${consoles.at(-1)!.port}/intents/${released}/evidence.tar`,
      {
        headers: { cookie: `itv-console=${consoles.at(-1)!.session.secret}` },
      },
    );
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
    test('no Chromium on this machine: the deployed console is NOT driven in a browser (install chromium or set ITV_CHROMIUM)', () => {
      expect(findChromium()).toBeUndefined();
    });
  } else {
    test('in Chromium: a manager groups value by country and team (the totals the deployed API reports), opens evidence verified and verifies the ledger', async () => {
      // Prepare: a manager's console, signing as their own AWS identity, opened in a real browser, over the
      // change the first test released (its tags name a country and a team).
      const who = front.credentialsFor(personCalling('victor'), 'manager');
      const { running } = await consoleAs(who);
      const puppeteer = (await import('puppeteer-core')).default;
      const browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        args: ['--no-sandbox'],
      });
      try {
        const page = await browser.newPage();
        await page.goto(running.url);

        // Act: group by country, then team, through the form a manager uses.
        await page.goto(new URL('/value', running.url).href);
        const { headings, totals } = await groupValueBy(page, ['country', 'team']);
        const answer = await remoteAs(who).call<ValueAnswer>('GET', valueApiPath({ by: 'country,team' }));

        // Assess
        expect(page.url()).toMatch(/by=country&by=team/);
        expect(headings.slice(0, 2)).toEqual(['country', 'team']);
        expect(answer.status).toBe(200);
        const report = valueReportDocument(answer.body, 'wall');
        expect(report.totals.released).toBeGreaterThan(0);
        expect(totals).toEqual(['total', '', ...valueFigures(report.totals)]);

        // The released change's evidence opens verified, and the ledger verifies, in the same browser.
        const released = (await stack.ledger.read(stack.ledgerName)).find(
          (stored) => stored.entry.type === 'intent.concluded',
        )!.entry.intentId;
        await page.goto(new URL(`/intents/${released}/evidence`, running.url).href);
        expect(await page.$eval('h1', (h) => h.textContent)).toContain('verified');
        await page.goto(new URL('/ledger', running.url).href);
        await Promise.all([page.waitForNavigation(), page.click('form[action="/ledger/verify"] button')]);
        expect(await page.$eval('#verdict', (n) => n.textContent)).toMatch(/ledger intact/);
      } finally {
        await browser.close();
      }
    });
  }
});
