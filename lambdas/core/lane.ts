import type { Service } from './catalog-schema.js';

/**
 * A service's lane: its own AppConfig environment, where one deployment runs at a time (AWS returns
 * ConflictException for a second). The CDK stack creates one environment per service under this name.
 */
export function laneOf(service: Pick<Service, 'name' | 'environment'>): string {
  return `${service.name}-${service.environment}`;
}
