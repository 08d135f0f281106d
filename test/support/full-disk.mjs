/**
 * Loaded into `itv` (and the control plane it starts) with `node --import`: the device that holds each folder
 * of `ITV_TEST_FULL_DEVICE` (paths joined by the path delimiter) is full. A file may still be created there, as on
 * a full file system, but writing any byte into it fails with ENOSPC, in Node's own words, which name no file
 * when the write goes through an open file (`ENOSPC: no space left on device, write`).
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { delimiter, resolve, sep } from 'node:path';

const full = (process.env.ITV_TEST_FULL_DEVICE ?? '')
  .split(delimiter)
  .filter(Boolean)
  .map((path) => resolve(path));
const onFullDevice = (path) =>
  typeof path === 'string' &&
  full.some((root) => resolve(path) === root || resolve(path).startsWith(root + sep));
const noSpace = () =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), {
    errno: -28,
    code: 'ENOSPC',
    syscall: 'write',
  });

/** The descriptors open on a full device. */
const opened = new Set();
const { openSync, closeSync, writeSync, writeFileSync, appendFileSync } = fs;

fs.openSync = (path, ...rest) => {
  const fd = openSync(path, ...rest);
  if (onFullDevice(path)) opened.add(fd);
  return fd;
};
fs.closeSync = (fd) => {
  opened.delete(fd);
  return closeSync(fd);
};
fs.writeSync = (fd, ...rest) => {
  if (opened.has(fd)) throw noSpace();
  return writeSync(fd, ...rest);
};
/** `writeFileSync` and `appendFileSync` of a path: the file is opened (created) as asked, then nothing fits. */
const refusedWrite =
  (write, defaultFlag) =>
  (file, data, options = {}) => {
    if (typeof file === 'number' ? !opened.has(file) : !onFullDevice(file)) return write(file, data, options);
    if (typeof file !== 'number') {
      const { flag = defaultFlag, mode = 0o666 } = typeof options === 'string' ? {} : options;
      closeSync(openSync(file, flag, mode));
    }
    throw noSpace();
  };
fs.writeFileSync = refusedWrite(writeFileSync, 'w');
fs.appendFileSync = refusedWrite(appendFileSync, 'a');
syncBuiltinESMExports();
