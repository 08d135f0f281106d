import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import type { Catalog } from '../core/catalog-schema.js';
import { ImpersonationError, IntentIdConflictError, InvalidInputError } from '../core/errors.js';
import type { Caller } from '../core/principals/index.js';
import type { Executions } from '../ports/executions.js';
import { doorDeps } from '../wiring/aws/door-deps.js';
import { sfnExecutions } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type DoorDeps, type Submitted, submitForTheRecord } from './submission.js';

/** The event a CI system puts on the itv bus: `detail.intent` is the intent. */
export type IntentSubmittedEvent = EventBridgeEvent<'Intent Submitted', { intent?: unknown }>;

/**
 * The automation principal behind an event. EventBridge sets `account` (the caller's), but `source` is whatever
 * the caller put in its PutEvents entry: what makes it mean anything is the bus policy
 * (`infra/intake-events.ts`), whose explicit denies refuse every role but the registered CI roles, and each of
 * those under any source but its own principal's. So a source names the principal only as far as that policy
 * holds. Undefined for a source no principal claims (the rule matches only claimed sources, so that is a rule
 * out of step with the catalog).
 */
export function eventCaller(event: IntentSubmittedEvent, catalog: Catalog): Caller | undefined {
  const principal = catalog.eventSources[event.source];
  if (!principal) return undefined;
  return {
    principal,
    authenticatedAs: { method: 'eventbridge', source: event.source, account: event.account },
    matched: `principals.${principal}.eventSource`,
  };
}

let executions: Executions | undefined;
let deps: DoorDeps | undefined;

/**
 * The target of the itv bus's rule: starts the pipeline for an intent a CI system submitted, as the
 * automation principal its source belongs to, with the intent's attempt as the execution name and the event
 * id remembered, so a redelivered event is the same execution (even after that execution failed). Nobody waits for an answer, so DeclareIntent records what this cannot say:
 * an incomplete intent, or `request.refused` for one that names somebody the principal may not act for.
 */
export async function intakeEvent(
  event: IntentSubmittedEvent,
  executions: Executions,
  deps: DoorDeps,
  now: Date,
): Promise<Submitted | { ignored: string } | Refused> {
  const caller = eventCaller(event, deps.catalog);
  if (!caller) {
    const ignored = `event ${event.id}: source "${event.source}" is no principal's in the catalog; ignored`;
    console.warn(JSON.stringify({ refused: 'UnknownEventSource', message: ignored }));
    return { ignored };
  }
  try {
    return await submitForTheRecord(
      {
        raw: event.detail?.intent,
        caller,
        source: 'eventbridge',
        submittedAt: event.time,
        // EventBridge delivers at least once: a redelivery carries the same id.
        deliveryId: event.id,
      },
      executions,
      deps,
      now,
    );
  } catch (error) {
    const issues =
      error instanceof InvalidInputError
        ? error.issues
        : error instanceof ImpersonationError || error instanceof IntentIdConflictError
          ? [{ path: error.field, message: error.message }]
          : undefined;
    if (issues === undefined) throw error;
    // Redelivering would be refused again: the log line is the record, and it names fields, rules and
    // salted digests only, never what was sent.
    const refused = `event ${event.id} from ${event.source}: ${(error as Error).message}`;
    console.warn(JSON.stringify({ refused: (error as Error).name, message: refused, issues }));
    return { refused, issues };
  }
}

/** An event whose intent the door refused: nothing started, nothing recorded but the function's log line. */
export interface Refused {
  refused: string;
  issues: Array<{ path: string; message: string }>;
}

export const handler = middy<IntentSubmittedEvent, Submitted | { ignored: string } | Refused>()
  .use(telemetry('IntakeEvent'))
  .handler((event: IntentSubmittedEvent) => {
    executions ??= sfnExecutions(process.env);
    deps ??= doorDeps(process.env);
    return intakeEvent(event, executions, deps, new Date());
  });
