import type { APIGatewayProxyResult } from 'aws-lambda';
import { refusedIntentId } from '../lambdas/api/conventions.js';
import { problem } from '../lambdas/api/problem.js';
import { matchRoute } from '../lambdas/api/routes.js';

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

/** A segment WHATWG URL reads as a step (`.`, `..`, `%2e`, `.%2E`, …): it is dropped, or steps up, before any route sees it. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * The 400 for a target whose path holds a segment of dots alone, as the API answers such a path parameter when API
 * Gateway hands it over as sent: an intent's `{id}` with the API's own refusal naming `path.id`, any other segment
 * naming `path.<parameter>` or `path`. Undefined for a target without one. Read from the target as sent: parsed as a
 * URL, `/intents/..` would already be `/`.
 */
export function dotSegmentProblem(
  method: string,
  target: string | undefined,
): APIGatewayProxyResult | undefined {
  const raw = (target ?? '/').split(/[?#]/, 1)[0] ?? '/';
  if (!raw.split('/').some((segment) => DOT_SEGMENT.test(segment))) return undefined;
  const matched = matchRoute(method, raw);
  const parameters = matched !== undefined && 'route' in matched ? matched.parameters : {};
  const name = Object.keys(parameters).find((key) => DOT_SEGMENT.test(parameters[key] ?? ''));
  if (
    matched !== undefined &&
    'route' in matched &&
    name === 'id' &&
    matched.route.path.startsWith('/intents/{id}')
  ) {
    const refused = refusedIntentId(decodeURIComponent(parameters.id ?? ''));
    if (refused !== undefined) return refused;
  }
  const path = name === undefined ? 'path' : `path.${name}`;
  const message = 'is dots alone, a path step rather than a name';
  return problem(400, 'InvalidInputError', `the path holds a segment of dots alone`, {
    issues: [{ path, message }],
  });
}
