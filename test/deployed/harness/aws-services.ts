import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AppConfigEndpoint } from '../emulators/appconfig/appconfig-endpoint.js';
import { CloudWatchAlarmStates } from '../emulators/cloudwatch-alarm-states.js';
import { AlarmActionsRegistry, CloudWatchGaps } from '../emulators/cloudwatch-gaps.js';
import type { GatewayRequest, GatewayResponse } from '../emulators/gateway-request.js';
import { IamGateway } from '../emulators/iam-gateway.js';
import { KmsDigestSigning } from '../emulators/kms-digest-signing.js';
import type { PolicyDocument } from '../emulators/operations/authorization-check.js';
import { type Caller, evaluateCheck } from '../emulators/policy-evaluation.js';
import { grantUsage, recordGrantUsage } from './grant-usage.js';
import { deployedAccount, deployedRegion } from './template.js';
import type { VirtualClock } from './virtual-clock.js';

/** One entry of an EventBridge PutEvents request. */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: number;
}

/**
 * The AWS side of the emulated deployment: moto_server for DynamoDB, KMS, S3, CloudWatch and EventBridge; the
 * AppConfig endpoint, whose monitors read alarm states computed from the metrics on moto; what moto lacks of
 * CloudWatch (alarm actions); and in front of them all the IAM gateway every function's SDK calls go through.
 */
export class AwsServices {
  private readonly roles = new Map<string, PolicyDocument[]>();
  private readonly upstreams: { default: string; appconfig: string; states?: string };

  private constructor(
    readonly gateway: IamGateway,
    readonly appConfig: AppConfigEndpoint,
    readonly alarmStates: CloudWatchAlarmStates,
    upstreams: { default: string; appconfig: string },
    private readonly clock: VirtualClock,
    /**
     * AppConfig operations made to fail, as an outage would: operation → error type; `<operation> by <text>`
     * fails only for the callers whose role ARN contains the text (one function's view of an outage).
     */
    readonly appConfigOutages: Map<string, string>,
    /** When each alarm's actions were disabled or enabled (moto does not keep it). */
    readonly alarmActions: AlarmActionsRegistry,
    /** Where the events put on a bus go once moto has accepted them: the rules of the template. */
    readonly eventRouting: { deliver: (entries: PutEventsEntry[]) => Promise<void> },
  ) {
    this.upstreams = upstreams;
  }

  static async start(options: { motoEndpoint: string; clock: VirtualClock }): Promise<AwsServices> {
    const outages = new Map<string, string>();
    const eventRouting = { deliver: async (_entries: PutEventsEntry[]) => {} };
    const actions = new AlarmActionsRegistry(options.clock);
    const gaps = new CloudWatchGaps(actions);
    const cloudwatch = new CloudWatchClient({
      endpoint: options.motoEndpoint,
      region: deployedRegion,
      credentials: { accessKeyId: 'AKIAALARMEVALUATOR00', secretAccessKey: 'cloudwatch' },
    });
    const alarmStates = new CloudWatchAlarmStates({ client: cloudwatch, actions });
    const appConfig = await AppConfigEndpoint.start({ clock: options.clock, alarms: alarmStates });
    const upstreams = { default: options.motoEndpoint, appconfig: appConfig.url };
    const kmsSigning = new KmsDigestSigning();
    const gateway = new IamGateway({
      upstreams,
      account: deployedAccount,
      region: deployedRegion,
      clock: () => options.clock.now(),
      interceptors: {
        kms: (request, call) => kmsSigning.intercept(request, call.operation),
        cloudwatch: (request, call) =>
          cloudWatchBeyondMoto(
            request,
            call.operation.operation,
            options.motoEndpoint,
            gaps,
            alarmStates,
            options.clock,
          ),
        // moto keeps the bus and accepts the events but invokes no target: the suite's rules deliver them.
        events: async (request, call) => {
          if (call.operation.operation !== 'PutEvents') return undefined;
          const response = await forwardToMoto(options.motoEndpoint, request, request.body);
          const body = await response.text();
          if (response.ok) {
            const input = JSON.parse(request.body.toString() || '{}') as { Entries?: PutEventsEntry[] };
            await eventRouting.deliver(input.Entries ?? []);
          }
          return {
            status: response.status,
            headers: { 'content-type': response.headers.get('content-type') ?? 'application/x-amz-json-1.1' },
            body,
          };
        },
        appconfig: (_request, call) => {
          // `Operation` fails for every caller, `Operation by <text>` for the callers whose ARN contains it.
          const scoped = [...outages].find(
            ([key]) =>
              key.startsWith(`${call.operation.operation} by `) &&
              call.caller.principalArn.includes(key.slice(`${call.operation.operation} by `.length)),
          );
          const errorType = outages.get(call.operation.operation) ?? scoped?.[1];
          if (!errorType) return undefined;
          return {
            status: 500,
            headers: { 'content-type': 'application/json', 'x-amzn-errortype': errorType },
            body: JSON.stringify({ Message: `${call.operation.operation} is failing (injected outage)` }),
          };
        },
      },
    });
    await gateway.start();
    return new AwsServices(
      gateway,
      appConfig,
      alarmStates,
      upstreams,
      options.clock,
      outages,
      actions,
      eventRouting,
    );
  }

