import { RemovalPolicy } from 'aws-cdk-lib';
import { Effect, type IRole, PolicyStatement, StarPrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The signing key: ECDSA P-256, usable for `kms:Sign` by the roles of the functions that sign (the decision and
 * checkpoint stages) alone; its public key readable by them and by the API function that serves it.
 */
export class SigningKey extends Construct {
  readonly key: Key;

  constructor(
    scope: Construct,
    id: string,
    props: { signerRoles: readonly IRole[]; publicKeyReaderRoles?: readonly IRole[] },
  ) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'itv decision and checkpoint signing key (ECDSA P-256, DSSE envelopes)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // IAM policies alone would let any administrator grant kms:Sign; the key policy refuses every other
    // principal, so a valid signature was made by a signing stage's role. Not by its code, necessarily: whoever may
    // change that code or pass the role (lambda:UpdateFunctionCode, iam:PassRole), or change this policy (the
    // account keeps kms:PutKeyPolicy), could sign too; docs/DEPLOY.md's "What the signing key proves" says what guards that.
    // With several ARNs, ArnNotEquals holds when the caller matches none of them.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheSigningStagesSign',
        effect: Effect.DENY,
        actions: ['kms:Sign'],
        principals: [new StarPrincipal()],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': props.signerRoles.map((role) => role.roleArn) } },
      }),
    );
    for (const role of props.signerRoles) this.key.grant(role, 'kms:Sign', 'kms:GetPublicKey');
    // The API hands the public key to verifiers; reading it signs nothing.
    for (const role of props.publicKeyReaderRoles ?? []) this.key.grant(role, 'kms:GetPublicKey');
  }
}
