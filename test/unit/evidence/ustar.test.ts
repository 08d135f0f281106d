import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUstar, ustarArchive } from '../../../lambdas/core/evidence/ustar.js';
import { installed } from '../../support/installed.js';

const files = new Map([
  ['manifest.intoto.json', new TextEncoder().encode('{"a":1}\n')],
  ['public-key.pem', new Uint8Array(1024).fill(65)],
  ['empty.json', new Uint8Array(0)],
  ['odd.jsonl', new Uint8Array(513).fill(10)],
]);
const at = new Date('2026-12-01T00:00:00Z');

describe('ustar archives', () => {
  test('the reader gives back every file byte for byte, and the same files make the same bytes', () => {
    const archive = ustarArchive(files, at);
    expect(archive.length % 512).toBe(0);
    expect(readUstar(archive)).toEqual(files);
    expect(Buffer.from(ustarArchive(new Map([...files].reverse()), at)).equals(Buffer.from(archive))).toBe(
      true,
    );
  });

  // Where the machine has tar (every Linux and macOS; Windows 10 and later ship bsdtar).
  if (installed('tar')) {
    test('tar lists and extracts it: every file under the folder, byte for byte', () => {
      const dir = mkdtempSync(join(tmpdir(), 'itv-tar-'));
      try {
        for (const [archive, folder] of [
          ['flat.tar', undefined],
          ['folder.tar', 'itv-evidence-int-1'],
        ] as const) {
          writeFileSync(join(dir, archive), ustarArchive(files, at, folder));
          const into = join(dir, archive.replace('.tar', ''));
          execFileSync('mkdir', [into]);
          execFileSync('tar', ['-xf', join(dir, archive), '-C', into]);
          const root = folder === undefined ? into : join(into, folder);
          expect(readdirSync(root).sort()).toEqual([...files.keys()].sort());
          for (const [name, bytes] of files)
            expect(new Uint8Array(readFileSync(join(root, name)))).toEqual(bytes);
        }
        // And the reader takes what tar itself writes, for the same flat files.
        const made = join(dir, 'made');
        execFileSync('mkdir', [made]);
        for (const [name, bytes] of files) writeFileSync(join(made, name), bytes);
        execFileSync('tar', ['--format=ustar', '-cf', join(dir, 'by-tar.tar'), ...files.keys()], {
          cwd: made,
        });
        expect(readUstar(new Uint8Array(readFileSync(join(dir, 'by-tar.tar'))))).toEqual(files);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  describe('the reader refuses what is not a flat archive of regular files, saying why', () => {
    const archive = () => Buffer.from(ustarArchive(new Map([['a.json', new Uint8Array([1, 2, 3])]]), at));
    /** Rewrites a header field and its checksum, as a forger would. */
    const forged = (change: (header: Buffer) => void) => {
      const bytes = archive();
      change(bytes);
      bytes.write('        ', 148, 8);
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += bytes[i]!;
      bytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
      return bytes;
    };
    const name = (value: string) => (header: Buffer) => {
      header.fill(0, 0, 100);
      header.write(value, 0, 100);
    };

    test.each([
      ['a byte changed in a header', () => Object.assign(archive(), { 1: 0x62 }), /wrong checksum/],
      ['a path', () => forged(name('../a.json')), /not a flat file name/],
      ['a folder in the name', () => forged(name('x/a.json')), /not a flat file name/],
      ['a ustar prefix', () => forged((h) => h.write('x', 345)), /not a flat file name/],
      ['a symbolic link', () => forged((h) => h.write('2', 156)), /not a regular file \(type "2"\)/],
      ['a pax header', () => forged((h) => h.write('x', 156)), /not a regular file/],
      ['not ustar', () => forged((h) => h.fill(0, 257, 263)), /is not ustar/],
      ['a size beyond the end', () => forged((h) => h.write('00000077777\0', 124)), /a\.json is cut short/],
      [
        'a file twice',
        () => {
          const one = archive();
          return Buffer.concat([one.subarray(0, 1024), one]);
        },
        /a\.json is in it twice/,
      ],
      ['no end', () => archive().subarray(0, 1024), /no end-of-archive blocks/],
      [
        'bytes after the end',
        () => Buffer.concat([archive(), Buffer.from('x'.repeat(512))]),
        /follow its end/,
      ],
      ['a partial block', () => archive().subarray(0, 1000), /not whole 512-byte blocks/],
    ])('%s', (_case, bytes, reason) => {
      expect(() => readUstar(new Uint8Array(bytes()))).toThrow(reason);
    });
  });
});
