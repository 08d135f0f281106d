import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import type { BundleAudit } from '../../lambdas/core/evidence/audit-bundles.js';
import type { LedgerAudit } from '../../lambdas/core/evidence/audit-ledger.js';
import type { CheckpointSource, ClockTally } from '../../lambdas/core/evidence/audit-result.js';
import { auditExport } from '../../lambdas/core/evidence/export-audit.js';
import { pemToSpki } from '../../lambdas/core/evidence/pem.js';
import { keyMismatchOf } from '../../lambdas/core/evidence/signing-key-match.js';
import { uncompressedSpki } from '../../lambdas/core/signing/uncompressed-spki.js';
import { ApiAnswerError, type ApiGet } from '../api/api-get.js';
import { openApi } from '../api/itv-api.js';
import { auditLedgerBundles, downloadLedger, type LedgerDownload } from '../api/ledger-download.js';
import { printApiError } from '../control-plane/api-errors.js';
import { refuseMissingFolder } from '../output-file.js';
import { checkpointsFileOf, writeLedgerExport } from './ledger-export.js';
import { readBytesFile, readTextFile } from './read-intent-file.js';

export { exportLines } from '../../lambdas/core/ledger/export-lines.js';

export { checkpointsFileOf } from './ledger-export.js';

function readCheckpointsFile(file: string, option?: string): CheckpointSource[] {
  return checkpointSourcesOf(readTextFile(file, option), file);
}

/** The lines of a checkpoints file as untrusted sources named by file and line; a line that is not JSON is `null`. */
export function checkpointSourcesOf(text: string, file: string): CheckpointSource[] {
  return text
    .split('\n')
    .map((line, index) => ({ line, source: `${file} line ${index + 1}` }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, source }) => {
      try {
        return { value: JSON.parse(line) as unknown, source };
      } catch {
        return { value: null, source };
      }
    });
}

/**
 * The public key in a file (`--public-key`), as SPKI DER: PEM, or DER as `aws kms get-public-key --query
 * PublicKey --output text | base64 -d` writes the KMS key's; a file that holds neither is refused, named.
 */
export function spkiFromKeyFile(file: string): Uint8Array {
  const bytes = readBytesFile(file, '--public-key');
  const pem = bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN');
  try {
    const key = pem
      ? createPublicKey(bytes.toString('utf8'))
      : createPublicKey({ key: bytes, format: 'der', type: 'spki' });
    // Uncompressed, as the signer's keyid is computed: a key given with a compressed point is the same key.
    return uncompressedSpki(new Uint8Array(key.export({ type: 'spki', format: 'der' })));
  } catch (error) {
    // In words first: OpenSSL's own (`error:0680009B:asn1 encoding routines::too long`) only as the detail.
    throw new InvalidInputError(`cannot use ${file} as a public key`, [
      {
        path: '--public-key',
        message: `${file} is not a public key in PEM or DER (${(error as Error).message})`,
      },
    ]);
  }
}

/** Exit codes of `itv ledger verify`. */
export const VERIFY_EXIT = {
  /** Every entry is covered by a valid signed checkpoint. */
  intact: 0,
  /** An entry or a checkpoint cannot be trusted: the first one is named. */
  tampered: 1,
  /** The chain holds, but entries trail the newest signed checkpoint (or none was given): nothing vouches for them. */
  unanchored: 3,
} as const;

/** Whether every entry is vouched for by a signed checkpoint; an empty ledger with none proves nothing either. */
export const isAnchored = (audit: LedgerAudit) => audit.ok && audit.trailing === 0 && audit.checkpoints > 0;

/**
 * Whether `--accept-tail` accepts the audit: entries trailing a signed checkpoint that held, as a ledger whose
 * executions are still running has. A ledger no signature vouches for at all is never accepted: a correct chain
 * alone is what anyone can compute over entries they made up.
 */
const tailAccepted = (audit: LedgerAudit, acceptTail: boolean) =>
  acceptTail && audit.ok && audit.checkpoints > 0;

/** The exit code of a verdict: tampered when the audit or a bundle failed, else intact or unanchored. */
export function verifyExitOf(audit: LedgerAudit, acceptTail = false, bundlesBad = false): number {
  if (!audit.ok || bundlesBad) return VERIFY_EXIT.tampered;
  return isAnchored(audit) || tailAccepted(audit, acceptTail) ? VERIFY_EXIT.intact : VERIFY_EXIT.unanchored;
}

