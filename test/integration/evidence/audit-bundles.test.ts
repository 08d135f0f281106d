import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { EvidenceIntegrityError } from '../../../lambdas/core/errors.js';
import { auditBundles } from '../../../lambdas/core/evidence/audit-bundles.js';
import { storedBundleFiles } from '../../../lambdas/core/evidence/bundle-archive.js';
import {
  ARCHIVE_FILE,
  bundleKey,
  CHECKPOINT_FILE,
  MANIFEST_FILE,
} from '../../../lambdas/core/evidence/bundle-layout.js';
import { ustarArchive } from '../../../lambdas/core/evidence/ustar.js';
import type { EvidenceStore } from '../../../lambdas/ports/evidence-store.js';
import { type LocalStack, openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';
import { WriteOnceEvidence } from '../../unit/evidence/helpers/write-once-evidence.js';

const example = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${file}`, import.meta.url), 'utf8'));

/** The evidence store as someone with write access to the local folders left it: objects hidden or replaced. */
function tampered(
  evidence: EvidenceStore,
  edit: { hide?: (key: string) => boolean; replace?: Map<string, Uint8Array>; damage?: string },
): EvidenceStore {
  const hidden = edit.hide ?? (() => false);
  return {
    putObject: (key, body, type) => evidence.putObject(key, body, type),
    list: async (prefix) => (await evidence.list(prefix)).filter((key) => !hidden(key)),
    uriOf: (key) => evidence.uriOf(key),
    getObject: async (key) => {
      // What the content-addressed local store does on reading an object whose bytes were changed.
      if (key === edit.damage) throw new EvidenceIntegrityError(`evidence object ${key} was altered`);
      return hidden(key) ? undefined : (edit.replace?.get(key) ?? evidence.getObject(key));
    },
  };
}

/**
 * The ledger is the signed index of the evidence store: each `checkpoint.signed` entry names the SHA-256 of its
 * bundle's signed manifest, so a bundle deleted or swapped in a store whose folders can be written is caught.
 */
describe('bundles checked against the ledger that recorded them', () => {
  let stack: LocalStack;
  let ids: string[];
  let key: Uint8Array;
  let home: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-audit-bundles-'));
    stack = await openLocalStack({
      home,
      inMemory: true,
      clockStart: new Date('2026-11-04T17:00:00Z'),
    });
    const pipeline = new LocalPipeline(pipelineDefinition(), stack.deps, {
      scheduler: new DiscreteEventScheduler(stack.clock),
    });
    ids = [];
    for (const file of ['01-low-risk-flag.json', '03-policy-reject.json']) {
      const intent = example(file);
      const report = await pipeline.start({
        intent: { ...intent, timestamp: stack.clock.now().toISOString() },
        caller: namedLocally(intent.authority.requester, 'test'),
      });
      ids.push(report.intentId!);
    }
    key = await stack.deps.publicKey();
  });
  afterAll(async () => {
    await stack.close();
    rmSync(home, { recursive: true, force: true });
  });

  const entries = async () => (await stack.deps.ledger.read(stack.deps.ledgerName)).map((s) => s.entry);
  const audit = async (evidence: EvidenceStore) =>
    auditBundles(await entries(), (id) => storedBundleFiles(evidence, id), key);

  test('as sealed, every bundle the ledger records is there and verifies', async () => {
    const audited = await audit(stack.deps.evidence);
    expect(audited).toEqual({ checked: 2, failures: [] });
  });

  test('a deleted bundle is named, with the entry that recorded it', async () => {
    const [released] = ids;
    const view = tampered(stack.deps.evidence, { hide: (k) => k.startsWith(`bundles/${released}/`) });
    const audited = await audit(view);
    expect(audited.failures).toEqual([
      {
        intentId: released,
        seq: expect.any(Number),
        reason: `the bundle the ledger records is missing from the evidence store (bundles/${released}/)`,
      },
    ]);
    const recorded = (await entries()).find((e) => e.seq === audited.failures[0]!.seq);
    expect([recorded?.type, recorded?.intentId]).toEqual(['checkpoint.signed', released]);
  });

  test("a manifest replaced with another intent's is caught by its digest", async () => {
    const [released, rejected] = ids as [string, string];
    const other = await stack.deps.evidence.getObject(bundleKey(rejected, MANIFEST_FILE));
    const view = tampered(stack.deps.evidence, {
      replace: new Map([[bundleKey(released, MANIFEST_FILE), other!]]),
    });
    const audited = await audit(view);
    expect(audited.failures).toEqual([
      {
        intentId: released,
        seq: expect.any(Number),
        reason: expect.stringMatching(/^the manifest's SHA-256 is /),
      },
    ]);
  });

  test('a bundle is kept as three objects: its archive, the signed manifest and the pinned checkpoint', async () => {
    const [released] = ids as [string];
    expect(await stack.deps.evidence.list(`bundles/${released}/`)).toEqual(
      [ARCHIVE_FILE, CHECKPOINT_FILE, MANIFEST_FILE].map((name) => bundleKey(released, name)),
    );
  });

  test('a file changed under an intact manifest fails the bundle check that names it', async () => {
    const [released] = ids as [string];
    const files = await storedBundleFiles(stack.deps.evidence, released);
    files.set('decision.json', new TextEncoder().encode('[]'));
    files.delete(MANIFEST_FILE);
    const view = tampered(stack.deps.evidence, {
      replace: new Map([[bundleKey(released, ARCHIVE_FILE), ustarArchive(files, new Date())]]),
    });
    const audited = await audit(view);
    expect(audited.failures).toEqual([
      { intentId: released, seq: expect.any(Number), reason: expect.stringContaining('decision.json') },
    ]);
  });

  test('an archive that is not one, or a pinned checkpoint other than the archived one, names the object', async () => {
    const [released, rejected] = ids as [string, string];
    const archive = bundleKey(released, ARCHIVE_FILE);
    const pin = bundleKey(released, CHECKPOINT_FILE);
    const broken = tampered(stack.deps.evidence, {
      replace: new Map([[archive, new Uint8Array(512).fill(1)]]),
    });
    const otherPin = await stack.deps.evidence.getObject(bundleKey(rejected, CHECKPOINT_FILE));
    const swapped = tampered(stack.deps.evidence, { replace: new Map([[pin, otherPin!]]) });
    expect((await audit(broken)).failures).toEqual([
      {
        intentId: released,
        seq: expect.any(Number),
        reason: `the evidence store cannot serve the bundle: evidence object ${archive} is not a bundle archive: the header at offset 0 has a wrong checksum`,
      },
    ]);
    expect((await audit(swapped)).failures).toEqual([
      {
        intentId: released,
        seq: expect.any(Number),
        reason: `the evidence store cannot serve the bundle: evidence object ${pin} is not the checkpoint.json that ${archive} holds`,
      },
    ]);
  });

  test('a bundle an earlier itv kept as one object per file is read and verified as it is', async () => {
    const legacy = new WriteOnceEvidence();
    for (const id of ids) {
      for (const [name, body] of await storedBundleFiles(stack.deps.evidence, id)) {
        await legacy.putObject(bundleKey(id, name), body);
      }
    }
    expect(await legacy.list(`bundles/${ids[0]}/${ARCHIVE_FILE}`)).toEqual([]);
    expect(await audit(legacy)).toEqual({ checked: 2, failures: [] });
  });

  test('a file the store reports altered is a failure naming its key, not a crash', async () => {
    const [released] = ids as [string];
    const target = bundleKey(released, MANIFEST_FILE);
    const audited = await audit(tampered(stack.deps.evidence, { damage: target }));
    expect(audited.failures).toEqual([
      {
        intentId: released,
        seq: expect.any(Number),
        reason: `the evidence store cannot serve the bundle: evidence object ${target} was altered`,
      },
    ]);
  });
});
