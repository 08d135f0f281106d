/** One (action, resource) decision the gateway took for a request. */
export interface IamCheck {
  /** The caller's principal ARN (or the access key, when no caller was registered under it). */
  caller: string;
  service: string;
  operation: string;
  action: string;
  resource: string;
  allowed: boolean;
  /** `allowed`, AWS's denial clause, or why the gateway could not map the request. */
  reason: string;
  /** Which request the check belongs to (a request may need several checks). */
  requestNumber: number;
}

/** Every check the gateway made, in order, and the figures the deployed-stack suite prints. */
export class IamCheckLog {
  private readonly entries: IamCheck[] = [];

  record(check: IamCheck): void {
    this.entries.push(check);
  }

  get checks(): readonly IamCheck[] {
    return this.entries;
  }

  get denied(): IamCheck[] {
    return this.entries.filter((check) => !check.allowed);
  }

  /** Per caller: its calls, the distinct actions it was allowed, and its denied calls. */
  byCaller(): { caller: string; calls: number; actions: string[]; denied: number }[] {
    const callers = [...new Set(this.entries.map((check) => check.caller))];
    return callers.map((caller) => {
      const own = this.entries.filter((check) => check.caller === caller);
      return {
        caller,
        calls: new Set(own.map((check) => check.requestNumber)).size,
        actions: [...new Set(own.filter((check) => check.allowed).map((check) => check.action))].sort(),
        denied: new Set(own.filter((check) => !check.allowed).map((check) => check.requestNumber)).size,
      };
    });
  }

  /** e.g. `42 calls checked against IAM (47 action/resource checks, 9 callers): 1 denied` and one line per denial. */
  summary(): string {
    const calls = new Set(this.entries.map((check) => check.requestNumber)).size;
    const deniedCalls = new Set(this.denied.map((check) => check.requestNumber)).size;
    const callers = new Set(this.entries.map((check) => check.caller)).size;
    const headline = `${calls} calls checked against IAM (${this.entries.length} action/resource checks, ${callers} callers): ${deniedCalls} denied`;
    const lines = this.denied.map(
      (check) =>
        `  denied ${check.caller} ${check.operation}: ${check.action} on ${check.resource} (${check.reason})`,
    );
    return [headline, ...lines].join('\n');
  }
}
