import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AppConfigReleaser } from '../../adapters/aws/appconfig-releaser.js';
import type { Catalog } from '../../core/catalog-schema.js';
import type { Releaser } from '../../ports/releaser.js';
import { requiredEnv, requiredJsonMap } from '../env.js';

/** AppConfig gradual deployments on the application, environments, profiles and strategies the stack made. */
export function appConfigReleaser(env: NodeJS.ProcessEnv, catalog: Catalog): Releaser {
  return new AppConfigReleaser({
    client: new AppConfigClient({}),
    applicationId: requiredEnv('ITV_APPCONFIG_APPLICATION_ID', env),
    environments: requiredJsonMap('ITV_APPCONFIG_ENVIRONMENTS', env),
    profiles: requiredJsonMap('ITV_APPCONFIG_PROFILES', env),
    strategies: requiredJsonMap('ITV_APPCONFIG_STRATEGIES', env),
    // The stack's rollback alarms are named with its prefix (infra/physical-names.ts).
    alarmPrefix: requiredEnv('ITV_NAME_PREFIX', env),
    // Feature-flag profiles take AppConfig's flag document, built from the catalog's contract.
    services: catalog.services,
    // Irreversible releases disable and restore their monitors' alarm actions, and read the monitors.
    cloudwatch: new CloudWatchClient({}),
  });
}
