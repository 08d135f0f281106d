import { InvalidInputError } from './errors.js';
import type { ValueModel } from './intent.js';

/** The seed's normalisation: every hour of the calendar horizon counts, not only working hours. */
export const HOURS_PER_YEAR = 365 * 24;

/** Hours in the value model's horizon: years × 365 × 24. */
export function horizonHours(vm: ValueModel): number {
  return vm.years * HOURS_PER_YEAR;
}

/** `total_value_usd / (years * 365 * 24)`; e.g. $87,600 over 1 year is $10/hour. */
export function valuePerHour(vm: ValueModel): number {
  return vm.totalValueUsd / horizonHours(vm);
}

/**
 * `total_value_usd / (years * 365 * 24 * employee_count)`; undefined when the model names no employee count,
 * because dividing by an assumed headcount would make teams look comparable when they are not.
 */
export function valuePerHourPerEmployee(vm: ValueModel): number | undefined {
  if (vm.employeeCount === undefined) return undefined;
  return valuePerHour(vm) / vm.employeeCount;
}

/**
 * Value at the end of the horizon under the model's growth: none (the total as is), discrete
 * `initial * (1 + r)^years`, continuous `initial * e^(r * years)` or compound (flywheel)
 * `initial * e^((r + flywheel) * years)`, where initial is `totalValueUsd`.
 */
export function compoundedValue(vm: ValueModel): number {
  const initial = vm.totalValueUsd;
  const growth = vm.growth;
  switch (growth.model) {
    case 'none':
      return initial;
    case 'discrete':
      return initial * (1 + growth.rate) ** vm.years;
    case 'continuous':
      return initial * Math.exp(growth.rate * vm.years);
    case 'compound':
      return initial * Math.exp((growth.rate + growth.flywheelRate) * vm.years);
  }
}

/**
 * The most a value model may compound to over its horizon: a hundred times the largest total an intent may state
 * ($1e13). Past it a figure is a slip of the growth rate, not a business case, and past 1.8e308 not a number at
 * all, which a report cannot add up or JSON carry.
 */
export const MAX_COMPOUNDED_VALUE_USD = 1e15;

/**
 * Why the door refuses the model's growth, or undefined when its compounded value is a finite number within
 * `MAX_COMPOUNDED_VALUE_USD`.
 *
 * @example compoundedValueIssue({ totalValueUsd: 1e13, years: 100, growth: { model: 'continuous', rate: 10 }, … }) // 'compounds $10000000000000 over 100 years to Infinity; …'
 */
export function compoundedValueIssue(vm: ValueModel): string | undefined {
  const compounded = compoundedValue(vm);
  if (Number.isFinite(compounded) && compounded <= MAX_COMPOUNDED_VALUE_USD) return undefined;
  const shown = Number.isFinite(compounded) ? compounded.toPrecision(2) : String(compounded);
  return `compounds $${vm.totalValueUsd} over ${vm.years} years to ${shown}; the compounded value must be a finite number of at most $${MAX_COMPOUNDED_VALUE_USD.toExponential()}: lower growth's rate, years or totalValueUsd`;
}

/** `compounded_value / (years * 365 * 24)`. */
export function compoundedValuePerHour(vm: ValueModel): number {
  return compoundedValue(vm) / horizonHours(vm);
}

/** Value lost while a change waits: value per hour × hours waiting; e.g. $10/hour waiting 3 hours costs $30. */
export function costOfDelay(vm: ValueModel, hoursWaiting: number): number {
  if (!Number.isFinite(hoursWaiting) || hoursWaiting < 0) {
    throw new InvalidInputError(`hoursWaiting must be a finite number ≥ 0, got ${hoursWaiting}`, [
      { path: 'hoursWaiting', message: 'must be a finite number ≥ 0' },
    ]);
  }
  return valuePerHour(vm) * hoursWaiting;
}
