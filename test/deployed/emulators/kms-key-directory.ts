import type { KmsKey, KmsKeyDirectory, PolicyDocument } from './operations/authorization-check.js';

export interface KmsKeyRegistration {
  keyArn: string;
  /** Alias names (`alias/itv-signing`) pointing at the key. */
  aliases?: string[];
  /** The key policy; every KMS key has one, and KMS consults it on every call. */
  policy: PolicyDocument;
}

/** KMS's rule is that the key policy decides: a key the gateway has no policy for is never resolved. */
export class RegisteredKmsKeys implements KmsKeyDirectory {
  private readonly byArn = new Map<string, KmsKey>();
  private readonly byAlias = new Map<string, string>();

  register(registration: KmsKeyRegistration): void {
    this.byArn.set(registration.keyArn, { keyArn: registration.keyArn, policy: registration.policy });
    for (const alias of registration.aliases ?? []) this.byAlias.set(alias, registration.keyArn);
  }

  resolve(keyId: string): { key: KmsKey; alias?: string } | undefined {
    // alias/name, arn:aws:kms:<region>:<account>:alias/name, key ARN, or bare key id.
    const aliasName = keyId.startsWith('alias/')
      ? keyId
      : /^arn:[^:]+:kms:[^:]*:[^:]*:(alias\/.+)$/.exec(keyId)?.[1];
    if (aliasName) {
      const arn = this.byAlias.get(aliasName);
      const key = arn ? this.byArn.get(arn) : undefined;
      return key ? { key, alias: aliasName } : undefined;
    }
    const key =
      this.byArn.get(keyId) ??
      [...this.byArn.values()].find((candidate) => candidate.keyArn.endsWith(`:key/${keyId}`));
    return key ? { key } : undefined;
  }
}
