import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';
import { auditStores } from '../../../lambdas/core/evidence/audit-stores.js';
import { verifyBundle } from '../../../lambdas/core/evidence/verify-bundle.js';
import {
  canonicalJson,
  checkpointBytes,
  checkpointOf,
  parseCheckpoint,
} from '../../../lambdas/core/ledger/index.js';
import { signCheckpoint, signPendingCheckpoints } from '../../../lambdas/core/pipeline/checkpoint.js';
import type { PipelineDeps } from '../../../lambdas/core/pipeline/deps.js';
import { openCheckpoint } from '../../../lambdas/core/signing/index.js';
import type { Clock } from '../../../lambdas/ports/clock.js';
import { systemClock } from '../../../lambdas/wiring/aws/runtime.js';
import { NOW } from '../core/fixtures.js';
import { appendFiller } from '../pipeline/helpers/filler-entry.js';
import { intentAt, pipelineHarness, runIntent } from '../pipeline/helpers/pipeline-harness.js';
import { WriteOnceEvidence } from './helpers/write-once-evidence.js';

const WALL = new Date('2026-12-05T11:05:00.000Z');

/** The pipeline harness on `driver`, the virtual clock the test moves, its stages reading time through `clock`. */
function on(driver: VirtualClock, clock: Clock = driver) {
  const h = pipelineHarness(NOW, driver);
  const evidence = new WriteOnceEvidence();
  const deps: PipelineDeps = { ...h.deps, clock, evidence };
  return { ...h, deps, evidence };
}

async function headOn(clock: Clock) {
  const h = on(new VirtualClock(NOW), clock);
  await appendFiller(h.deps, 'intent-1', 'test.filler', { n: 1 });
  const head = await signPendingCheckpoints(h.deps, 64);
  const payload = Buffer.from(head.signed.envelope.payload, 'base64').toString('utf8');
  return { head, payload, publicKey: await h.deps.publicKey() };
}

describe('a signed checkpoint says which clock its instants are on', () => {
  test('a virtual clock: its kind, that it jumps over waits, where it started and at what wall time', async () => {
    // Prepare
    const clock = new VirtualClock(NOW, { wallStartedAt: WALL });
    clock.advance(3_600_000);

    // Act
    const { head, payload, publicKey } = await headOn(clock);

    // Assess
    const expected = {
      kind: 'virtual',
      pace: 'discrete',
      startedAt: '2026-11-04T15:00:00.000Z',
      wallStartedAt: '2026-12-05T11:05:00.000Z',
    };
    expect(head.signed.checkpoint.clock).toEqual(expected);
    expect(head.signed.checkpoint.timestamp).toBe('2026-11-04T16:00:00.000Z');
    // It is signed: the DSSE payload carries it, and opening the envelope gives it back.
    expect(payload).toContain(`"clock":${canonicalJson(expected)}`);
    expect(openCheckpoint(head.signed.envelope, publicKey).clock).toEqual(expected);
  });

  test('a virtual clock that follows the wall (ITV_CLOCK=wall) says it runs at the pace of the wall', async () => {
    // Prepare
    const clock = new VirtualClock(NOW, { wallStartedAt: WALL });
    clock.follow(() => NOW.getTime() + 5_000);

    // Act
    const { head } = await headOn(clock);

    // Assess
    expect(head.signed.checkpoint.clock).toMatchObject({ kind: 'virtual', pace: 'wall' });
  });

  test("AWS's clock says its instants are the wall's", async () => {
    // Act
    const { head, payload } = await headOn(systemClock);

    // Assess
    expect(head.signed.checkpoint.clock).toEqual({ kind: 'wall' });
    expect(payload.startsWith('{"clock":{"kind":"wall"},"ledger":"test",')).toBe(true);
  });

  test('a clock that does not say leaves the field out: the four fields of earlier checkpoints', async () => {
    // Act
    const { head, payload } = await headOn({ now: () => NOW });

    // Assess
    expect(head.signed.checkpoint).not.toHaveProperty('clock');
    expect(payload).not.toContain('clock');
  });

  test('a clock other than wall or virtual, or a virtual clock without its start, is refused', () => {
    // Prepare
    const base = { ledger: 'main', size: 0, rootHash: checkpointOf('main', [], NOW.toISOString()).rootHash };
    const timestamp = NOW.toISOString();

    // Act / Assess
    expect(() => parseCheckpoint({ ...base, timestamp, clock: { kind: 'sundial' } })).toThrow(
      'checkpoint is malformed',
    );
    expect(() =>
      parseCheckpoint({ ...base, timestamp, clock: { kind: 'virtual', pace: 'discrete' } }),
    ).toThrow('checkpoint is malformed');
    expect(() =>
      parseCheckpoint({ ...base, timestamp, clock: { kind: 'wall', startedAt: timestamp } }),
    ).toThrow('checkpoint is malformed');
  });

  test('its signed bytes are the JCS of the fields with the clock among them, in key order', () => {
    // Prepare
    const checkpoint = { ...checkpointOf('main', [], NOW.toISOString()), clock: { kind: 'wall' as const } };

    // Act
    const text = Buffer.from(checkpointBytes(checkpoint)).toString('utf8');

    // Assess
    expect(text).toBe(canonicalJson(checkpoint));
    expect(text.startsWith('{"clock":{"kind":"wall"},"ledger":"main","rootHash":"e3b0c442')).toBe(true);
    expect(parseCheckpoint(checkpointBytes(checkpoint))).toEqual(checkpoint);
  });
});