/** One line (or JSON) naming the verdict; the exit code is one of `VERIFY_EXIT`. */
export function printAudit(
  audit: LedgerAudit,
  json: boolean,
  acceptTail = false,
  bundles?: BundleAudit,
): number {
  const bundlesBad = (bundles?.failures.length ?? 0) > 0;
  const code = verifyExitOf(audit, acceptTail, bundlesBad);
  const verdict = !audit.ok || bundlesBad ? 'tampered' : isAnchored(audit) ? 'intact' : 'unanchored';
  // `ok` says what the exit code says (intact, or a tail accepted), so a script reading either decides alike; the
  // audit's own `ok` only says the chain and signatures held, which `verdict` tells apart from unanchored.
  if (json) {
    const answer = { verdict, ...audit, ok: code === VERIFY_EXIT.intact, ...(bundles ? { bundles } : {}) };
    console.log(JSON.stringify(answer, null, 2));
  } else if (bundles) {
    printAudit(audit, false, acceptTail);
    for (const failure of bundles.failures)
      console.log(
        `evidence TAMPERED: the bundle of ${failure.intentId}, recorded at seq ${failure.seq}: ${failure.reason}`,
      );
    console.log(
      `bundles: ${bundles.checked} recorded, ${bundles.checked - bundles.failures.length} in the evidence store as sealed`,
    );
  } else if (!audit.ok)
    console.log(`ledger TAMPERED: first bad entry seq ${audit.seq} (${audit.fault}): ${audit.reason}`);
  else {
    const verified = `${audit.decisions} decisions and ${audit.checkpoints} signed checkpoints verified`;
    const tail =
      audit.checkpoints === 0
        ? 'no signed checkpoint vouches for any of them'
        : `${audit.anchored} covered by a signed checkpoint, ${audit.trailing} trailing it${audit.trailing > 0 ? ` (seq ${audit.anchored}–${audit.size - 1}: protected by the hash chain alone, so they may have been edited, appended or cut)` : ''}`;
    const headline =
      verdict === 'intact'
        ? 'ledger intact'
        : tailAccepted(audit, acceptTail)
          ? 'ledger intact up to its tail (accepted)'
          : acceptTail
            ? 'ledger UNANCHORED (--accept-tail accepts a tail after a signed checkpoint, and none verified)'
            : 'ledger UNANCHORED';
    console.log(
      `${headline}: ${audit.size} entries, ${tail}; root ${audit.rootHash}, ${verified}${clockNote(audit.clocks)}`,
    );
  }
  return code;
}

export async function ledgerVerifyCommand(options: {
  json?: boolean;
  acceptTail?: boolean;
  file?: string;
  publicKey?: string;
  checkpoints?: string;
  /** Checkpoint files kept apart from the store (an earlier export's): a witness a rollback cannot shrink. */
  witness?: string[];
  /** Also check every bundle the ledger records against the evidence store (online only). */
  bundles?: boolean;
}): Promise<number> {
  if (options.file) {
    if (!options.publicKey) {
      throw new InvalidInputError('offline verification trusts only the key you give it', [
        {
          path: '--public-key',
          message: 'is required with --file: the key that signed the ledger, in PEM or DER',
        },
      ]);
    }
    // Every file named is read before anything is said about the ones not named.
    const lines = readBytesFile(options.file, '--file');
    const key = spkiFromKeyFile(options.publicKey);
    const named = options.checkpoints ? readCheckpointsFile(options.checkpoints, '--checkpoints') : undefined;
    const witnessFiles = witnessesOf(options.witness);
    const witnessed = witnessFiles.flatMap(({ sources }) => sources);
    const beside = checkpointsFileOf(options.file);
    const found = named ?? (existsSync(beside) ? readCheckpointsFile(beside) : undefined);
    if (!found && !options.json) {
      console.error(
        `no ${beside}: without the evidence store's checkpoints the export's tail cannot be vouched for`,
      );
    }
    const checkpoints = [...(found ?? []), ...witnessed];
    const audit = auditExport(lines, key, { checkpoints });
    refuseForeignKey(audit, { lines, key, checkpoints, file: options.publicKey });
    refuseForeignCheckpoints(audit, key, [
      ...(named && options.checkpoints
        ? [{ option: '--checkpoints', file: options.checkpoints, sources: named }]
        : []),
      ...witnessFiles,
    ]);
    return printAudit(audit, options.json ?? false, options.acceptTail);
  }
  const witnessFiles = witnessesOf(options.witness);
  const witnessed = witnessFiles.flatMap(({ sources }) => sources);
  // Online: the export and the checkpoints come through the API, and are audited here, by the client.
  return withLedger(async (download, get) => {
    const key = options.publicKey ? spkiFromKeyFile(options.publicKey) : pemToSpki(download.publicKeyPem);
    const checkpoints = [...download.checkpoints, ...witnessed];
    const audit = auditExport(download.lines, key, { checkpoints });
    if (options.publicKey)
      refuseForeignKey(audit, { lines: download.lines, key, checkpoints, file: options.publicKey });
    refuseForeignCheckpoints(audit, key, witnessFiles);
    if (!options.bundles || !audit.ok) return printAudit(audit, options.json ?? false, options.acceptTail);
    // The ledger, verified, is the signed index of the evidence store: each bundle it records must be there.
    const bundles = await auditLedgerBundles(download, get, key);
    return printAudit(audit, options.json ?? false, options.acceptTail, bundles);
  });
}

