import { perEmployeeBasis } from '../../../cli/console/views/value-document.js';

/*
 * The per-employee figure adds up the released changes that add value (a goal's value is realised once) and name
 * their employees: the count it is over says both, so "4 of 12" does not read as 8 changes naming nobody.
 */
describe('what the per-employee figure is over', () => {
  test('released changes toward a goal already reached are said apart from those naming no employees', () => {
    expect(perEmployeeBasis({ released: 12, releasedWithEmployees: 4, repeatedGoalReleases: 5 })).toBe(
      'the 4 of the 7 released changes adding value that name their employees (5 more went toward a goal already reached and add none)',
    );
  });

  test('without repeated goals, the count is of every released change', () => {
    expect(perEmployeeBasis({ released: 3, releasedWithEmployees: 2, repeatedGoalReleases: 0 })).toBe(
      'the 2 of the 3 released changes adding value that name their employees',
    );
    expect(perEmployeeBasis({ released: 3, releasedWithEmployees: 2 })).toBe(
      'the 2 of the 3 released changes adding value that name their employees',
    );
  });
});
