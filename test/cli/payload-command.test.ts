import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `itv payload put` and `itv submit --payload-file` as a user runs them against the home's control plane: a
 * payload too large for an intent is uploaded as the file's bytes and named by reference.
 */
describe('payloads too large for an intent, from the command line', () => {
  let home: string;
  let intentFile: string;
  let payloadFile: string;
  let payloadText: string;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-payload-cli-'));
    // About 200 KB of policy documents: over the 128 KiB an intent may carry inline.
    payloadText = `${JSON.stringify(
      {
        documents: Array.from({ length: 150 }, (_, i) => ({
          id: `POL-${String(100 + i)}`,
          title: `Policy ${i} ${'t'.repeat(1300)}`,
          version: '1.0.0',
          effectiveFrom: '2026-12-01',
        })),
        reviewCadenceDays: 365,
      },
      null,
      2,
    )}\n`;
    payloadFile = join(home, 'policies.json');
    writeFileSync(payloadFile, payloadText);
    const intent = JSON.parse(readFileSync(join(root, 'examples', '13-policy-change.json'), 'utf8'));
    intent.change.payload = JSON.parse(payloadText);
    intentFile = join(home, 'intent.json');
    writeFileSync(intentFile, JSON.stringify(intent));
  });
  afterAll(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'an intent too large inline is refused with the way by reference; payload put and submit --payload-file release it',
    async () => {
      // Act
      const inline = await runItv(home, ['submit', intentFile, '--as', 'ken']);
      const put = await runItv(home, ['payload', 'put', payloadFile, '--as', 'ken', '--json']);
      const submitted = await runItv(home, [
        'submit',
        intentFile,
        '--payload-file',
        payloadFile,
        '--as',
        'ken',
        '--json',
      ]);

      // Assess
      expect(inline.code).toBe(1);
      expect(inline.stderr).toMatch(
        /intent: is \d+ bytes of JSON; the pipeline carries an intent of at most 131072/,
      );
      expect(inline.stderr).toContain(`itv submit ${intentFile} --payload-file PAYLOAD.json`);
      expect(put.code).toBe(0);
      // The file's own bytes, as sha256sum would hash them.
      expect(JSON.parse(put.stdout)).toEqual({
        sha256: createHash('sha256').update(payloadText).digest('hex'),
        size: Buffer.byteLength(payloadText),
        mediaType: 'application/json',
      });
      expect(submitted.code).toBe(0);
      expect(JSON.parse(submitted.stdout)).toMatchObject({ status: 'released' });
      expect(submitted.stderr).toContain(
        `payload ${payloadFile} stored: ${Buffer.byteLength(payloadText)} bytes`,
      );
    },
    intentsBudgetMs(2),
  );

  test(
    'an intent over the body limit is told whether its payload can go by reference; one over 2 MB is told it cannot be released',
    async () => {
      // Prepare: payloads of about 1.5 MB (over the 1 MiB body limit of POST /intents, within the 2 MB of one
      // AppConfig configuration version) and about 5 MB (over both).
      const intent = JSON.parse(readFileSync(join(root, 'examples', '13-policy-change.json'), 'utf8'));
      const documents = (count: number) => ({
        documents: Array.from({ length: count }, (_, i) => ({ id: `POL-${i}`, text: 'p'.repeat(10_000) })),
      });
      const write = (name: string, content: unknown) => {
        const file = join(home, name);
        writeFileSync(file, JSON.stringify(content));
        return file;
      };
      const mid = write('mid-intent.json', {
        ...intent,
        change: { ...intent.change, payload: documents(150) },
      });
      const huge = write('huge-intent.json', {
        ...intent,
        change: { ...intent.change, payload: documents(500) },
      });
      const hugePayload = write('huge-payload.json', documents(500));

      // Act
      const midInline = await runItv(home, ['submit', mid, '--as', 'ken']);
      const hugeInline = await runItv(home, ['submit', huge, '--as', 'ken']);
      const hugePut = await runItv(home, ['payload', 'put', hugePayload, '--as', 'ken']);

      // Assess
      expect(midInline.code).toBe(1);
      expect(midInline.stderr).toMatch(
        /the request body is \d+ bytes; this route reads at most 1048576 bytes/,
      );
      expect(midInline.stderr).toContain(`itv submit ${mid} --payload-file PAYLOAD.json`);
      expect(hugeInline.code).toBe(1);
      expect(hugeInline.stderr).not.toContain('--payload-file PAYLOAD.json');
      expect(hugeInline.stderr).toMatch(
        /the payload is \d+ bytes of JSON: over the 2000000 bytes of one AppConfig configuration version, so it cannot be released/,
      );
      expect(hugePut.code).toBe(1);
      expect(hugePut.stderr).toMatch(
        /this route reads at most 2000000 bytes: a payload is released as one AppConfig hosted configuration version/,
      );
    },
    setupMs,
  );

  test(
    'a --payload-file that is not there, or is a folder, is refused naming --payload-file and why',
    async () => {
      // Act
      const missing = await runItv(home, [
        'submit',
        intentFile,
        '--payload-file',
        join(home, 'nope.json'),
        '--as',
        'ken',
      ]);
      const folder = await runItv(home, ['submit', intentFile, '--payload-file', home, '--as', 'ken']);

      // Assess
      expect([missing.code, missing.stderr]).toEqual([
        1,
        expect.stringContaining(`--payload-file: ${join(home, 'nope.json')} does not exist`),
      ]);
      expect([folder.code, folder.stderr]).toEqual([
        1,
        expect.stringContaining(`--payload-file: ${home} is a folder, not a file`),
      ]);
    },
    intentsBudgetMs(1),
  );

  test(
    'an intent file whose own payload differs from --payload-file is refused naming change.payload, before anything is stored',
    async () => {
      // Prepare: example 13 with its own small payload, and another document to send by reference.
      const intent = JSON.parse(readFileSync(join(root, 'examples', '13-policy-change.json'), 'utf8'));
      const own = join(home, 'own-payload-intent.json');
      writeFileSync(own, JSON.stringify({ ...intent, title: 'Two payloads at once' }));
      const other = join(home, 'other-payload.json');
      const otherText = JSON.stringify({ other: 'document' });
      writeFileSync(other, otherText);
      const otherDigest = createHash('sha256').update(otherText).digest('hex');

      // Act
      const refused = await runItv(home, ['submit', own, '--payload-file', other, '--as', 'ken']);

      // Assess
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `change.payload: differs from the content of --payload-file ${other}: an intent carries one payload; remove change.payload from ${own} to send the file's, or drop --payload-file`,
      );
      expect(refused.stdout).not.toContain('stored');
      expect(existsSync(join(home, 'evidence', 'refs', 'payloads', 'sha256', otherDigest))).toBe(false);
    },
    intentsBudgetMs(1),
  );
});
