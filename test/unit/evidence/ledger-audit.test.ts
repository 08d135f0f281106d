import { createHash } from 'node:crypto';
import { LocalSigner } from '../../../lambdas/adapters/local/local-signer.js';
import { auditLedger } from '../../../lambdas/core/evidence/audit-ledger.js';
import {
  checkpointObjectBytes,
  type SignedCheckpoint,
} from '../../../lambdas/core/evidence/checkpoint-object.js';
import { auditExport } from '../../../lambdas/core/evidence/export-audit.js';
import { chainEntry } from '../../../lambdas/core/ledger/index.js';
import { signCheckpoint } from '../../../lambdas/core/signing/index.js';
import { exportOf, rechain, type SignedLedger, signedLedger } from './helpers/signed-ledger.js';
import { tampers } from './helpers/tampers.js';

describe('auditing a ledger against a malicious store', () => {
  let ledger: SignedLedger;
  beforeAll(async () => {
    ledger = await signedLedger(5);
  });

  test('an intact ledger verifies: chain, decisions, every checkpoint and the proofs between them', () => {
    // Act
    const audit = auditLedger(ledger.entries, ledger.publicKey, { checkpoints: ledger.objects });
    const fromExport = auditExport(exportOf(ledger.entries), ledger.publicKey, {
      checkpoints: ledger.objects,
    });
    // Assess
    const sizes = new Set(
      ledger.objects.map((o) => (o.value as { checkpoint: { size: number } }).checkpoint.size),
    );
    expect(audit).toEqual({
      ok: true,
      size: 35,
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      checkpoints: sizes.size,
      decisions: 5,
      anchored: 35,
      trailing: 0,
      clocks: { wall: 0, virtual: 0, unstated: sizes.size },
    });
    expect(fromExport).toEqual(audit);
  });

  test.each(tampers)('detects $name (auditLedger)', async (tamper) => {
    // Prepare
    const { entries, objects } = await tamper.apply(ledger);
    // Act
    const audit = auditLedger(entries, ledger.publicKey, { checkpoints: objects });
    // Assess
    expect(audit).toMatchObject({ ok: false, ...tamper.expected });
  });

  test.each(tampers)('detects $name (export reader)', async (tamper) => {
    const { entries, objects } = await tamper.apply(ledger);
    const audit = auditExport(exportOf(entries), ledger.publicKey, { checkpoints: objects });
    expect(audit).toMatchObject({ ok: false, ...tamper.expected });
  });

  test('the table alone cannot show a truncation, but it says what trails its last in-ledger checkpoint', () => {
    const audit = auditLedger(ledger.entries.slice(0, 30), ledger.publicKey);
    // Intent 3's checkpoint.signed (seq 27) recorded the head of 27 entries; seq 27..29 trail it.
    expect(audit).toMatchObject({ ok: true, size: 30, anchored: 27, trailing: 3 });
  });

  test('with the evidence store, every entry of the honest ledger is covered, its last checkpoint.signed too', () => {
    const audit = auditLedger(ledger.entries, ledger.publicKey, { checkpoints: ledger.objects });
    const inLedgerOnly = auditLedger(ledger.entries, ledger.publicKey);
    expect(audit).toMatchObject({ ok: true, anchored: 35, trailing: 0 });
    expect(inLedgerOnly).toMatchObject({ ok: true, anchored: 34, trailing: 1 });
  });

  test('a checkpoint object missing from the middle of the chain is named by its successor', () => {
    const sizes = ledger.objects.map((o) => (o.value as { checkpoint: { size: number } }).checkpoint.size);
    const gone = sizes.indexOf(16);
    const audit = auditLedger(ledger.entries, ledger.publicKey, {
      checkpoints: ledger.objects.filter((_, i) => i !== gone),
    });
    expect(audit).toMatchObject({ ok: false, fault: 'missing-checkpoint', seq: 16 });
    expect((audit as { reason: string }).reason).toContain(`object ${sizes[gone + 1]}`);
  });

  test('a flipped byte anywhere in an exported line is caught at that line', () => {
    const bytes = exportOf(ledger.entries);
    const lineStarts = [0, ...[...bytes.entries()].filter(([, b]) => b === 0x0a).map(([i]) => i + 1)];
    for (const offset of [0, 15, 40, 120, 200, -90, -70, -20, -3]) {
      const start = lineStarts[12]!;
      const end = lineStarts[13]! - 1;
      const position = offset >= 0 ? start + offset : end + offset;
      const tampered = Buffer.from(bytes);
      tampered[position] = tampered[position]! ^ 0x01;
      const audit = auditExport(tampered, ledger.publicKey, { checkpoints: ledger.objects });
      expect({ offset, audit }).toMatchObject({ offset, audit: { ok: false } });
      expect((audit as { seq: number }).seq).toBeLessThanOrEqual(12);
    }
  });

  test('a line whose prevHash is not the previous hash, with its own hash and every later one recomputed, is named at that line', () => {
    // Prepare: entry 20 chained to a head that never was; 21 on chained honestly to the forged 20.
    const { ledger: name, seq: _seq, prevHash: _prev, ...draft } = ledger.entries[20]!.entry;
    const forged = chainEntry(name, draft, { ...ledger.entries[19]!, hash: 'ab'.repeat(32) });
    const entries = rechain([...ledger.entries.slice(0, 20), forged, ...ledger.entries.slice(21)], 21);
    const stats = { fast: 0, full: 0 };
    // Act: no checkpoint object, so only the chain itself can show it
    const audit = auditExport(exportOf(entries), ledger.publicKey, { stats });
    // Assess
    expect(audit).toMatchObject({ ok: false, fault: 'prev-hash-mismatch', seq: 20 });
    expect(audit.ok === false && audit.reason).toContain(`prevHash ${'ab'.repeat(32)} differs`);
    expect(stats).toEqual({ fast: 19, full: 2 });
  });

  test('the export reader leaves the bytes it reads unchanged', () => {
    const bytes = exportOf(ledger.entries);
    const copy = Buffer.from(bytes);
    auditExport(bytes, ledger.publicKey);
    expect(bytes.equals(copy)).toBe(true);
  });

  test('the export reader checks canonical lines in place, signed ones too, and parses only the first in full', () => {
    const stats = { fast: 0, full: 0 };
    const audit = auditExport(exportOf(ledger.entries), ledger.publicKey, { stats });
    // Line 1 names the ledger; of the signed entries only the payload is parsed, for its signature.
    expect(stats).toEqual({ fast: 35 - 1, full: 1 });
    expect(audit).toMatchObject({ ok: true, decisions: 5 });
  });

  test('a different public key fails at the first signed entry (export reader)', () => {
    const other = Buffer.from(ledger.publicKey);
    other[other.length - 1] = other[other.length - 1]! ^ 0x01;
    const audit = auditExport(exportOf(ledger.entries), other);
    expect(audit).toMatchObject({ ok: false, fault: 'bad-signature', seq: 3 });
  });

  test('a signed line whose payload is not JSON, hashed as it stands, is parsed in full and named malformed', () => {
    // Prepare: seq 3 is a decision.signed entry; its payload is cut open and its hash taken over the result.
    const lines = exportOf(ledger.entries).toString().split('\n');
    const broken = lines[3]!.replace('"payload":{"', '"payload":{');
    const entryText = broken.slice('{"entry":'.length, broken.lastIndexOf(',"hash":"'));
    const leaf = createHash('sha256')
      .update(Buffer.from([0]))
      .update(entryText)
      .digest('hex');
    lines[3] = `${broken.slice(0, -66)}${leaf}"}`;
    const stats = { fast: 0, full: 0 };
    // Act
    const audit = auditExport(Buffer.from(lines.join('\n')), ledger.publicKey, { stats });
    // Assess
    expect(audit).toMatchObject({ ok: false, fault: 'malformed', seq: 3 });
    expect(stats).toEqual({ fast: 2, full: 2 });
  });

  test.each([
    ['spaces added', (line: string) => JSON.stringify(JSON.parse(line), null, 1).replaceAll('\n', '')],
    ['a CRLF line ending', (line: string) => `${line}\r`],
    [
      'its keys in another order',
      (line: string) => {
        const { entry, hash } = JSON.parse(line) as { entry: unknown; hash: string };
        return JSON.stringify({ hash, entry });
      },
    ],
    ['an empty line before it', (line: string) => `\n${line}`],
  ])(
    'a line that says the same as its RFC 8785 text but is not it (%s) is malformed, as third-party checks find it',
    (_what, rewrite) => {
      // An export line is the RFC 8785 text of { entry, hash }: the documented checks hash the entry's bytes as they
      // stand, so a verifier that re-encoded the line would pass what they fail.
      const lines = exportOf(ledger.entries).toString().split('\n');
      lines[5] = rewrite(lines[5]!);
      const audit = auditExport(Buffer.from(lines.join('\n')), ledger.publicKey);
      expect(audit).toMatchObject({ ok: false, fault: 'malformed', seq: 5 });
    },
  );

  test('an export ending without its last line break verifies', () => {
    const text = exportOf(ledger.entries).toString();
    expect(text.endsWith('\n')).toBe(true);
    expect(auditExport(Buffer.from(text.slice(0, -1)), ledger.publicKey).ok).toBe(true);
  });

  test('a checkpoint object whose signature fails is reported', () => {
    const broken = structuredClone(ledger.objects[1]!) as {
      value: { checkpoint: { size: number }; envelope: { signatures: Array<{ sig: string }> } };
    };
    broken.value.envelope.signatures[0]!.sig = Buffer.alloc(70, 1).toString('base64');
    const audit = auditLedger(ledger.entries, ledger.publicKey, {
      checkpoints: [{ ...broken, source: 'broken' }],
    });
    expect(audit).toMatchObject({ ok: false, fault: 'bad-signature', seq: broken.value.checkpoint.size });
    expect((audit as { reason: string }).reason).toContain('checkpoint broken');
  });

  test("a checkpoint signed by another key for a size beyond the ledger: a fault at the ledger's end, naming it", async () => {
    // Prepare: the ledger's last checkpoint, claimed for 500 entries and signed by a key of its own.
    const last = ledger.objects.at(-1)!.value as { checkpoint: SignedCheckpoint['checkpoint'] };
    const checkpoint = { ...last.checkpoint, size: 500 };
    const foreign = {
      value: JSON.parse(
        Buffer.from(
          checkpointObjectBytes({
            checkpoint,
            envelope: await signCheckpoint(checkpoint, LocalSigner.inMemory()),
          }),
        ).toString(),
      ) as unknown,
      source: 'l.jsonl.checkpoints.jsonl line 9',
    };

    // Act
    const audits = [
      auditLedger(ledger.entries, ledger.publicKey, { checkpoints: [...ledger.objects, foreign] }),
      auditExport(exportOf(ledger.entries), ledger.publicKey, { checkpoints: [...ledger.objects, foreign] }),
    ];

    // Assess
    for (const audit of audits) {
      expect(audit).toMatchObject({ ok: false, fault: 'bad-signature', seq: ledger.entries.length });
      expect((audit as { reason: string }).reason).toMatch(
        /^checkpoint l\.jsonl\.checkpoints\.jsonl line 9, of main\/500: .* \(500 is beyond the 35 entries the ledger holds\)$/,
      );
    }
  });

  test('a checkpoint met again with its signature but another payload type is verified again, and fails', () => {
    // Prepare: the same signature, as if already verified, beside an envelope that claims another type.
    const altered = structuredClone(ledger.objects[1]!) as {
      value: { checkpoint: { size: number }; envelope: { payloadType: string } };
      source: string;
    };
    altered.value.envelope.payloadType = 'application/vnd.in-toto+json';
    // Act
    const audit = auditExport(exportOf(ledger.entries), ledger.publicKey, {
      checkpoints: [...ledger.objects, { ...altered, source: 'altered' }],
    });
    // Assess
    expect(audit).toMatchObject({ ok: false, fault: 'bad-signature', seq: altered.value.checkpoint.size });
    expect((audit as { reason: string }).reason).toContain('checkpoint altered');
  });

  test('a different public key fails at the first signed entry', () => {
    const other = Buffer.from(ledger.publicKey);
    other[other.length - 1] = other[other.length - 1]! ^ 0x01;
    const audit = auditLedger(ledger.entries, other);
    expect(audit).toMatchObject({ ok: false, fault: 'bad-signature', seq: 3 });
  });
});
