/** The gateway cannot tell which IAM action and resource a request needs: it is denied, never forwarded. */
export class UnmappedOperationError extends Error {
  override readonly name = 'UnmappedOperationError';
}

/** A request signed with an access key no caller was registered under. */
export class UnknownCallerError extends Error {
  override readonly name = 'UnknownCallerError';
}
