import { compoundingLines, valueReportDocument } from '../../../cli/console/views/value-document.js';
import { valueView } from '../../../cli/console/views/value-view.js';
import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { compoundingTrend } from '../../../lambdas/core/value-compounding-trend.js';
import { concluded } from './value-fixtures.js';

/*
 * Compounding shown as it is: each kind's time to value, first release against latest, and how much faster; the
 * console claims a speed-up only where the curve shows one.
 */
const release = (
  minute: number,
  ttvMinutes: number,
  service = 'hiring-flags',
  confidence = 0.1,
  strategy = ttvMinutes > 5 ? 'slow' : 'fast',
  releaseMinutes = ttvMinutes,
) =>
  concluded({
    intentId: `${service}-${minute}`,
    service,
    confidence,
    strategy,
    kind: 'feature-flag',
    timeToValueSeconds: ttvMinutes * 60,
    releaseSeconds: releaseMinutes * 60,
    concludedAt: new Date(Date.parse('2026-11-04T15:00:00Z') + minute * 60_000).toISOString(),
  });

describe('the compounding of time to value', () => {
  test('a kind whose latest change released faster than its first says how much faster', () => {
    const curves = valueAnswer([release(0, 12), release(10, 8), release(20, 4)], {}).compounding;

    expect(compoundingTrend(curves)).toEqual([
      expect.objectContaining({ releases: 3, firstSeconds: 720, latestSeconds: 240, speedUp: 3 }),
    ]);
  });

  test('the text report shows first and latest time to value per kind, and says when there is no speed-up yet', () => {
    const faster = valueReportDocument(valueAnswer([release(0, 12), release(10, 4)], {}), 'virtual');
    const flat = valueReportDocument(
      valueAnswer([release(0, 5), release(10, 5), release(20, 6, 'pager')], {}),
      'virtual',
    );

    expect(compoundingLines(faster).join('\n')).toMatch(
      /hiring-flags \/ feature-flag: 2 released, time to value 12m 00s → 4m 00s \(release 12m 00s → 4m 00s, waiting 0s → 0s\), release 3\.0× faster/,
    );
    const text = compoundingLines(flat).join('\n');
    expect(text).toMatch(
      /hiring-flags \/ feature-flag: 2 released, time to value 5m 00s → 5m 00s \(release 5m 00s → 5m 00s, waiting 0s → 0s\), no speed-up yet/,
    );
    expect(text).toMatch(
      /pager \/ feature-flag: 1 released, time to value 6m 00s, one release: nothing to compare yet/,
    );
  });

  test('the text report shows the confidence and strategy the first and latest change released with', () => {
    const faster = valueReportDocument(
      valueAnswer(
        [
          release(0, 12, 'hiring-flags', 0.05, 'itv.Linear25Percent8Minutes'),
          release(10, 4, 'hiring-flags', 0.6, 'itv.Linear50Percent2Minutes'),
        ],
        {},
      ),
      'virtual',
    );

    expect(compoundingLines(faster).join('\n')).toContain(
      'release 3.0× faster; confidence after each release 0.05 → 0.60, strategy itv.Linear25Percent8Minutes → itv.Linear50Percent2Minutes',
    );
  });

  test('a kind whose first change queued behind another is not credited with a speed-up the strategy did not earn', () => {
    // Prepare: incident-router's first change waited 13 minutes in the queue, then released in 13 as the next did,
    // with the same strategy; confidence is what Learn recorded after each release.
    const queued = (minute: number, ttv: number, confidence: number) =>
      concluded({
        intentId: `router-${minute}`,
        service: 'incident-router',
        kind: 'configuration',
        confidence,
        strategy: 'itv.Linear25Percent8Minutes',
        timeToValueSeconds: ttv * 60,
        releaseSeconds: 13 * 60,
        concludedAt: new Date(Date.parse('2026-11-04T15:00:00Z') + minute * 60_000).toISOString(),
      });
    const report = valueReportDocument(
      valueAnswer([queued(0, 26, 0.22), queued(30, 13, 0.4), queued(60, 13, 0.61)], {}),
      'virtual',
    );

    // Act
    const text = compoundingLines(report).join('\n');
    const page = valueView(report).text;

    // Assess
    expect(text).toContain(
      'incident-router / configuration: 3 released, time to value 26m 00s → 13m 00s (release 13m 00s → 13m 00s, waiting 13m 00s → 0s), no release speed-up: the time to value fell by less waiting (queue, review, checks), not by earned confidence; confidence after each release 0.22 → 0.61, strategy itv.Linear25Percent8Minutes throughout',
    );
    expect(text).not.toMatch(/× faster/);
    expect(page).toContain('No kind releases faster than it first did yet');
  });

  test('the console claims the next safe change releases faster only when a curve shows it', () => {
    const flat = valueView(
      valueReportDocument(valueAnswer([release(0, 5), release(10, 6)], {}), 'virtual'),
    ).text;
    const faster = valueView(
      valueReportDocument(valueAnswer([release(0, 12), release(10, 4)], {}), 'virtual'),
    ).text;

    expect(flat).not.toContain('makes the next safe change of the kind release faster');
    expect(flat).toContain('No kind releases faster than it first did yet');
    expect(faster).toContain('1 of 1 kinds released its latest change faster than its first');
  });
});
