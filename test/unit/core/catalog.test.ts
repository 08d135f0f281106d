import { readFileSync } from 'node:fs';
import { catalogData, loadCatalog } from '../../../catalog/index.js';
import { ConfigurationError } from '../../../lambdas/core/errors.js';
import { parseCatalog } from '../../../lambdas/core/parse-catalog.js';
import { checkContracts } from '../../../lambdas/core/structure.js';

/** A copy of the authored catalog data with one service edited. */
function withService(name: string, edit: (service: Record<string, unknown>) => void): unknown {
  const data = structuredClone(catalogData) as { services: Array<Record<string, unknown>> };
  const target = data.services.find((s) => s.name === name);
  if (!target) throw new Error(`no ${name}`);
  edit(target);
  return data;
}

describe('loadCatalog', () => {
  test('loads the services behind the seed use cases, each with an owning team', () => {
    const catalog = loadCatalog();
    expect(Object.keys(catalog.services)).toEqual(
      expect.arrayContaining([
        'customer-onboarding',
        'pricing-engine',
        'incident-router',
        'policy-registry',
        'hiring-portal',
        'procurement',
        'ledger-close',
        'launch-flags',
        'support-escalation',
        'access-review',
        'model-gateway',
        'patient-records',
      ]),
    );
    for (const service of Object.values(catalog.services)) {
      expect(catalog.teams[service.ownerTeam]).toBeDefined();
    }
    expect(catalog.services['ledger-close']?.complianceDomains).toContain('SOX');
    expect(catalog.services['patient-records']).toMatchObject({ dataClassification: 'restricted' });
  });

  test('validates once and hands back the same frozen catalog', () => {
    const first = loadCatalog();
    expect(loadCatalog()).toBe(first);
    expect(Object.isFrozen(first.services['launch-flags']?.owners)).toBe(true);
  });

  test('every authored contract compiles as JSON Schema', () => {
    const catalog = loadCatalog();
    expect(checkContracts(catalog)).toBe(catalog);
  });
});

describe('parseCatalog rejects bad data with the service and field named', () => {
  test('an out-of-range SLO field', () => {
    const data = withService('pricing-engine', (s) => {
      (s.slo as Record<string, unknown>).availabilityObjective = 1.5;
    });
    expect(() => parseCatalog(data)).toThrow(ConfigurationError);
    expect(() => parseCatalog(data)).toThrow(/service "pricing-engine": field "slo.availabilityObjective"/);
  });

  test('a time zone that is not IANA', () => {
    const data = withService('hiring-portal', (s) => {
      s.timeZone = 'Mars/Olympus_Mons';
    });
    expect(() => parseCatalog(data)).toThrow(
      /service "hiring-portal": field "timeZone" must be an IANA time zone/,
    );
  });

  test('a dependency on a service that does not exist', () => {
    const data = withService('ledger-close', (s) => {
      s.dependencies = ['pricing-engine', 'general-ledger'];
    });
    expect(() => parseCatalog(data)).toThrow(
      'catalog service "ledger-close": field "dependencies[1]" names unknown service "general-ledger"',
    );
  });

  test('a contract that is not valid JSON Schema', () => {
    const data = withService('procurement', (s) => {
      (s.profiles as Record<string, { contracts: Record<string, unknown> }>)['approval-matrix']!.contracts[
        '1.0.0'
      ] = {
        type: 'banana',
      };
    });
    expect(() => checkContracts(parseCatalog(data))).toThrow(
      /service "procurement": field "profiles.approval-matrix.contracts.1.0.0" is not a valid JSON Schema/,
    );
  });

  test('an owner team that does not exist', () => {
    const data = withService('model-gateway', (s) => {
      s.ownerTeam = 'research';
    });
    expect(() => parseCatalog(data)).toThrow('field "ownerTeam" names unknown team "research"');
  });

  test('a service defined twice', () => {
    const data = structuredClone(catalogData) as { services: unknown[] };
    data.services.push(structuredClone(data.services[0]));
    expect(() => parseCatalog(data)).toThrow(/service "launch-flags" is defined twice/);
  });

  test('business hours that end before they start', () => {
    const data = withService('ledger-close', (s) => {
      s.businessHours = { weekdays: [1, 2, 3, 4, 5], from: '18:00', to: '08:00' };
    });
    expect(() => parseCatalog(data)).toThrow(
      'catalog service "ledger-close": field "businessHours.to" must end after it starts',
    );
  });

  test('a business-hours time that is not HH:MM', () => {
    const data = withService('procurement', (s) => {
      s.businessHours = { weekdays: [1], from: '8am', to: '17:00' };
    });
    expect(() => parseCatalog(data)).toThrow(
      /service "procurement": field "businessHours.from" must be a local time/,
    );
  });

  test('a cleared country that is not an ISO code', () => {
    const data = withService('hiring-portal', (s) => {
      s.legal = { clearedCountries: ['Germany'], contact: 'employment-counsel' };
    });
    expect(() => parseCatalog(data)).toThrow(
      /service "hiring-portal": field "legal.clearedCountries\[0\]" must be ISO 3166-1 alpha-2/,
    );
  });

  test('a residency jurisdiction itv does not know', () => {
    const data = withService('customer-onboarding', (s) => {
      s.legal = { dataResidency: 'Atlantis', contact: 'privacy-counsel' };
    });
    expect(() => parseCatalog(data)).toThrow(/service "customer-onboarding": field "legal.dataResidency"/);
  });
});

