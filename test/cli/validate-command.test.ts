import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dueAtText, writeScheduledIntent } from '../support/due-instant.js';
import { root, runItv } from '../support/run-itv.js';
import { appendsBudgetMs, setupMs } from '../support/time-budget.js';

/** `itv validate FILE` as a user runs it: `POST /intents?dryRun=true` on the home's control plane. */
describe('itv validate', () => {
  let home: string;
  const commandMs = appendsBudgetMs(60);
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-validate-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'exit 0 for an admissible intent, 2 naming the field a contract refuses, 1 for an incomplete one; the ledger stays empty',
    async () => {
      const empty = join(home, 'empty.json');
      writeFileSync(empty, '{}');
      const validate = (example: string, as: string, ...options: string[]) =>
        runItv(home, ['validate', join(root, 'examples', example), '--as', as, ...options]);
      const admissible = await validate('01-low-risk-flag.json', 'alice');
      const structural = await validate('02-structural-reject.json', 'dana', '--json');
      const structuralText = await validate('02-structural-reject.json', 'dana');
      const denied = await validate('03-policy-reject.json', 'rachel');
      const incomplete = await runItv(home, ['validate', empty, '--as', 'alice']);
      const exported = await runItv(home, ['ledger', 'export']);

      expect([admissible.code, admissible.stdout]).toEqual([
        0,
        expect.stringMatching(/policy\s+admitted, risk tier \d/),
      ]);
      expect(admissible.stdout).toMatch(/nothing recorded/);
      expect(structural.code).toBe(2);
      expect(JSON.parse(structural.stdout)).toMatchObject({
        verdict: 'rejected-structure',
        structure: { errors: [expect.objectContaining({ path: expect.stringMatching(/^change\.payload/) })] },
      });
      // Each field named once; a change the policy set refuses names no strategy it would be released by.
      expect(structuralText.stdout).toContain('\n  change.payload.maxDiscountPercent must be number\n');
      expect([denied.code, denied.stdout]).toEqual([
        2,
        expect.stringMatching(/\npolicy\s+rejected, risk tier \d\n/),
      ]);
      expect(incomplete.code).toBe(1);
      expect(incomplete.stderr).toMatch(/goal/);
      expect([exported.code, exported.stdout]).toEqual([0, '']);
    },
    commandMs,
  );

  test(
    'a payload key holding control characters is quoted back written out, never sent raw to the terminal',
    async () => {
      // Prepare: alice's flag change with a key the contract lacks, named with ESC and a bidi override.
      const intent = JSON.parse(readFileSync(join(root, 'examples', '01-low-risk-flag.json'), 'utf8'));
      intent.change.payload['new-checkout']['x\u001b[31m\u202e'] = true;
      const file = join(home, 'escaped-key.json');
      writeFileSync(file, JSON.stringify(intent));

      // Act
      const validated = await runItv(home, ['validate', file, '--as', 'alice']);

      // Assess
      expect(validated.code).toBe(2);
      expect(validated.stdout).toContain('x\\u001b[31m\\u202e');
      expect(validated.stdout).not.toContain('\u001b');
      expect(validated.stdout).not.toContain('\u202e');
    },
    commandMs,
  );

  test(
    'an intent asked for hours ahead would be scheduled for that instant: exit 0, judged as of it, nothing recorded',
    async () => {
      // Prepare: alice's flag change, dated now, asked for about three hours ahead.
      const { file, due } = writeScheduledIntent(home, 'later.json');

      // Act
      const validated = await runItv(home, ['validate', file, '--as', 'alice']);
      const asJson = await runItv(home, ['validate', file, '--as', 'alice', '--json']);
      const exported = await runItv(home, ['ledger', 'export']);

      // Assess
      expect([validated.code, validated.stderr]).toEqual([0, '']);
      expect(validated.stdout).toMatch(/policy\s+scheduled, risk tier \d/);
      expect(validated.stdout).toContain(`would be scheduled for ${dueAtText(due)}`);
      expect(asJson.code).toBe(0);
      expect(JSON.parse(asJson.stdout)).toMatchObject({
        verdict: 'scheduled',
        policy: { verdict: 'scheduled', dueAt: dueAtText(due), failed: [] },
      });
      expect([exported.code, exported.stdout]).toEqual([0, '']);
    },
    commandMs,
  );
});
