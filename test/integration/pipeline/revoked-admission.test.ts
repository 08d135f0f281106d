import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { withSession } from '../../../cli/session.js';
import { revokeAuthority } from '../../../lambdas/core/pipeline/revocations.js';
import { intentsBudgetMs } from '../../support/time-budget.js';

const example = JSON.parse(
  readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
);

describe('admission and revoked authority', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-revoked-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  test(
    'an intent whose requester lost authority is rejected at admission, naming the revocation',
    async () => {
      await withSession(
        { home, inMemory: true, clockStart: new Date('2026-11-03T15:00:00Z') },
        async ({ stack, pipeline }) => {
          // Prepare
          const requester: string = example.authority.requester;
          await revokeAuthority(
            {
              principal: requester,
              services: [example.change.service],
              reason: 'moved to another team',
              revokedBy: 'security',
            },
            { state: stack.deps.state, now: stack.clock.now() },
          );

          // Act
          const report = await pipeline.start({
            intent: { ...example, id: 'revoked-1' },
            caller: namedLocally(requester, 'test'),
          });

          // Assess
          expect(report.output?.admission?.verdict).toBe('rejected');
          const failed = report.output?.admission?.failed ?? [];
          expect(failed.map((f) => f.rule)).toContain('authority-not-revoked');
          expect(failed.find((f) => f.rule === 'authority-not-revoked')?.reason).toContain(
            'moved to another team',
          );
          const types = (await stack.deps.ledger.forIntent('main', 'revoked-1')).map((s) => s.entry.type);
          expect(types).toContain('admission.rejected');
          expect(types).not.toContain('decision.signed');
        },
      );
    },
    intentsBudgetMs(1),
  );
});