describe('parseCatalog names every problem at once, each with its field', () => {
  test('shape problems in two services are both named, a line each', () => {
    const data = structuredClone(catalogData) as { services: Array<Record<string, unknown>> };
    (data.services.find((s) => s.name === 'pricing-engine')!.slo as Record<string, unknown>).errorRate = -1;
    data.services.find((s) => s.name === 'hiring-portal')!.timeZone = 'Mars/Olympus_Mons';
    const message = (() => {
      try {
        parseCatalog(data);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    const lines = message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines).toContainEqual(
      expect.stringMatching(/^catalog service "pricing-engine": field "slo.errorRate"/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^catalog service "hiring-portal": field "timeZone"/));
  });

  test('every unknown reference is named, not only the first', () => {
    const data = withService('ledger-close', (s) => {
      s.dependencies = ['general-ledger', 'pricing-engine', 'treasury'];
      s.ownerTeam = 'accounting';
    });
    expect(() => parseCatalog(data)).toThrow(
      [
        'catalog service "ledger-close": field "dependencies[0]" names unknown service "general-ledger"',
        'catalog service "ledger-close": field "dependencies[2]" names unknown service "treasury"',
        'catalog service "ledger-close": field "ownerTeam" names unknown team "accounting"',
      ].join('\n'),
    );
  });

  test("a service's tag must be a name of 1 to 64 characters with a value of at most 256", () => {
    const data = withService('launch-flags', (s) => {
      s.tags = { '': 'x', productLine: 'x'.repeat(257) };
    });
    expect(() => parseCatalog(data)).toThrow(/catalog service "launch-flags": field "tags\.(productLine)?/);
  });

  test('an unknown key is named by its path', () => {
    const data = withService('launch-flags', (s) => {
      s.labels = { tier: 'gold' };
      s.colour = 'blue';
    });
    expect(() => parseCatalog(data)).toThrow(
      [
        'catalog service "launch-flags": field "labels" is an unknown key: the catalog schema has no such field',
        'catalog service "launch-flags": field "colour" is an unknown key: the catalog schema has no such field',
      ].join('\n'),
    );
  });
});

describe('parseCatalog checks the principals and who refers to them', () => {
  type Principal = {
    id: string;
    email?: string;
    kind?: string;
    identities?: unknown[];
    eventSource?: string;
  };
  type Data = {
    principals: Principal[];
    teams: Array<{ name: string; members: Array<{ principal: string; role: string }> }>;
    services: Array<{ name: string; owners: string[] }>;
    reviewers: Record<string, string[]>;
    delegations: Array<Record<string, unknown>>;
  };
  const edited = (edit: (data: Data) => void): unknown => {
    const data = structuredClone(catalogData) as unknown as Data;
    edit(data);
    return data;
  };
  const principal = (data: Data, id: string): Principal => {
    const found = data.principals.find((p) => p.id === id);
    if (!found) throw new Error(`no principal ${id}`);
    return found;
  };

  test('a malformed ARN is refused, naming the principal and field', () => {
    const data = edited((d) => {
      principal(d, 'grace').identities = ['arn:aws:iam::12345:user/grace'];
    });
    expect(() => parseCatalog(data)).toThrow(ConfigurationError);
    expect(() => parseCatalog(data)).toThrow(
      /principal "grace": field "identities\[0\]" "arn:aws:iam::12345:user\/grace" is not an IAM user, role or assumed-role session ARN/,
    );
  });

  test('a named session of a role whose callers choose the session name is refused, saying how to pin it', () => {
    // sts:AssumeRole takes RoleSessionName from the caller: anyone who may assume the role could name it carol.
    const chosen = edited((d) => {
      principal(d, 'grace').identities = [
        { role: 'arn:aws:iam::123456789012:role/itv/ItvEngineers', session: 'grace@example.com' },
      ];
    });
    const asArn = edited((d) => {
      principal(d, 'grace').identities = [
        'arn:aws:sts::123456789012:assumed-role/ItvEngineers/grace@example.com',
      ];
    });
    const notIdentityCenter = edited((d) => {
      principal(d, 'grace').identities = [
        {
          role: 'arn:aws:iam::123456789012:role/itv/ItvEngineers',
          session: 'grace@example.com',
          sessionNameSetBy: 'identity-center',
        },
      ];
    });
    expect(() => parseCatalog(chosen)).toThrow(ConfigurationError);
    expect(() => parseCatalog(chosen)).toThrow(
      /field "identities\[0\]" .*whoever may assume ItvEngineers chooses its session name.*sts:RoleSessionName.*sessionNameSetBy: "trust-policy"/,
    );
    expect(() => parseCatalog(asArn)).toThrow(
      /field "identities\[0\]" .*whoever may assume ItvEngineers chooses/,
    );
    expect(() => parseCatalog(notIdentityCenter)).toThrow(
      /field "identities\[0\].sessionNameSetBy" .*ItvEngineers is not an IAM Identity Center role \(AWSReservedSSO_/,
    );
  });

  test('a named session is accepted where nobody chooses the name: Identity Center, or a trust policy pinning it', () => {
    const pinned = edited((d) => {
      principal(d, 'grace').identities = [
        {
          role: 'arn:aws:iam::123456789012:role/itv/ItvEngineers',
          session: 'grace@example.com',
          sessionNameSetBy: 'trust-policy',
        },
        'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Engineers_0a1b2c3d/grace@example.com',
        {
          role: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Ops_0a1b2c3d',
          session: 'grace@example.com',
        },
      ];
    });
    expect(() => parseCatalog(pinned)).not.toThrow();
  });

  test('a wildcard anywhere but a whole session name is refused', () => {
    const wildRole = edited((d) => {
      principal(d, 'grace').identities = [
        { role: 'arn:aws:iam::123456789012:role/Itv*', session: 'grace@example.com' },
      ];
    });
    const wildSession = edited((d) => {
      principal(d, 'grace').identities = [
        { role: 'arn:aws:iam::123456789012:role/ItvEngineers', session: 'grace*' },
      ];
    });
    expect(() => parseCatalog(wildRole)).toThrow(/field "identities\[0\].role" .* is not an IAM role ARN/);
    expect(() => parseCatalog(wildSession)).toThrow(
      /field "identities\[0\].session" "grace\*" is not a role session name/,
    );
  });

  test('two principals claiming one identity are refused, naming both', () => {
    const data = edited((d) => {
      principal(d, 'wendy').identities = ['arn:aws:iam::123456789012:user/xavier'];
    });
    expect(() => parseCatalog(data)).toThrow(ConfigurationError);
    expect(() => parseCatalog(data)).toThrow(
      /"wendy" \(principals.wendy.identities\[0\]: arn:aws:iam::123456789012:user\/xavier\) and "xavier" \(principals.xavier.identities\[1\]/,
    );
  });

  test('a session of a role that another principal claims with "*" is refused as the same identity', () => {
    const data = edited((d) => {
      principal(d, 'grace').identities = [
        { role: 'arn:aws:iam::123456789012:role/itv/ItvReviewers', session: '*' },
      ];
    });
    expect(() => parseCatalog(data)).toThrow(/"grace" .* and "xavier"/);
  });

  test('one principal may list the same identity twice', () => {
    const data = edited((d) => {
      principal(d, 'xavier').identities?.push('arn:aws:iam::123456789012:user/xavier');
    });
    expect(parseCatalog(data).identities.filter((c) => c.principal === 'xavier')).toHaveLength(3);
  });

  test('owners, members, reviewers, legal contacts and delegations must name a principal', () => {
    const cases: Array<[(d: Data) => void, RegExp]> = [
      [
        (d) => {
          d.services.find((s) => s.name === 'pricing-engine')!.owners = ['dana@example.com'];
        },
        /service "pricing-engine": field "owners\[0\]" must be a principal id/,
      ],
      [
        (d) => {
          d.services.find((s) => s.name === 'pricing-engine')!.owners = ['danna'];
        },
        /service "pricing-engine": field "owners\[0\]" names unknown principal "danna"/,
      ],
      [
        (d) => {
          d.teams.find((t) => t.name === 'sre')!.members[0]!.principal = 'gracie';
        },
        /team "sre": field "members\[0\].principal" names unknown principal "gracie"/,
      ],
      [
        (d) => {
          d.reviewers.HIPAA = ['xavi'];
        },
        /field "reviewers.HIPAA\[0\]" names unknown principal "xavi"/,
      ],
      [
        (d) => {
          d.delegations[0]!.to = 'oskar';
        },
        /field "delegations\[0\].to" names unknown principal "oskar"/,
      ],
      [
        (d) => {
          d.delegations[0]!.services = ['procurment'];
        },
        /field "delegations\[0\].services\[0\]" names unknown service "procurment"/,
      ],
      [
        (d) => {
          d.delegations[0]!.to = d.delegations[0]!.from;
        },
        /field "delegations\[0\].to" a principal cannot delegate to itself/,
      ],
    ];
    for (const [edit, message] of cases) {
      expect(() => parseCatalog(edited(edit))).toThrow(message);
    }
  });

  test('a principal id, an e-mail and an event source each name one principal', () => {
    const twiceId = edited((d) => {
      d.principals.push({ ...principal(d, 'alice'), email: 'alice2@example.com', identities: [] });
    });
    const twiceEmail = edited((d) => {
      principal(d, 'bob').email = 'Alice@example.com';
    });
    const twiceSource = edited((d) => {
      principal(d, 'ci-sre').eventSource = 'itv.ci.growth';
    });
    expect(() => parseCatalog(twiceId)).toThrow(/principal "alice" is defined twice/);
    expect(() => parseCatalog(twiceEmail)).toThrow(
      /principals "alice" and "bob" both have e-mail Alice@example.com/,
    );
    expect(() => parseCatalog(twiceSource)).toThrow(
      /principals "ci-growth" and "ci-sre" both claim event source "itv.ci.growth"/,
    );
  });

  test('only automation emits events, and only with the CI roles allowed to', () => {
    const person = edited((d) => {
      principal(d, 'alice').eventSource = 'itv.ci.alice';
    });
    const roleless = edited((d) => {
      principal(d, 'ci-sre').identities = [];
    });
    const reserved = edited((d) => {
      principal(d, 'ci-sre').eventSource = 'aws.codebuild';
    });
    expect(() => parseCatalog(person)).toThrow(
      /principal "alice": field "eventSource" only an automation principal may emit/,
    );
    expect(() => parseCatalog(roleless)).toThrow(
      /principal "ci-sre": field "identities" an event source needs/,
    );
    expect(() => parseCatalog(reserved)).toThrow(/must not start with "aws."/);
  });

  test('the loaded catalog indexes principals, event sources and delegations', () => {
    const catalog = parseCatalog(catalogData);
    expect(catalog.principals.xavier).toMatchObject({ name: 'Xavier Xu', email: 'xavier@example.com' });
    expect(catalog.eventSources).toEqual({ 'itv.ci.growth': 'ci-growth', 'itv.ci.sre': 'ci-sre' });
    expect(catalog.reviewers).toMatchObject({ HIPAA: ['xavier'], SOX: ['yara'], PCI: ['zoe'] });
    expect(catalog.delegations.map((d) => `${d.from}->${d.to}`)).toContain('nina->oscar');
  });

  test("the sample's delegations outlast the days its demo and README commands are run on, which are today's", () => {
    // Prepare: a decade from the wall clock's today (these commands run at it, not at a test's fixed instant).
    const decadeAhead = Date.now() + 10 * 365 * 24 * 3600 * 1000;
    const cited = JSON.parse(
      readFileSync(new URL('../../../examples/09-procurement-delegated.json', import.meta.url), 'utf8'),
    ).authority.delegations[0] as { from: string; expiresAt: string };

    // Act
    const catalog = parseCatalog(catalogData);

    // Assess
    for (const delegation of catalog.delegations) {
      expect([delegation.from, delegation.to, Date.parse(delegation.expiresAt) > decadeAhead]).toEqual([
        delegation.from,
        delegation.to,
        true,
      ]);
    }
    const nina = catalog.delegations.find((d) => d.from === 'nina' && d.to === 'oscar');
    expect(cited.expiresAt).toBe(nina?.expiresAt);
  });
});
