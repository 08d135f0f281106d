import type { ResidencyJurisdiction } from '../lambdas/core/catalog-schema.js';

/**
 * AWS regions whose data centres sit inside each residency jurisdiction. The EU entry includes London and
 * Zurich: the UK and Switzerland hold EU adequacy decisions, so EU personal data may be stored there.
 */
export const residencyRegions: Readonly<Record<ResidencyJurisdiction, readonly string[]>> = {
  EU: [
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
  ],
  UK: ['eu-west-2'],
  US: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'us-gov-east-1', 'us-gov-west-1'],
  CA: ['ca-central-1', 'ca-west-1'],
  AU: ['ap-southeast-2', 'ap-southeast-4'],
  JP: ['ap-northeast-1', 'ap-northeast-3'],
  IN: ['ap-south-1', 'ap-south-2'],
};

/** An AWS region name such as `us-east-1` or `us-gov-west-1`, anywhere in a string value. */
export const awsRegionPattern =
  /\b(?:us|eu|ap|ca|sa|me|af|il|mx)(?:-gov|-iso[a-z]?)?-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d\b/g;

/** The intent tags that name the countries a change targets, e.g. `{ country: "DE" }` or `"DE,FR"`. */
export const countryTags = ['country', 'countries'] as const;
