import { catalog } from '../core/fixtures.js';
import { intentAt, pipelineHarness, runIntent, runToVerify } from './helpers/pipeline-harness.js';

/*
 * A service's catalog tags (what is true of every change to it) are recorded with each of its intents' own tags,
 * on the declaration and on the conclusion the value report groups by; an intent may add tags but not contradict
 * its service's.
 */

const launchFlags = catalog.services['launch-flags']!;

async function entryOf(h: ReturnType<typeof pipelineHarness>, intentId: string, type: string) {
  const stored = (await h.ledger.forIntent('test', intentId)).find(({ entry }) => entry.type === type);
  return stored?.entry.payload as Record<string, unknown> | undefined;
}

describe("a service's catalog tags", () => {
  test('the sample catalog gives launch-flags a business unit and a product line', () => {
    expect(launchFlags.tags).toEqual({
      businessUnit: 'commerce',
      productLine: 'checkout',
      serviceLine: 'storefront',
    });
  });

  test('are recorded with the intent own tags on its declaration and its conclusion', async () => {
    // Prepare
    const h = pipelineHarness();
    const intent = intentAt(h, (draft) => {
      draft.tags = { region: 'EMEA', team: 'growth' };
    });

    // Act
    const state = await runIntent(h, intent);

    // Assess
    const intentId = state.declared!.intentId;
    const expected = {
      businessUnit: 'commerce',
      productLine: 'checkout',
      serviceLine: 'storefront',
      region: 'EMEA',
      team: 'growth',
    };
    expect((await entryOf(h, intentId, 'intent.declared'))?.tags).toEqual(expected);
    expect((await entryOf(h, intentId, 'intent.concluded'))?.tags).toEqual(expected);
    // The intent as declared stays the requester's own: the catalog's tags are beside it, not written into it.
    const declared = (await entryOf(h, intentId, 'intent.declared')) as { intent: { tags: unknown } };
    expect(declared.intent.tags).toEqual({
      region: 'EMEA',
      team: 'growth',
    });
  });

  test('an intent repeating a catalog tag with the same value is declared as usual', async () => {
    const h = pipelineHarness();
    const state = await runToVerify(
      h,
      intentAt(h, (draft) => {
        draft.tags = { productLine: 'checkout' };
      }),
    );
    expect(state.structure?.verdict).toBe('valid');
  });

  test('an intent contradicting one is rejected at validation, naming the tag, the catalog value and what to do', async () => {
    // Prepare
    const h = pipelineHarness();
    const intent = intentAt(h, (draft) => {
      draft.tags = { productLine: 'payments', region: 'NA' };
    });

    // Act
    const refused = await runToVerify(h, intent).catch((error: Error) => error.message);

    // Assess
    expect(refused).toContain('"path":"tags.productLine"');
    expect(refused).toContain(
      `the catalog records launch-flags's productLine as \\"checkout\\": a change to it may add tags, not contradict its service's`,
    );
  });
});
