import { invalid, type FieldError, type FieldPath } from '../../validation/field-errors';

/** Range and int-or-percent checks shared by the workload kinds, with Kubernetes' messages. */

export function validateNonNegative(value: number | undefined, path: FieldPath): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(path, value, 'must be greater than or equal to 0')] : [];
}

export function validatePositive(value: number | undefined, path: FieldPath): FieldError[] {
  return value !== undefined && value <= 0 ? [invalid(path, value, 'must be greater than 0')] : [];
}

const percent = /^[0-9]+%$/;
const percentMessage =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** A non-negative integer, or a percent string such as "25%". */
export function validateIntOrPercent(value: number | string | undefined, path: FieldPath): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return percent.test(value) ? [] : [invalid(path, value, percentMessage)];
  return validateNonNegative(value, path);
}

export function validateNotMoreThan100Percent(value: number | string | undefined, path: FieldPath): FieldError[] {
  if (typeof value !== 'string' || !percent.test(value)) return [];
  return parseInt(value, 10) > 100 ? [invalid(path, value, 'must not be greater than 100%')] : [];
}

/** The number an int-or-percent holds (25 for "25%"); only its zeroness matters to callers comparing surge and unavailability. */
export function intOrPercentValue(value: number | string | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  return percent.test(value) ? parseInt(value, 10) : NaN;
}
