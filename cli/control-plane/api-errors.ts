import { issueText } from '../../lambdas/core/errors.js';
import type { ApiAnswer } from './client.js';

interface ErrorBody {
  error?: string;
  message?: string;
  issues?: Array<{ path: string; message: string }>;
}

/** Prints an API error answer as the CLI prints its own errors, one line per field; returns exit code 1. */
export function printApiError(answer: ApiAnswer<unknown>): number {
  const body = answer.body as ErrorBody;
  console.error(`itv: ${body.error ?? `HTTP ${answer.status}`}: ${body.message ?? ''}`.trimEnd());
  // An issue that only names where the message's subject was (a 404's `path.id`) says nothing more.
  for (const issue of (body.issues ?? []).filter((issue) => issue.message !== body.message)) {
    console.error(`  ${issueText(issue)}`);
  }
  return 1;
}
