/**
 * POSIX ustar archives of flat files (IEEE Std 1003.1, "ustar Interchange Format"): what `tar -xf` reads
 * everywhere. Writing is deterministic (names sorted, mode 0644, owner 0, the mtime given), so the same files
 * make the same bytes. Reading is strict: regular files only, under names that are one safe path segment,
 * each once, every header's checksum right, then the end-of-archive zero blocks and nothing after.
 */

import { concatenated } from '../bytes.js';

const BLOCK = 512;
const SAFE_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;

/** The archive of `files` (name → bytes), each stored under `${folder}/${name}` when a folder is given. */
export function ustarArchive(
  files: ReadonlyMap<string, Uint8Array>,
  mtime: Date,
  folder?: string,
): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const path = folder === undefined ? name : `${folder}/${name}`;
    if (Buffer.byteLength(path) > 100) throw new RangeError(`a tar name is at most 100 bytes: ${path}`);
    blocks.push(header(path, bytes.length, mtime));
    blocks.push(bytes);
    const pad = (BLOCK - (bytes.length % BLOCK)) % BLOCK;
    if (pad > 0) blocks.push(new Uint8Array(pad));
  }
  blocks.push(new Uint8Array(2 * BLOCK));
  return concatenated(blocks);
}

function header(path: string, size: number, mtime: Date): Uint8Array {
  const block = Buffer.alloc(BLOCK);
  const put = (offset: number, length: number, text: string) => block.write(text, offset, length, 'utf8');
  const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, '0')}\0`;
  put(0, 100, path);
  put(100, 8, octal(0o644, 8));
  put(108, 8, octal(0, 8));
  put(116, 8, octal(0, 8));
  put(124, 12, octal(size, 12));
  put(136, 12, octal(Math.max(0, Math.floor(mtime.getTime() / 1000)), 12));
  put(148, 8, '        ');
  put(156, 1, '0');
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  put(148, 8, `${checksum(block).toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** The header's byte sum with its checksum field counted as eight spaces, as the format defines it. */
function checksum(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

/** A NUL-terminated (or full-width) text field. */
function text(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return Buffer.from(end === -1 ? field : field.subarray(0, end)).toString('latin1');
}

/** An octal number field (leading spaces or zeros, then NUL or space), or NaN. */
function octalField(block: Uint8Array, offset: number, length: number): number {
  const value = text(block, offset, length).trim();
  return /^[0-7]{1,11}$/.test(value) ? Number.parseInt(value, 8) : Number.NaN;
}

const isZero = (bytes: Uint8Array) => bytes.every((byte) => byte === 0);

/** The files of a ustar archive by name; throws an Error saying what is wrong with it otherwise. */
export function readUstar(archive: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  if (archive.length % BLOCK !== 0)
    throw new Error(`its length ${archive.length} is not whole 512-byte blocks`);
  let offset = 0;
  while (offset < archive.length) {
    const block = archive.subarray(offset, offset + BLOCK);
    if (isZero(block)) {
      if (!isZero(archive.subarray(offset))) throw new Error(`bytes follow its end at offset ${offset}`);
      return files;
    }
    const stored = octalField(block, 148, 8);
    if (stored !== checksum(block)) throw new Error(`the header at offset ${offset} has a wrong checksum`);
    if (!text(block, 257, 6).startsWith('ustar'))
      throw new Error(`the header at offset ${offset} is not ustar`);
    const name = text(block, 0, 100);
    const type = String.fromCharCode(block[156]!);
    if (type !== '0' && type !== '\0') {
      throw new Error(`${name || `offset ${offset}`} is not a regular file (type ${JSON.stringify(type)})`);
    }
    if (text(block, 345, 155) !== '' || !SAFE_NAME.test(name)) {
      throw new Error(`${JSON.stringify(name)} is not a flat file name (A-Z a-z 0-9 . _ -)`);
    }
    if (files.has(name)) throw new Error(`${name} is in it twice`);
    const size = octalField(block, 124, 12);
    const start = offset + BLOCK;
    if (Number.isNaN(size) || start + size > archive.length) throw new Error(`${name} is cut short`);
    files.set(name, archive.slice(start, start + size));
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new Error('it has no end-of-archive blocks');
}