describe('a bundle verifies and says which clock dated it', () => {
  test('a bundle sealed on a virtual clock verifies and its checkpoint check names the virtual clock', async () => {
    // Prepare
    const h = on(new VirtualClock(NOW, { wallStartedAt: WALL }));
    const state = await runIntent(h, intentAt(h));
    const intentId = state.declared!.intentId;

    // Act
    await signCheckpoint(intentId, h.deps);
    const verification = verifyBundle(h.evidence.bundle(intentId));

    // Assess
    expect(verification.ok).toBe(true);
    const check = verification.checks.find((c) => c.check === 'checkpoint signature');
    expect(check?.detail).toContain(
      'dated on a virtual clock started at 2026-11-04T15:00:00.000Z (wall 2026-12-05T11:05:00.000Z), jumping over waits',
    );
  });

  test('a bundle whose checkpoint names no clock, as earlier ones did not, still verifies', async () => {
    // Prepare: a clock that does not say what it is signs four-field checkpoints, as before.
    const clock = new VirtualClock(NOW);
    const quiet: Clock = { now: () => clock.now() };
    const h = on(clock, quiet);
    const state = await runIntent(h, intentAt(h));
    const intentId = state.declared!.intentId;

    // Act
    await signCheckpoint(intentId, h.deps);
    const verification = verifyBundle(h.evidence.bundle(intentId));

    // Assess
    expect(verification.ok).toBe(true);
    const pinned = JSON.parse(
      Buffer.from(h.evidence.bundle(intentId).get('checkpoint.json')!).toString('utf8'),
    );
    expect(pinned.checkpoint).not.toHaveProperty('clock');
    const check = verification.checks.find((c) => c.check === 'checkpoint signature');
    expect(check?.detail).toContain('its clock is not stated');
  });
});

describe('a ledger whose checkpoints name their clock only from some size on', () => {
  test('verifies, the new checkpoints linking to the old as signed, and counts them by clock', async () => {
    // Prepare: a head signed as earlier versions did (no clock), then one after it on a virtual clock.
    const clock = new VirtualClock(NOW, { wallStartedAt: WALL });
    const older = on(clock, { now: () => clock.now() });
    await appendFiller(older.deps, 'intent-1', 'test.filler', { n: 1 });
    const first = await signPendingCheckpoints(older.deps, 64);
    const newer = { ...older.deps, clock };
    await appendFiller(newer, 'intent-2', 'test.filler', { n: 2 });

    // Act
    const second = await signPendingCheckpoints(newer, 64);
    const audit = await auditStores({
      ledger: newer.ledger,
      evidence: newer.evidence,
      ledgerName: newer.ledgerName,
      publicKeySpkiDer: await newer.publicKey(),
    });

    // Assess
    expect(first.signed.checkpoint).not.toHaveProperty('clock');
    expect(second.signed.checkpoint.previous?.size).toBe(1);
    expect(audit).toMatchObject({ ok: true, anchored: 2, trailing: 0 });
    expect(audit).toMatchObject({ clocks: { wall: 0, virtual: 1, unstated: 1 } });
  });
});
