/**
 * A POSIX ustar archive of flat files under one folder: what the console hands out as an evidence bundle's
 * download, readable by `tar -xf` everywhere. Names are the bundle's (checked flat and short by the reader
 * that fetched them); every file is 0644, owned by nobody in particular, dated `mtime`.
 */
export function tarArchive(folder: string, files: ReadonlyMap<string, Uint8Array>, mtime: Date): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, bytes] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = `${folder}/${name}`;
    if (Buffer.byteLength(path) > 100) throw new RangeError(`a tar name is at most 100 bytes: ${path}`);
    blocks.push(header(path, bytes.length, mtime));
    blocks.push(Buffer.from(bytes));
    const pad = (512 - (bytes.length % 512)) % 512;
    if (pad > 0) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function header(path: string, size: number, mtime: Date): Buffer {
  const block = Buffer.alloc(512);
  const put = (offset: number, length: number, text: string) => block.write(text, offset, length, 'utf8');
  const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, '0')}\0`;
  put(0, 100, path);
  put(100, 8, octal(0o644, 8));
  put(108, 8, octal(0, 8));
  put(116, 8, octal(0, 8));
  put(124, 12, octal(size, 12));
  put(136, 12, octal(Math.floor(mtime.getTime() / 1000), 12));
  put(148, 8, '        ');
  put(156, 1, '0');
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}
