import { RemovalPolicy } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { LEDGER_TABLE, STATE_TABLE } from '../lambdas/adapters/aws/tables.js';

/**
 * TTL attribute of the state table (epoch seconds): parked queue and review records expire on their own. The
 * DynamoDB state store writes it (`lambdas/adapters/aws/dynamodb-state-store.ts`), both from `STATE_TABLE`.
 */
export const stateTtlAttribute = STATE_TABLE.ttlAttribute;

const attribute = (key: { name: string; type: 'S' | 'N' }): Attribute => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

/** The append-only ledger and the mutable pipeline state, laid out as the DynamoDB adapters expect. */
export class DataTables extends Construct {
  readonly ledger: Table;
  readonly state: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Both survive a stack deletion and can be restored to any second of the last 35 days.
    const common = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    };
    this.ledger = new Table(this, 'Ledger', {
      ...common,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: LEDGER_TABLE.pointInTimeRecovery },
      partitionKey: attribute(LEDGER_TABLE.partitionKey),
      sortKey: attribute(LEDGER_TABLE.sortKey),
    });
    for (const index of Object.values(LEDGER_TABLE.indexes)) {
      this.ledger.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        ...('sortKey' in index ? { sortKey: attribute(index.sortKey) } : {}),
        projectionType: ProjectionType[index.projection],
      });
    }
    this.state = new Table(this, 'State', {
      ...common,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: STATE_TABLE.pointInTimeRecovery },
      partitionKey: attribute(STATE_TABLE.partitionKey),
      sortKey: attribute(STATE_TABLE.sortKey),
      timeToLiveAttribute: stateTtlAttribute,
    });
  }
}
