import type { ValueViewAnswer } from '../../lambdas/core/value-view.js';
import { targetClock } from '../api/target-clock.js';
import { answerProblem, type ConsoleApi } from './console-api.js';
import { page } from './page.js';
import { notice } from './views/parts.js';
import { valueApiPath, valueQueryOf, valueReportDocument } from './views/value-document.js';
import { renderValuePage } from './views/value-view.js';

/** A page as the console answers it. */
export interface Rendered {
  status: number;
  html: string;
}

/**
 * The console's value view: the form's query (one `by` per ticked box) asked of `GET /value`, the answer
 * drawn as `itv value report --html` draws it, naming the clock the target runs on.
 */
export async function valuePage(api: ConsoleApi, params: URLSearchParams, target: string): Promise<Rendered> {
  const query = valueQueryOf(params);
  const answer = await api.get<ValueViewAnswer>(valueApiPath(query));
  if (answer.status !== 200) {
    return {
      status: answer.status,
      html: page({ title: 'Value', view: 'value', target, body: notice('bad', answerProblem(answer)) }),
    };
  }
  const clock = await targetClock(api.api);
  return { status: 200, html: renderValuePage(valueReportDocument(answer.body, clock), { query, target }) };
}
