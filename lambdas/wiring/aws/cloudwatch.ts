import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchTelemetry } from '../../adapters/aws/cloudwatch-telemetry.js';
import type { Catalog } from '../../core/catalog-schema.js';
import { baselinesOf } from '../../core/release/slo.js';
import type { Telemetry } from '../../ports/releaser.js';

/** Service telemetry from CloudWatch, against the catalog's SLO baselines. */
export function cloudWatchTelemetry(_env: NodeJS.ProcessEnv, catalog: Catalog): Telemetry {
  return new CloudWatchTelemetry({ client: new CloudWatchClient({}), baselines: baselinesOf(catalog) });
}
