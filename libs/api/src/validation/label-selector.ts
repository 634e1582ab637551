import type { LabelSelector, LabelSelectorRequirement } from '../meta/label-selector-schema';
import { forbidden, invalid, required, type FieldError, type FieldPath } from './field-errors';
import { check, isQualifiedName, isValidLabelValue, validateLabels } from './names';

function validateRequirement(r: LabelSelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(invalid(path.child('operator'), r.operator, 'not a valid selector operator'));
  }
  errs.push(...check(path.child('key'), r.key, isQualifiedName));
  values.forEach((v, i) => errs.push(...check(path.child('values').index(i), v, isValidLabelValue)));
  return errs;
}

/** metav1.LabelSelector rules: valid label keys and values, known operators, values only where they mean something. */
export function validateLabelSelector(selector: LabelSelector | undefined, path: FieldPath): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, path.child('matchLabels'));
  (selector.matchExpressions ?? []).forEach((r, i) => errs.push(...validateRequirement(r, path.child('matchExpressions').index(i))));
  return errs;
}

export function isEmptyLabelSelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
