import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoScenarios, runDemo } from '../../cli/commands/demo.js';
import { withSession } from '../../cli/session.js';
import { intentsBudgetMs } from '../support/time-budget.js';

/**
 * The demo's scenarios through the real ASL on the local runtime: dynalite, the P-256 signer, the
 * AppConfig simulator, every stage's middy handler.
 */
describe('demo scenarios end to end', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-e2e-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  test(
    'every scenario ends as expected and the ledger verifies with the public key alone',
    async () => {
      // Act
      const { results, audit, ledgerTypes, compounding, continuity, rollbackAlarms } = await withSession(
        // A Saturday inside the year-end freeze: the demo must still show every outcome, whenever it is run.
        { home, inMemory: true, clockStart: new Date('2026-12-26T23:00:00Z') },
        async (session) => {
          const run = await runDemo(session, () => {});
          const entries = await session.stack.deps.ledger.read(session.stack.deps.ledgerName);
          return {
            ...run,
            ledgerTypes: entries.map((e) => `${e.entry.intentId} ${e.entry.type}`),
            rollbackAlarms: entries
              .filter((e) => e.entry.type === 'release.rollback-started')
              .map((e) => `${e.entry.intentId} ${e.entry.payload.alarm}`),
          };
        },
      );

      // Assess
      expect(results.map((r) => [r.scenario.file, r.status.status])).toEqual(
        demoScenarios.map((s) => [s.file, s.expected]),
      );
      expect(audit.ok).toBe(true);
      const byLabel = Object.fromEntries(results.map((r) => [r.scenario.label, r.status]));
      const types = (label: string) =>
        ledgerTypes
          .filter((line) => line.startsWith(`${byLabel[label]!.intentId} `))
          .map((line) => line.split(' ')[1]);

      expect(types('low-risk flag')).toEqual(
        expect.arrayContaining([
          'intent.declared',
          'structure.validated',
          'admission.admitted',
          'decision.signed',
          'verification.passed',
          'release.started',
          'release.deployment-completed',
          'observation.recorded',
          'intent.concluded',
          'checkpoint.signed',
        ]),
      );
      expect(byLabel['low-risk flag']!.timeToValueSeconds).toBeGreaterThan(0);
      expect(types('structural reject')).toEqual([
        'intent.declared',
        'structure.rejected',
        'intent.concluded',
        'checkpoint.signed',
      ]);
      expect(types('policy reject')).toContain('admission.rejected');
      expect(types('policy reject')).not.toContain('decision.signed');
      expect(types('high-risk review')).toEqual(
        expect.arrayContaining(['review.requested', 'review.approved', 'release.started']),
      );
      expect(types('high-risk review').indexOf('review.approved')).toBeLessThan(
        types('high-risk review').indexOf('release.started'),
      );
      expect(types('SLO regression')).toEqual(expect.arrayContaining(['release.rollback-started']));
      expect(types('SLO regression')).not.toContain('release.deployment-completed');
      expect(rollbackAlarms).toContain(
        `${byLabel['SLO regression']!.intentId} itv-customer-onboarding-error-rate`,
      );
      expect(types('policy breach')).toEqual(expect.arrayContaining(['release.started', 'release.stopped']));
      expect(types('policy breach')).not.toContain('release.deployment-completed');
      expect(compounding.last!.timeToValueSeconds!).toBeLessThan(compounding.first!.timeToValueSeconds!);
      expect(compounding.last!.strategy).not.toBe(compounding.first!.strategy);
      expect(types('compounding 5/5')).toContain('decision.reused');
      expect(continuity.reused).toBeGreaterThanOrEqual(4);

      // The queue: the second intent of the pair waited for the first and was released after it.
      const first = byLabel['queue: checkout for all']!.intentId;
      const second = byLabel['queue: waits its turn']!.intentId;
      const waited = types('queue: waits its turn');
      expect(waited.indexOf('admission.queued')).toBeGreaterThan(-1);
      expect(waited.indexOf('admission.queued')).toBeLessThan(waited.indexOf('admission.admitted'));
      // Learn frees the lane, so the second is admitted only after the first's release completed and was observed.
      expect(ledgerTypes.indexOf(`${first} observation.recorded`)).toBeLessThan(
        ledgerTypes.indexOf(`${second} admission.admitted`),
      );
    },
    intentsBudgetMs(demoScenarios.length),
  );
});