/**
 * A key given with `--public-key` that verifies none of the ledger's signatures is not the ledger's key: said so,
 * as bad input, rather than calling the ledger tampered. One signature that holds makes a failing one tampering.
 */
function refuseForeignKey(
  audit: LedgerAudit,
  given: { lines: Buffer; key: Uint8Array; checkpoints: readonly CheckpointSource[]; file: string },
): void {
  if (audit.ok || audit.fault !== 'bad-signature') return;
  const mismatch = keyMismatchOf(given.lines, given.key, given.checkpoints);
  if (mismatch === undefined) return;
  throw new InvalidInputError(`${given.file} is not the key that signed this ledger`, [
    {
      path: '--public-key',
      message: `none of the ${mismatch.signatures} signatures in the ledger and its checkpoints verifies with it (it has keyid ${mismatch.keyid}; the ledger's signatures carry ${mismatch.claimedKeyids.join(', ')})`,
    },
  ]);
}

/**
 * An export never replaces an earlier one: its checkpoints file is the witness `--witness` holds a later ledger
 * to (a rollback cannot shrink what it signed), and its export what was seen then. Refused, naming --out,
 * before anything is asked of the stack.
 */
function refuseEarlierExport(out: string): void {
  const there = [out, `${out}.pub.pem`, checkpointsFileOf(out)].filter((file) => existsSync(file));
  if (there.length === 0) return;
  throw new InvalidInputError(`${there[0]} exists`, [
    {
      path: '--out',
      message: `${there.join(', ')} ${there.length > 1 ? 'exist' : 'exists'}: an earlier export, whose checkpoints are a witness against a rollback (itv ledger verify --witness); keep it and give another --out, or move it away first`,
    },
  ]);
}

/**
 * A checkpoints file the verifier named (`--checkpoints`, `--witness`) none of whose signatures verifies with the
 * ledger's key is another ledger's — the verifier's mistake, said so as bad input naming the option, rather
 * than calling this ledger tampered. One checkpoint of the file that verifies makes a failing one tampering;
 * checkpoints the store serves are never excused so.
 */
function refuseForeignCheckpoints(
  audit: LedgerAudit,
  key: Uint8Array,
  files: ReadonlyArray<{ option: string; file: string; sources: readonly CheckpointSource[] }>,
): void {
  if (audit.ok || audit.fault !== 'bad-signature') return;
  for (const { option, file, sources } of files) {
    const mismatch = keyMismatchOf(Buffer.alloc(0), key, sources);
    if (mismatch === undefined) continue;
    throw new InvalidInputError(`${file} holds another ledger's checkpoints`, [
      {
        path: option,
        message: `none of its ${mismatch.signatures} signed checkpoints verifies with this ledger's key (keyid ${mismatch.keyid}); they carry ${mismatch.claimedKeyids.join(', ')}`,
      },
    ]);
  }
}

