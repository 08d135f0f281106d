import type { Catalog } from '../../lambdas/core/catalog-schema.js';
import { issueText } from '../../lambdas/core/errors.js';
import type { ApiGet } from '../api/api-get.js';
import type { ItvApi } from '../api/itv-api.js';
import type { ActingAs } from '../control-plane/client.js';

/** An answer of the API as a view reads it: its status and JSON body (an error's is problem+json). */
export interface ConsoleAnswer<T> {
  status: number;
  body: T;
}

/**
 * The console's requests, sent through the same client the CLI uses: the home's control plane as the
 * principal the console was started as, or a deployed stack signed with the user's own AWS credentials.
 * The console holds no authority of its own: the API decides what each request may do.
 */
export class ConsoleApi {
  constructor(
    readonly api: ItvApi,
    readonly as: ActingAs | undefined,
    /** The catalog principal `as` names (by id or e-mail), locally; pages offer no act the API would refuse them. */
    readonly principal?: string,
    /** The catalog the local stack decides with, by whose rules pages offer `principal` only what it may do. */
    readonly catalog?: Catalog,
  ) {}

  /** Who the console acts as, in the words of its top bar. */
  get actingAs(): string {
    return this.api.kind === 'deployed'
      ? `${this.api.name} · your AWS identity (SigV4)`
      : `local stack · acting as ${this.as?.named ?? 'nobody'} (named by ${this.as?.via ?? '—'}, not verified)`;
  }

  async get<T>(path: string): Promise<ConsoleAnswer<T>> {
    const answer = await this.api.client.call<T>('GET', path, this.options());
    return { status: answer.status, body: answer.body };
  }

  async post<T>(path: string, body: unknown): Promise<ConsoleAnswer<T>> {
    const answer = await this.api.client.call<T>('POST', path, { ...this.options(), body });
    return { status: answer.status, body: answer.body };
  }

  /** A GET whose text and headers matter (the ledger's JSON Lines pages), for the CLI's download code. */
  readonly text: ApiGet = (path) => this.api.client.text(path);

  private options(): { as?: ActingAs } {
    return this.api.kind === 'local' && this.as ? { as: this.as } : {};
  }
}

/** The message of an error answer (problem+json `detail`, or the older `message`), with the fields it names. */
export function answerProblem(answer: ConsoleAnswer<unknown>): string {
  const body = (answer.body ?? {}) as {
    detail?: string;
    message?: string;
    title?: string;
    issues?: Array<{ path: string; message: string }>;
  };
  const head = body.detail ?? body.message ?? body.title ?? `HTTP ${answer.status}`;
  const issues = (body.issues ?? []).filter((issue) => issue.message !== head).map(issueText);
  return [head, ...issues].join('; ');
}