  get gatewayUrl(): string {
    return this.gateway.url;
  }

  get appConfigUrl(): string {
    return this.appConfig.url;
  }

  /** Where the gateway forwards Step Functions calls (the API functions' StartExecution, SendTask*). */
  routeStepFunctions(url: string): void {
    this.upstreams.states = url;
  }

  registerRole(roleArn: string, policies: unknown[]): void {
    this.roles.set(roleArn, policies as PolicyDocument[]);
  }

  /** Requests signed with `accessKeyId` are made by a session of `roleArn`, with the role's policies. */
  registerCallerOf(accessKeyId: string, roleArn: string, sessionName?: string): void {
    this.gateway.registerCaller(accessKeyId, this.callerOf(roleArn, sessionName));
  }

  registerKmsKey(key: { keyArn: string; policy: unknown }): void {
    this.gateway.registerKmsKey({ keyArn: key.keyArn, policy: key.policy as PolicyDocument });
  }

  setBucketPolicy(bucket: string, policy: unknown): void {
    this.gateway.setBucketPolicy(bucket, policy as PolicyDocument);
  }

  setEventBusPolicy(busArn: string, policy: unknown): void {
    this.gateway.setEventBusPolicy(busArn, policy as PolicyDocument);
  }

  /**
   * A service acting with a role of the stack (Step Functions invoking a function): checked like any call, and
   * logged; throws AccessDenied as the service would report it.
   */
  async authorizeDirect(roleArn: string, action: string, resource: string): Promise<void> {
    const caller = this.callerOf(roleArn);
    const check = { action, resource };
    const verdict = await evaluateCheck(caller, check, {
      account: deployedAccount,
      region: deployedRegion,
      now: this.clock.now(),
      secureTransport: true,
    });
    this.gateway.log.record({
      caller: roleArn,
      service: action.split(':')[0] ?? 'unknown',
      operation: action.split(':')[1] ?? action,
      action,
      resource,
      allowed: verdict.allowed,
      reason: verdict.reason,
      requestNumber: -1,
    });
    if (!verdict.allowed) {
      const denied = new Error(
        `User: ${roleArn} is not authorized to perform: ${action} on resource: ${resource}`,
      );
      denied.name = 'Lambda.AccessDeniedException';
      throw denied;
    }
  }

  /** The checks made, the denials, and per function the granted actions no call of this run used. */
  iamSummary(): string {
    const unused = this.gateway
      .unusedGrants()
      // Log delivery and X-Ray traces are the Lambda runtime's own calls, not the function's SDK clients'.
      .map((grant) => ({ ...grant, unused: grant.unused.filter((action) => !/^(logs|xray):/.test(action)) }))
      .filter((grant) => grant.unused.length > 0)
      .map((grant) => `  unused by ${grant.caller.split('/').at(-1)}: ${grant.unused.join(', ')}`);
    return [
      this.gateway.log.summary(),
      ...(unused.length > 0 ? ['granted but not called in this run:', ...unused] : []),
    ].join('\n');
  }