/** Witnesses are checkpoints files: a file that is something else (an export, notes, nothing) is refused, named. */
function witnessesOf(
  files: readonly string[] = [],
): Array<{ option: string; file: string; sources: CheckpointSource[] }> {
  return files.map((file) => {
    const sources = readCheckpointsFile(file, '--witness');
    const refuse = (message: string) =>
      new InvalidInputError(`${file} is not a checkpoints file`, [
        {
          path: '--witness',
          message: `${message}: a witness is a file of signed checkpoints, such as the one an earlier 'itv ledger export --out' wrote beside its export`,
        },
      ]);
    if (sources.length === 0) throw refuse(`${file} holds no signed checkpoint`);
    for (const { value, source } of sources) {
      const wrong = notASignedCheckpoint(value);
      if (wrong !== undefined) throw refuse(`${source} ${wrong}`);
    }
    return { option: '--witness', file, sources };
  });
}

/** What a line is instead of a signed checkpoint (`{ checkpoint, envelope }`), or undefined when it has that shape. */
function notASignedCheckpoint(value: unknown): string | undefined {
  if (value === null) return 'is not JSON';
  const isObject = (part: unknown) => part !== null && typeof part === 'object' && !Array.isArray(part);
  if (!isObject(value)) return 'is not a signed checkpoint';
  const { checkpoint, envelope, entry, hash } = value as Record<string, unknown>;
  if (isObject(checkpoint) && isObject(envelope)) return undefined;
  if (isObject(entry) && typeof hash === 'string') return 'is a ledger entry, not a signed checkpoint';
  return 'is not a signed checkpoint';
}

/** With `--json` and `--out`, what was written is printed as JSON; without `--out`, the export is JSON Lines already. */
export async function ledgerExportCommand(options: { out?: string; json?: boolean }): Promise<number> {
  if (options.json && !options.out) {
    // --json promises one JSON document on stdout, which an export of many entries is not.
    throw new InvalidInputError('itv ledger export --json prints what --out wrote', [
      {
        path: '--json',
        message:
          'needs --out: without it the export itself is JSON Lines on stdout, one entry a line; leave --json out, or add --out FILE',
      },
    ]);
  }
  if (options.out) {
    refuseMissingFolder(options.out, '--out');
    refuseEarlierExport(options.out);
  }
  return withLedger(async (download) => {
    if (!options.out) {
      process.stdout.write(download.lines);
      return 0;
    }
    writeLedgerExport(download, options.out);
    if (options.json) {
      const written = {
        entries: download.entries,
        file: options.out,
        publicKey: `${options.out}.pub.pem`,
        checkpoints: download.checkpoints.length,
        checkpointsFile: checkpointsFileOf(options.out),
      };
      console.log(JSON.stringify(written, null, 2));
      return 0;
    }
    console.error(
      `wrote ${download.entries} entries to ${options.out}, the public key to ${options.out}.pub.pem and ${download.checkpoints.length} signed checkpoints to ${checkpointsFileOf(options.out)}`,
    );
    return 0;
  });
}

/** The ledger through `GET /ledger` and `GET /ledger/checkpoints` of the chosen stack. */
async function withLedger(work: (download: LedgerDownload, get: ApiGet) => Promise<number>): Promise<number> {
  const { client } = await openApi();
  const get: ApiGet = (path) => client.text(path);
  let download: LedgerDownload;
  try {
    download = await downloadLedger(get);
  } catch (error) {
    if (error instanceof ApiAnswerError) return printApiError(error.answer);
    throw error;
  }
  return work(download, get);
}

/**
 * Which clock the signed checkpoints say the ledger's instants are on: a virtual clock's are not real times, and
 * a reader of the timestamps must know it.
 */
function clockNote(clocks: ClockTally): string {
  const said = [
    clocks.virtual > 0 ? `${clocks.virtual} on a virtual clock (its instants are not real times)` : '',
    clocks.wall > 0 ? `${clocks.wall} on the wall clock` : '',
    clocks.unstated > 0 ? `${clocks.unstated} not saying (of earlier versions)` : '',
  ].filter((part) => part !== '');
  return said.length === 0 ? '' : `; signed checkpoints dated ${said.join(', ')}`;
}
