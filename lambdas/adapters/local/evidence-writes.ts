import { EvidenceConflictError, EvidenceIntegrityError, EvidenceMissingError } from '../../core/errors.js';

/** One evidence object to write, as it crosses to the writing thread. */
export interface EvidenceWrite {
  id: number;
  key: string;
  body: Uint8Array;
  contentType: string;
}

/** The writing thread's answer to write `id`: the object's URI, or why it was not written. */
export type EvidenceWritten = { id: number; uri: string } | { id: number; failure: SentFailure };

/** A failure as it crosses threads: what the caller reads of it (the error's kind, key and system code). */
export interface SentFailure {
  name: string;
  message: string;
  stack?: string;
  key?: string;
  code?: string;
}

export function sentFailure(error: unknown): SentFailure {
  const failure = (error ?? {}) as Partial<Error> & { key?: unknown; code?: unknown };
  return {
    name: typeof failure.name === 'string' ? failure.name : 'Error',
    message: typeof failure.message === 'string' ? failure.message : String(error),
    ...(typeof failure.stack === 'string' ? { stack: failure.stack } : {}),
    ...(typeof failure.key === 'string' ? { key: failure.key } : {}),
    ...(typeof failure.code === 'string' ? { code: failure.code } : {}),
  };
}

/** The failure as the store would have thrown it in this thread: the same class, key and system code. */
export function receivedFailure(sent: SentFailure): Error {
  const error =
    sent.name === 'EvidenceConflictError'
      ? new EvidenceConflictError(sent.message)
      : sent.name === 'EvidenceMissingError'
        ? new EvidenceMissingError(sent.message, sent.key === undefined ? {} : { key: sent.key })
        : sent.name === 'EvidenceIntegrityError'
          ? new EvidenceIntegrityError(sent.message, sent.key === undefined ? {} : { key: sent.key })
          : Object.assign(new Error(sent.message), { name: sent.name });
  if (sent.stack) error.stack = sent.stack;
  return sent.code === undefined ? error : Object.assign(error, { code: sent.code });
}
