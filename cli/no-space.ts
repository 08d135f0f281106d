import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Why a write failed when its device has no room for it: no space left (`ENOSPC`), or the user's quota on it
 * used up (`EDQUOT`); undefined for any other failure.
 */
export function noSpaceReason(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EDQUOT') return 'the disk quota on the device is used up';
  return undefined;
}

/**
 * The same, anywhere along `error`'s causes: a store that fails to open says only "Database failed to open" and
 * keeps LevelDB's own error as its cause, whose text is the system's (`IO error: …/LOCK: No space left on device`)
 * and which carries no code.
 */
export function noSpaceAmongCauses(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    const reason = noSpaceReason(current);
    if (reason !== undefined) return reason;
    const message = current instanceof Error ? current.message : '';
    if (/no space left on device/i.test(message)) return 'no space left on the device';
    if (/disk quota exceeded/i.test(message)) return 'the disk quota on the device is used up';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Runs `write`, which writes `file`; a system error it raises naming no file is made to name `file`. Node's
 * error for a write through an open file (`ENOSPC: no space left on device, write`) names none, and a full disk
 * is said by the write, never the open.
 */
export function writing<T>(file: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const failed = error as NodeJS.ErrnoException;
    if (failed instanceof Error && typeof failed.syscall === 'string' && failed.path === undefined) {
      failed.path = file;
    }
    throw error;
  }
}

/**
 * Creates the claim file `file` (`wx`: refused with EEXIST when it is there) holding `content`. A claim whose
 * content could not be written (a full disk) is removed again: left empty, it would hold up every later command
 * until it went stale, as an unreadable claim is one still being written.
 */
export function createClaimFile(file: string, content: string): void {
  const fd = openSync(file, 'wx', 0o600);
  try {
    writing(file, () => writeFileSync(fd, content));
  } catch (error) {
    closeSync(fd);
    rmSync(file, { force: true });
    throw error;
  }
  closeSync(fd);
}
