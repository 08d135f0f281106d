import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchTelemetry } from '../../adapters/aws/cloudwatch-telemetry.js';
import type { Catalog } from '../../core/catalog-schema.js';
import { baselinesOf } from '../../core/release/slo.js';
import type { Telemetry } from '../../ports/releaser.js';
import { requiredEnv } from '../env.js';

/** Service telemetry from CloudWatch, against the catalog's SLO baselines and the stack's rollback alarms. */
export function cloudWatchTelemetry(env: NodeJS.ProcessEnv, catalog: Catalog): Telemetry {
  return new CloudWatchTelemetry({
    client: new CloudWatchClient({}),
    baselines: baselinesOf(catalog),
    alarmPrefix: requiredEnv('ITV_NAME_PREFIX', env),
  });
}
