import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalDigest } from '../../lambdas/core/ledger/canonical-json.js';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

const example = (name: string) => join(root, 'examples', name);
const read = (name: string) => JSON.parse(readFileSync(example(name), 'utf8'));
const idOf = (stdout: string) => (JSON.parse(stdout) as { intentId: string }).intentId;

interface Exported {
  intentId: string;
  type: string;
  payload: Record<string, unknown>;
}

/**
 * Examples 10 and 11 as examples/README.md tells them, on the local runtime, as a user runs them: the express-pay
 * launch (11) is routed to a schema update; the schema update (10) releases contract 1.2.0; the launch, resubmitted
 * against 1.2.0 as the first answer said, is validated against exactly the contract the update released, and
 * releases.
 */
describe('the express-pay launch waits for its contract update, then releases against it', () => {
  let home: string;
  let asked: Awaited<ReturnType<typeof runItv>>;
  let update: string;
  let launch: Awaited<ReturnType<typeof runItv>>;
  let entries: Exported[];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-schema-story-'));
    asked = await runItv(home, ['submit', example('11-needs-schema-update.json'), '--as', 'alice']);
    const released = await runItv(home, [
      'submit',
      example('10-schema-update-flag.json'),
      '--as',
      'alice',
      '--json',
    ]);
    expect(released.code).toBe(0);
    expect(JSON.parse(released.stdout)).toMatchObject({ outcome: 'released' });
    update = idOf(released.stdout);
    const resubmitted = read('11-needs-schema-update.json');
    resubmitted.change.contractVersion = '1.2.0';
    const file = join(home, '11-against-1.2.0.json');
    writeFileSync(file, JSON.stringify(resubmitted));
    launch = await runItv(home, ['submit', file, '--as', 'alice', '--json']);
    const exported = await runItv(home, ['ledger', 'export']);
    expect(exported.code).toBe(0);
    entries = exported.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as { entry: Exported }).entry);
  }, intentsBudgetMs(3));
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test('the launch against 1.1.0 is asked for a schema update greater than 1.1.0', () => {
    expect(asked.stdout + asked.stderr).toContain('in a version greater than 1.1.0');
  });

  test('resubmitted against the version the schema update released, the launch releases', () => {
    expect(launch.stderr).toBe('');
    expect(launch.code).toBe(0);
    expect(JSON.parse(launch.stdout)).toMatchObject({ outcome: 'released' });
  });

  test('the schema update records the contract it registered, and the launch was validated against it', () => {
    const schema = read('10-schema-update-flag.json').change.payload.schema;
    const registered = entries.find((e) => e.intentId === update && e.type === 'contract.registered');
    expect(registered?.payload).toMatchObject({
      service: 'launch-flags',
      profile: 'flags',
      contractVersion: '1.2.0',
      contractDigest: canonicalDigest(schema),
    });
    const launchId = idOf(launch.stdout);
    const validated = entries.find((e) => e.intentId === launchId && e.type === 'structure.validated');
    expect(validated?.payload).toMatchObject({
      contractVersion: '1.2.0',
      contractDigest: canonicalDigest(schema),
      contractReleasedBy: update,
    });
  });

  test('the two go toward one goal: the value report counts its value once, carried by the schema update', async () => {
    // Act
    const report = await runItv(home, ['value', 'report', '--json']);

    // Assess
    expect(report.code).toBe(0);
    const { repeatedGoals } = JSON.parse(report.stdout) as {
      repeatedGoals: Array<{ outcome: string; released: number; countedIntentId: string }>;
    };
    expect(repeatedGoals).toEqual([
      expect.objectContaining({
        outcome: 'Returning shoppers pay in one tap',
        released: 2,
        countedIntentId: update,
      }),
    ]);
  });
});
