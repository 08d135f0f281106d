import { ledgerView } from '../../../cli/console/views/ledger-view.js';

const checkpoint = (size: number) => ({
  key: `checkpoints/main/${String(size).padStart(12, '0')}.json`,
  value: {
    checkpoint: {
      ledger: 'main',
      size,
      rootHash: `${size}`.padEnd(64, 'a'),
      timestamp: `2026-12-01T10:00:${String(size % 60).padStart(2, '0')}.000Z`,
    },
    envelope: {},
  },
});

/** The ledger view lists the newest signed checkpoints the evidence store keeps, as stored (untrusted until verified). */
describe('the console ledger view', () => {
  test('lists the newest ten checkpoints, newest first, and flags one the store cannot serve as written', () => {
    // Prepare
    const stored = [
      ...Array.from({ length: 12 }, (_, i) => checkpoint((i + 1) * 64)),
      { key: 'checkpoints/main/000000000999.json', value: null, damaged: 'changed after it was written' },
    ];

    // Act
    const page = ledgerView({ entries: [], checkpoints: stored }, 'token').toString();

    // Assess
    expect(page).toContain('13 signed checkpoints in the evidence store');
    const rows = [...page.matchAll(/<tr class="checkpoint[^"]*"><td class="num">(\d+|—)<\/td>/g)].map(
      (m) => m[1],
    );
    expect(rows).toEqual(['—', '768', '704', '640', '576', '512', '448', '384', '320', '256']);
    expect(page).toContain('changed after it was written');
    expect(page).toContain('768'.padEnd(16, 'a'));
  });

  test("its verdict says when the signed checkpoints put the ledger's instants on a virtual clock", () => {
    // Prepare
    const audit = {
      ok: true as const,
      size: 3,
      rootHash: 'a'.repeat(64),
      checkpoints: 2,
      decisions: 1,
      anchored: 3,
      trailing: 0,
      clocks: { wall: 0, virtual: 2, unstated: 0 },
    };

    // Act
    const virtual = ledgerView({ entries: [], checkpoints: [] }, 'token', { audit }).toString();
    const wall = ledgerView({ entries: [], checkpoints: [] }, 'token', {
      audit: { ...audit, clocks: { wall: 2, virtual: 0, unstated: 0 } },
    }).toString();

    // Assess
    expect(virtual).toContain(
      "2 of the signed checkpoints say the ledger's instants are on a virtual clock (the local runtime's, which jumps over waits): they are not real times.",
    );
    expect(wall).not.toContain('virtual clock');
  });
});
