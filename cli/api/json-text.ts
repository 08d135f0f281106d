/**
 * A request body that is JSON text already, sent byte for byte: a payload upload is stored under the SHA-256
 * of the exact bytes sent, so it must not be parsed and serialised again on the way.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** The text a request carries for `body`: JSON text as it is, anything else serialised. */
export function bodyText(body: unknown): string {
  return body instanceof JsonText ? body.text : JSON.stringify(body);
}
