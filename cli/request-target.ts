import type { APIGatewayProxyResult } from 'aws-lambda';
import { problem } from '../lambdas/api/problem.js';

/**
 * The URL of a request to one of itv's loopback servers, its target read as a path of this origin. `new URL(target,
 * base)` reads `//x/y` as host `x` (and `//` as no URL at all: it throws), so a request for `//` crashed
 * `itv serve` and the console answered `//ledger` with its front page; here the target is appended to the
 * origin, so `//x/y` stays the path `//x/y`, which no route declares. Undefined for a target that is not a path
 * (absolute-form, `*`): the caller answers 400.
 */
export function requestTarget(target: string | undefined, origin = 'http://127.0.0.1'): URL | undefined {
  const raw = target ?? '/';
  if (!raw.startsWith('/')) return undefined;
  try {
    return new URL(`${origin}${raw}`);
  } catch {
    return undefined;
  }
}

/** The 400 for a request target that is not a path. */
export function notAPath(): APIGatewayProxyResult {
  const message = 'the request target must be a path beginning with /';
  return problem(400, 'BadRequest', message, { issues: [{ path: 'path', message }] });
}
