import { loadCatalog } from '../../../catalog/index.js';
import { checkCompleteness, timestampSkewSeconds } from '../../../lambdas/core/completeness.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import { intentAt, pipelineHarness } from '../pipeline/helpers/pipeline-harness.js';
import { submittedBy } from './fixtures.js';

const catalog = loadCatalog();

describe("the intent's timestamp τ", () => {
  test('an intent dated in 2999 is refused at its timestamp, naming why, instead of being released now', () => {
    // Prepare
    const h = pipelineHarness();
    const intent = intentAt(h, (d) => {
      d.timestamp = '2999-01-01T00:00:00Z';
    });

    // Act
    const checked = checkCompleteness(intent, catalog, '', h.clock.now());

    // Assess
    expect(checked).toMatchObject({
      ok: false,
      storable: true,
      issues: [
        {
          path: 'timestamp',
          message: expect.stringMatching(
            /^is 2999-01-01T00:00:00Z, \d+ minutes after now .*submit it when it is due$/,
          ),
        },
      ],
    });
  });

  test('clock skew is allowed: an intent up to five minutes ahead is complete, one a second later is not', () => {
    const h = pipelineHarness();
    const dated = (aheadMs: number) =>
      intentAt(h, (d) => {
        d.timestamp = new Date(h.clock.now().getTime() + aheadMs).toISOString();
      });
    expect(checkCompleteness(dated(timestampSkewSeconds * 1000), catalog, '', h.clock.now()).ok).toBe(true);
    expect(checkCompleteness(dated(timestampSkewSeconds * 1000 + 1000), catalog, '', h.clock.now()).ok).toBe(
      false,
    );
    expect(checkCompleteness(dated(-30 * 86_400_000), catalog, '', h.clock.now()).ok).toBe(true);
  });

  test('DeclareIntent records a future-dated intent as incomplete, so it never runs', async () => {
    // Prepare
    const h = pipelineHarness();
    const intent = intentAt(h, (d) => {
      d.timestamp = new Date(h.clock.now().getTime() + 86_400_000).toISOString();
    });

    // Act
    const declared = await declareIntent({ intent, source: 'cli', caller: submittedBy(intent) }, h.deps);

    // Assess
    expect(declared).toMatchObject({ verdict: 'incomplete', issues: [{ path: 'timestamp' }] });
  });
});
