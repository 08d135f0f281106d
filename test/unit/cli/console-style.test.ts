import { consoleStyle } from '../../../cli/console/style.js';

/** WCAG 2.x relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const c = Number.parseInt(hex.slice(at, at + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** The contrast ratio of two colours, 1 to 21. */
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('console stylesheet', () => {
  test('contrast is computed as WCAG defines it', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#f0b400', '#ffffff')).toBeLessThan(3);
  });

  test('the focus ring stands out at least 3:1 from the page and from a panel (WCAG 1.4.11)', () => {
    // Prepare: the outline of the :focus-visible rule, and the colours it is drawn on.
    const rule = /:focus-visible\s*\{([^}]*)\}/.exec(consoleStyle)?.[1] ?? '';
    const ring = /outline:\s*(\d+)px solid (#[0-9a-f]{6})/i.exec(rule);
    const colour = (name: string) => new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(consoleStyle)?.[1];

    // Assess
    expect(ring).not.toBeNull();
    expect(Number(ring![1])).toBeGreaterThanOrEqual(2);
    for (const background of [colour('bg'), colour('panel'), '#ffffff', '#f4f6f8']) {
      expect([background, contrast(ring![2]!, background!)]).toEqual([background, expect.any(Number)]);
      expect(contrast(ring![2]!, background!)).toBeGreaterThanOrEqual(3);
    }
  });

  test('form fields never grow wider than their container', () => {
    expect(consoleStyle).toMatch(/input, select, textarea[^{]*\{[^}]*max-width: 100%/);
    expect(consoleStyle).toMatch(/\.table-wrap \{[^}]*overflow-x: auto/);
  });
});
