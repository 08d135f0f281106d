import type { Catalog } from './catalog-schema.js';
import { ConfigurationError } from './errors.js';

/**
 * Every name in the catalog points at something the catalog defines: dependencies and owner teams at
 * services and teams, and every person or automation — owners, team members, reviewers of record, release
 * stewards, legal contacts, both ends of a delegation — at a principal. A typo would otherwise grant nobody, or worse, a
 * future principal who takes the name. Throws one `ConfigurationError` naming every such reference, a line each.
 */
export function checkReferences(catalog: Catalog): void {
  const problems = referenceProblems(catalog);
  if (problems.length > 0) throw new ConfigurationError(problems.join('\n'));
}

/** Every reference the catalog makes to something it does not define, one line each, naming the field. */
export function referenceProblems(catalog: Catalog): string[] {
  const problems: string[] = [];
  const principal = (where: string, id: string) => {
    if (!catalog.principals[id]) {
      problems.push(`catalog ${where} names unknown principal "${id}"; add it under principals`);
    }
  };
  for (const service of Object.values(catalog.services)) {
    const where = `service "${service.name}": field`;
    service.dependencies.forEach((dependency, i) => {
      if (!catalog.services[dependency]) {
        problems.push(`catalog ${where} "dependencies[${i}]" names unknown service "${dependency}"`);
      }
      if (dependency === service.name) {
        problems.push(`catalog ${where} "dependencies[${i}]" names the service itself`);
      }
    });
    if (!catalog.teams[service.ownerTeam]) {
      problems.push(`catalog ${where} "ownerTeam" names unknown team "${service.ownerTeam}"`);
    }
    service.owners.forEach((owner, i) => {
      principal(`${where} "owners[${i}]"`, owner);
    });
    if (service.legal) principal(`${where} "legal.contact"`, service.legal.contact);
  }
  for (const team of Object.values(catalog.teams)) {
    team.members.forEach((member, i) => {
      principal(`team "${team.name}": field "members[${i}].principal"`, member.principal);
    });
  }
  for (const [domain, ids] of Object.entries(catalog.reviewers)) {
    ids.forEach((id, i) => {
      principal(`field "reviewers.${domain}[${i}]"`, id);
    });
  }
  catalog.releaseStewards.forEach((id, i) => {
    principal(`field "releaseStewards[${i}]"`, id);
  });
  catalog.delegations.forEach((delegation, i) => {
    const where = `field "delegations[${i}]`;
    principal(`${where}.from"`, delegation.from);
    principal(`${where}.to"`, delegation.to);
    delegation.services.forEach((service, j) => {
      if (!catalog.services[service]) {
        problems.push(`catalog ${where}.services[${j}]" names unknown service "${service}"`);
      }
    });
  });
  return problems;
}
