import { ItvError } from '../../lambdas/core/errors.js';
import type { ApiAnswer, RawAnswer } from '../control-plane/client.js';

/**
 * One GET of the itv API, answered with its text and headers: the home's control plane (`ControlPlaneClient`)
 * or a deployed stack's API Gateway. The reads below take it, so the same client code runs against both.
 */
export type ApiGet = (path: string) => Promise<Pick<RawAnswer, 'status' | 'text' | 'header'>>;

/** The API answered an error; the command prints it (`printApiError`) and exits 1. */
export class ApiAnswerError extends ItvError {
  constructor(readonly answer: ApiAnswer<unknown>) {
    const body = answer.body as { message?: string } | undefined;
    super(body?.message ?? `HTTP ${answer.status}`);
  }
}

/** The JSON body of an answer, or `ApiAnswerError` when it is not a 200. */
export async function getJson<T>(get: ApiGet, path: string): Promise<T> {
  const answer = await get(path);
  const body = parseJson(answer.text);
  if (answer.status !== 200) throw new ApiAnswerError({ status: answer.status, body });
  return body as T;
}

/** An error answer's body as JSON when it is, else its text as the message. */
export function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { message: text.slice(0, 500) };
  }
}
