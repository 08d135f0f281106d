/** IAM service prefixes the gateway understands (the `<prefix>:` of an action). */
export const iamServices = ['dynamodb', 'kms', 's3', 'cloudwatch', 'events', 'appconfig', 'states'] as const;
export type IamService = (typeof iamServices)[number];

/** A policy document as IAM reads it (JSON). */
export type PolicyDocument = Record<string, unknown>;

/** One (action, resource) pair AWS authorizes for a request, with what it evaluates besides identity policies. */
export interface AuthorizationCheck {
  action: string;
  resource: string;
  /** Request context keys beyond the global ones the gateway always supplies. */
  context?: Record<string, string | string[]>;
  /** The resource's own policy where AWS has one (KMS key policy, S3 bucket policy, event bus policy). */
  resourcePolicy?: PolicyDocument;
  /**
   * `observed`: the Service Authorization Reference lists no resource type for the action, but AWS is seen to
   * authorize it against this resource (see step-functions.ts); the evaluator must not reject the ARN.
   */
  resourceLevel?: 'reference' | 'observed';
}

/** What a request asks of IAM: its operation and every check it must pass. */
export interface MappedOperation {
  service: IamService;
  operation: string;
  checks: AuthorizationCheck[];
}

/** The account, region and resource directories the mapping reads. */
export interface MappingContext {
  account: string;
  region: string;
  /** `host:port` values that address the gateway itself; any other Host names a virtual-hosted S3 bucket. */
  endpointHosts: readonly string[];
  kmsKeys: KmsKeyDirectory;
  bucketPolicyOf(bucket: string): PolicyDocument | undefined;
  /** An EventBridge bus's resource policy (`PutPermission` / `AWS::Events::EventBusPolicy`), by bus ARN. */
  eventBusPolicyOf(busArn: string): PolicyDocument | undefined;
  /** The state machine (or activity) ARN a task token was issued by, where the issuer told the gateway. */
  taskTokenOwnerOf(taskToken: string): string | undefined;
}

export interface KmsKey {
  keyArn: string;
  policy: PolicyDocument;
}

export interface KmsKeyDirectory {
  /** Resolves a key id, key ARN, alias name or alias ARN; undefined when the key is not registered. */
  resolve(keyId: string): { key: KmsKey; alias?: string } | undefined;
}
