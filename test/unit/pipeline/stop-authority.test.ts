import { catalogData } from '../../../catalog/index.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { ConfigurationError, NotInControlError } from '../../../lambdas/core/errors.js';
import { parseCatalog } from '../../../lambdas/core/parse-catalog.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { planRetry } from '../../../lambdas/core/pipeline/retry-intent.js';
import { requestStop } from '../../../lambdas/core/pipeline/stop-intent.js';
import { type Harness, intentAt, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';

/** bob (a growth engineer, not an owner) requests a change to launch-flags, which alice owns. */
async function bobsChangeStoppedBy(who: string): Promise<{ h: Harness; intentId: string }> {
  const h = pipelineHarness();
  const intent = intentAt(h, (draft) => {
    draft.authority = { requester: 'bob', team: 'growth', role: 'engineer' };
  });
  const verified = await runToVerify(h, intent);
  const intentId = verified.declared!.intentId;
  await requestStop({ intentId, reason: 'CAB withdrew approval', caller: namedLocally(who, 'test') }, h.deps);
  await learn(
    { ...verified, stopped: { Error: 'IntentStoppedError', Cause: `stopped at Verify by ${who}: x` } },
    h.deps,
  );
  return { h, intentId };
}

const retryAs = (h: Harness, intentId: string, who: string) =>
  planRetry(intentId, namedLocally(who, 'test'), h.deps).catch((error: unknown) => error);

describe('who may retry after a stop', () => {
  test('an owner stopped it: its requester alone may not retry it; the owner may', async () => {
    // Prepare
    const { h, intentId } = await bobsChangeStoppedBy('alice');
    // Act
    const byRequester = await retryAs(h, intentId, 'bob');
    const byOwner = await retryAs(h, intentId, 'alice');
    // Assess
    expect(byRequester).toBeInstanceOf(NotInControlError);
    expect((byRequester as Error).message).toMatch(
      /^bob may not retry intent .*: it was stopped by alice \(an owner of launch-flags\); only an owner of launch-flags \(alice\) or a release steward \(heidi\) may retry it$/,
    );
    expect(byOwner).toMatchObject({ intentId, previousRunId: intentId });
  });

  test('the requester stopped it: the requester may retry it', async () => {
    const { h, intentId } = await bobsChangeStoppedBy('bob');
    expect(await retryAs(h, intentId, 'bob')).toMatchObject({ intentId, previousRunId: intentId });
  });

  test('a release steward stopped it: the requester may not retry it; the steward or an owner may', async () => {
    // Prepare: heidi is the catalog's release steward, neither requester nor owner of launch-flags.
    const { h, intentId } = await bobsChangeStoppedBy('heidi');
    // Act
    const byRequester = await retryAs(h, intentId, 'bob');
    const bySteward = await retryAs(h, intentId, 'heidi');
    const byOwner = await retryAs(h, intentId, 'alice');
    // Assess
    expect(byRequester).toBeInstanceOf(NotInControlError);
    expect((byRequester as Error).message).toMatch(
      /^bob may not retry intent .*: it was stopped by heidi \(a release steward\); only an owner of launch-flags \(alice\) or a release steward \(heidi\) may retry it$/,
    );
    expect(bySteward).toMatchObject({ intentId });
    expect(byOwner).toMatchObject({ intentId });
  });
});

describe('release stewards', () => {
  test('the ledger records by whom a stop was made and under which authority', async () => {
    for (const [who, as] of [
      ['bob', 'requester'],
      ['alice', 'owner'],
      ['heidi', 'release-steward'],
    ]) {
      const { h, intentId } = await bobsChangeStoppedBy(who!);
      const entries = await h.ledger.forIntent('test', intentId);
      const stopped = entries.find((s) => s.entry.type === 'intent.stopped')!.entry.payload;
      expect(stopped).toMatchObject({ by: who, as });
    }
  });

  test('anybody else is refused a stop, told that a release steward may', async () => {
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const refused = await requestStop(
      { intentId: verified.declared!.intentId, reason: 'x', caller: namedLocally('judy', 'test') },
      h.deps,
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NotInControlError);
    expect((refused as Error).message).toMatch(
      /: only its requester alice or an owner of launch-flags \(alice\) or a release steward \(heidi\) may$/,
    );
  });

  test('the catalog refuses a release steward who is no principal', () => {
    const bad = { ...catalogData, releaseStewards: ['nobody'] };
    expect(() => parseCatalog(bad)).toThrow(ConfigurationError);
    expect(() => parseCatalog(bad)).toThrow(/releaseStewards\[0\].*unknown principal "nobody"/);
  });
});