  deniedCalls(): string[] {
    return this.gateway.log.denied.map(
      (check) => `${check.caller} ${check.action} ${check.resource}: ${check.reason}`,
    );
  }

  checkedCalls(): number {
    return this.gateway.log.checks.length;
  }

  async stop(): Promise<void> {
    recordGrantUsage(grantUsage(this.roles, this.gateway.log.checks));
    await this.gateway.stop();
    await this.appConfig.stop();
  }

  private callerOf(roleArn: string, sessionName?: string): Caller {
    const policies = this.roles.get(roleArn);
    if (!policies) throw new Error(`no role ${roleArn} in the template`);
    return { principalArn: roleArn, identityPolicies: policies, ...(sessionName ? { sessionName } : {}) };
  }
}

function forwardToMoto(
  motoEndpoint: string,
  request: GatewayRequest,
  body: string | Buffer,
): Promise<Response> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value;
  }
  return fetch(`${motoEndpoint}${request.rawUrl}`, { method: request.method, headers, body });
}

/**
 * CloudWatch as AWS runs it, where moto does not: alarm actions enabled and disabled (CloudWatchGaps),
 * DescribeAlarms answering each alarm's state as CloudWatch would have evaluated it from the metrics now (moto
 * never evaluates alarms), and GetMetricData of a percentile. Everything else goes to moto unchanged.
 */
async function cloudWatchBeyondMoto(
  request: GatewayRequest,
  operation: string,
  motoEndpoint: string,
  gaps: CloudWatchGaps,
  alarmStates: CloudWatchAlarmStates,
  clock: VirtualClock,
): Promise<GatewayResponse | undefined> {
  const answered = gaps.handle(operation, request.body);
  if (answered) return answered;
  if (operation === 'GetMetricData') {
    // moto answers a percentile statistic with an HTTP 500. The services publish one p99 a minute, and the p99
    // of a period holding one datapoint is that datapoint: its Maximum.
    const input = JSON.parse(request.body.toString() || '{}') as {
      MetricDataQueries?: Array<{ MetricStat?: { Stat?: string } }>;
    };
    const percentiles = (input.MetricDataQueries ?? []).filter((q) => /^p\d/.test(q.MetricStat?.Stat ?? ''));
    if (percentiles.length === 0) return undefined;
    for (const query of percentiles) query.MetricStat!.Stat = 'Maximum';
    const response = await forwardToMoto(motoEndpoint, request, JSON.stringify(input));
    return {
      status: response.status,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: await response.text(),
    };
  }
  if (operation !== 'DescribeAlarms') return undefined;
  const response = await forwardToMoto(motoEndpoint, request, request.body);
  const text = await response.text();
  if (!response.ok)
    return {
      status: response.status,
      headers: { 'content-type': response.headers.get('content-type') ?? 'application/x-amz-json-1.0' },
      body: text,
    };
  const described = JSON.parse(gaps.rewrite(operation, text)) as {
    MetricAlarms?: Array<Record<string, unknown>>;
  };
  const alarms = described.MetricAlarms ?? [];
  const now = clock.now().getTime();
  const ticks = await alarmStates.alarmHistory(
    alarms.map((a) => String(a.AlarmName)),
    now - 60_000,
    now,
  );
  const latest = ticks.at(-1);
  for (const alarm of alarms) {
    const state = latest?.alarms.find((a) => a.name === alarm.AlarmName)?.state;
    if (state && state !== alarm.StateValue) {
      alarm.StateValue = state;
      alarm.StateReason = 'Evaluated from the metrics by the deployed-stack suite';
      alarm.StateUpdatedTimestamp = latest!.at.getTime() / 1000;
    }
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify(described),
  };
}
