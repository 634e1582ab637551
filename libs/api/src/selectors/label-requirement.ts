import { formatFieldError, invalid, notSupported, type FieldError } from '../validation/field-errors';
import { isQualifiedName, isValidLabelValue } from '../validation/names';
import { SelectorParseError } from './selector-errors';

/** Operators as Kubernetes' selection package spells them ("!" is DoesNotExist, "gt"/"lt" compare integers). */
export type LabelSelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export const labelSelectorOperators: readonly LabelSelectorOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt', 'exists', '!'];

/** One clause of a label selector: `key operator values`. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelSelectorOperator;
  readonly values: readonly string[];
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** Go's strconv.ParseInt(s, 10, 64): an optional sign, decimal digits, within int64. */
function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < int64Min || value > int64Max ? undefined : value;
}

function requirementErrors(key: string, operator: string, values: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const keyProblems = isQualifiedName(key);
  if (keyProblems.length > 0) errs.push(invalid('key', key, keyProblems.join('; ')));
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalid('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalid('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalid('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(notSupported('operator', operator, labelSelectorOperators));
  }
  values.forEach((v, i) => {
    const valueProblems = isValidLabelValue(v);
    if (valueProblems.length > 0) errs.push(invalid(`values[${i}][${key}]`, v, valueProblems.join('; ')));
  });
  return errs;
}

/** Kubernetes' aggregate error text: the one message, or all of them in brackets. */
function aggregateMessage(errs: FieldError[]): string {
  const messages = errs.map(formatFieldError);
  return messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
}

/** labels.NewRequirement: checks the key, the operator and the values; throws SelectorParseError. */
export function newLabelRequirement(key: string, operator: LabelSelectorOperator, values: readonly string[] = []): LabelRequirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length > 0) throw new SelectorParseError(key, aggregateMessage(errs));
  return Object.freeze({ key, operator, values: Object.freeze([...values]) });
}

/** A requirement whose key and values are trusted, as labels.SelectorFromValidatedSet builds them. */
export function uncheckedLabelRequirement(key: string, operator: LabelSelectorOperator, values: readonly string[]): LabelRequirement {
  return Object.freeze({ key, operator, values: Object.freeze([...values]) });
}

/** Set-based operators treat a missing key as "not in the set", so notin and != match it; in and = do not. */
export function labelRequirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.hasOwn(labels, r.key);
  const value = present ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return present && r.values.includes(value as string);
    case 'notin':
    case '!=':
      return !present || !r.values.includes(value as string);
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt': {
      if (!present || r.values.length !== 1) return false;
      const actual = parseInt64(value as string);
      const bound = parseInt64(r.values[0]);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

const operatorText: Record<LabelSelectorOperator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

/** The text form Kubernetes prints: `!key`, `key`, `key=v`, `key in (a,b)` with set values sorted. */
export function labelRequirementToString(r: LabelRequirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  const body = r.operator === 'in' || r.operator === 'notin' ? `(${values})` : values;
  return `${r.key}${operatorText[r.operator]}${body}`;
}
