import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { checkpointsFileOf, ledgerVerifyCommand } from '../../../cli/commands/ledger.js';
import { LocalSigner } from '../../../lambdas/adapters/local/local-signer.js';
import { spkiToPem } from '../../../lambdas/core/evidence/pem.js';
import { canonicalJson } from '../../../lambdas/core/ledger/index.js';
import { compressedSpki } from './helpers/compressed-key.js';
import { exportOf, type SignedLedger, signedLedger } from './helpers/signed-ledger.js';
import { tampers } from './helpers/tampers.js';

/** `itv ledger verify --file EXPORT --public-key PEM` on what a malicious store exported. */
describe('itv ledger verify --file, against tampered exports', () => {
  let ledger: SignedLedger;
  let dir: string;
  const printed: string[] = [];
  beforeAll(async () => {
    ledger = await signedLedger(5);
    dir = mkdtempSync(join(tmpdir(), 'itv-verify-'));
    writeFileSync(join(dir, 'key.pem'), spkiToPem(ledger.publicKey));
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      printed.push(String(line));
    });
    jest.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterAll(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  async function verifyFiles(
    name: string,
    entries: SignedLedger['entries'],
    objects: SignedLedger['objects'],
    options: { acceptTail?: boolean; json?: boolean; witness?: string[]; publicKey?: string } = {},
  ) {
    const file = join(dir, `${name.replaceAll(/\W+/g, '-')}.jsonl`);
    writeFileSync(file, exportOf(entries));
    writeFileSync(checkpointsFileOf(file), objects.map((o) => `${canonicalJson(o.value)}\n`).join(''));
    printed.length = 0;
    const code = await ledgerVerifyCommand({ file, publicKey: join(dir, 'key.pem'), ...options });
    return { code, output: printed.join('\n') };
  }

  test('an honest export exits 0', async () => {
    const { code, output } = await verifyFiles('honest', ledger.entries, ledger.objects);
    expect(code).toBe(0);
    expect(output).toContain('ledger intact: 35 entries, 35 covered by a signed checkpoint, 0 trailing it;');
    // Checkpoints signed before they named their clock still verify, and the summary says they do not say.
    expect(output).toMatch(/; signed checkpoints dated \d+ not saying \(of earlier versions\)$/);
  });

  test.each(tampers)('$name: exits 1 naming the first bad entry', async (tamper) => {
    // Prepare
    const { entries, objects } = await tamper.apply(ledger);
    // Act
    const { code, output } = await verifyFiles(tamper.name, entries, objects);
    // Assess
    expect(code).toBe(1);
    expect(output).toContain(`first bad entry seq ${tamper.expected.seq} (${tamper.expected.fault})`);
  });

  test('the key pinned as DER, as `aws kms get-public-key … | base64 -d` writes it, verifies as its PEM does', async () => {
    writeFileSync(join(dir, 'key.der'), ledger.publicKey);
    const { code, output } = await verifyFiles('honest-der', ledger.entries, ledger.objects, {
      publicKey: join(dir, 'key.der'),
    });
    expect(code).toBe(0);
    expect(output).toContain('ledger intact: 35 entries, 35 covered by a signed checkpoint, 0 trailing it;');
  });

  test('the key pinned with its point compressed is the same key: the ledger verifies', async () => {
    writeFileSync(join(dir, 'key-compressed.pem'), spkiToPem(compressedSpki(ledger.publicKey)));
    const { code, output } = await verifyFiles('honest-compressed', ledger.entries, ledger.objects, {
      publicKey: join(dir, 'key-compressed.pem'),
    });
    expect(code).toBe(0);
    expect(output).toContain('ledger intact: 35 entries, 35 covered by a signed checkpoint, 0 trailing it;');
  });

  test('entries after the newest signed checkpoint: exit 3 naming how many trail, unless the tail is accepted', async () => {
    // Prepare: the evidence store without its newest object, the head signed after the last checkpoint.signed.
    const withoutClosing = ledger.objects.slice(0, -1);
    // Act
    const strict = await verifyFiles('tail', ledger.entries, withoutClosing);
    const accepted = await verifyFiles('tail', ledger.entries, withoutClosing, { acceptTail: true });
    const json = await verifyFiles('tail', ledger.entries, withoutClosing, { json: true });
    const jsonAccepted = await verifyFiles('tail', ledger.entries, withoutClosing, {
      json: true,
      acceptTail: true,
    });
    // Assess
    expect(strict.code).toBe(3);
    expect(strict.output).toContain(
      'ledger UNANCHORED: 35 entries, 34 covered by a signed checkpoint, 1 trailing it (seq 34–34',
    );
    expect(accepted.code).toBe(0);
    expect(accepted.output).toContain('ledger intact up to its tail (accepted): 35 entries, 34 covered');
    expect(json.code).toBe(3);
    // `ok` agrees with the exit code: an unanchored ledger is not ok, unless its tail is accepted.
    expect(JSON.parse(json.output)).toMatchObject({
      verdict: 'unanchored',
      ok: false,
      anchored: 34,
      trailing: 1,
    });
    expect(jsonAccepted.code).toBe(0);
    expect(JSON.parse(jsonAccepted.output)).toMatchObject({ verdict: 'unanchored', ok: true, trailing: 1 });
  });

  test('an export with no checkpoint at all, even an empty one, proves nothing: exit 3', async () => {
    const empty = await verifyFiles('empty', [], []);
    const bare = await verifyFiles('bare', ledger.entries.slice(0, 5), []);
    expect(empty).toEqual({ code: 3, output: expect.stringContaining('0 entries, no signed checkpoint') });
    expect(bare).toEqual({ code: 3, output: expect.stringContaining('5 entries, no signed checkpoint') });
  });

  test('a consistent rollback (entries and checkpoints cut back together) passes alone, but not an earlier witness', async () => {
    // Prepare: the state after intent 3 ended (its closing head covers 28 entries), as an owner could restore it.
    const size = (o: SignedLedger['objects'][number]) =>
      (o.value as { checkpoint: { size: number } }).checkpoint.size;
    const rolledBack = ledger.objects.filter((o) => size(o) <= 28);
    const witness = join(dir, 'kept-elsewhere.checkpoints.jsonl');
    writeFileSync(witness, ledger.objects.map((o) => `${canonicalJson(o.value)}\n`).join(''));
    // Act
    const alone = await verifyFiles('rolled-back', ledger.entries.slice(0, 28), rolledBack);
    const witnessed = await verifyFiles('rolled-back', ledger.entries.slice(0, 28), rolledBack, {
      witness: [witness],
    });
    // Assess
    expect(alone.code).toBe(0);
    expect(witnessed.code).toBe(1);
    expect(witnessed.output).toContain('first bad entry seq 28 (truncated)');
  });

  test('a witness that is not a checkpoints file (the export itself) is bad input naming --witness, not tampering', async () => {
    // Prepare: the export given where its checkpoints belong, and a file that is not JSON Lines at all.
    const exportFile = join(dir, 'mistaken-witness.jsonl');
    writeFileSync(exportFile, exportOf(ledger.entries));
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'kept for the audit\n');
    const empty = join(dir, 'empty.checkpoints.jsonl');
    writeFileSync(empty, '');
    // Act
    const verify = (witness: string) =>
      verifyFiles('witnessed', ledger.entries, ledger.objects, { witness: [witness] });
    // Assess
    await expect(verify(exportFile)).rejects.toMatchObject({
      name: 'InvalidInputError',
      issues: [
        {
          path: '--witness',
          message: expect.stringMatching(/line 1 is a ledger entry, not a signed checkpoint/),
        },
      ],
    });
    await expect(verify(notes)).rejects.toMatchObject({
      issues: [{ path: '--witness', message: expect.stringMatching(/line 1 is not JSON/) }],
    });
    await expect(verify(empty)).rejects.toMatchObject({
      issues: [{ path: '--witness', message: expect.stringMatching(/holds no signed checkpoint/) }],
    });
  });

  test('a valid key that signed none of the ledger is bad input naming --public-key, not tampering', async () => {
    // Prepare: another P-256 key, as an auditor holding the wrong file would give it.
    const other = join(dir, 'other-key.pem');
    writeFileSync(
      other,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }),
    );
    // Act
    const withCheckpoints = verifyFiles('wrong-key', ledger.entries, ledger.objects, { publicKey: other });
    const exportAlone = verifyFiles('wrong-key-alone', ledger.entries, [], { publicKey: other });
    // Assess
    for (const verdict of [withCheckpoints, exportAlone]) {
      await expect(verdict).rejects.toMatchObject({
        name: 'InvalidInputError',
        message: expect.stringMatching(/is not the key that signed this ledger/),
        issues: [{ path: '--public-key', message: expect.stringMatching(/none of the \d+ signatures/) }],
      });
    }
  });

  test('one checkpoint whose signature fails among many that hold is still TAMPERED', async () => {
    // Prepare: the signature of the evidence store's checkpoint of size 16 replaced by another of its own.
    const objects = structuredClone(ledger.objects);
    const forged = objects.find((o) => (o.value as { checkpoint: { size: number } }).checkpoint.size === 16)!;
    const signed = forged.value as { envelope: { signatures: Array<{ sig: string }> } };
    const other = objects.find((o) => o !== forged)!.value as typeof signed;
    signed.envelope.signatures[0]!.sig = other.envelope.signatures[0]!.sig;
    // Act
    const { code, output } = await verifyFiles('one-forged', ledger.entries, objects);
    // Assess
    expect(code).toBe(1);
    expect(output).toContain('ledger TAMPERED: first bad entry seq 16 (bad-signature)');
  });

  test("another ledger's checkpoints given as --checkpoints or --witness are bad input naming the option, not tampering", async () => {
    // Prepare: the checkpoints of a ledger signed with another key, as an auditor mixing up two exports would give them.
    const another = await signedLedger(5, 'main', LocalSigner.inMemory());
    const theirs = join(dir, 'another.checkpoints.jsonl');
    writeFileSync(theirs, another.objects.map((o) => `${canonicalJson(o.value)}\n`).join(''));
    const file = join(dir, 'ours.jsonl');
    writeFileSync(file, exportOf(ledger.entries));
    writeFileSync(checkpointsFileOf(file), ledger.objects.map((o) => `${canonicalJson(o.value)}\n`).join(''));
    const key = join(dir, 'key.pem');
    // Act
    const asCheckpoints = ledgerVerifyCommand({ file, publicKey: key, checkpoints: theirs });
    const asWitness = ledgerVerifyCommand({ file, publicKey: key, witness: [theirs] });
    // Assess
    for (const [verdict, option] of [
      [asCheckpoints, '--checkpoints'],
      [asWitness, '--witness'],
    ] as const) {
      await expect(verdict).rejects.toMatchObject({
        name: 'InvalidInputError',
        message: `${theirs} holds another ledger's checkpoints`,
        issues: [
          { path: option, message: expect.stringMatching(/none of its \d+ signed checkpoints verifies/) },
        ],
      });
    }
  });

  test('--file without --public-key refuses to trust anything, naming --public-key (exit 1, as every bad input)', async () => {
    await expect(ledgerVerifyCommand({ file: join(dir, 'honest.jsonl') })).rejects.toMatchObject({
      name: 'InvalidInputError',
      issues: [{ path: '--public-key', message: expect.stringMatching(/^is required with --file/) }],
    });
  });
});
