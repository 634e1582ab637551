import { SelectorParseError } from './selector-errors';

export type FieldSelectorOperator = '=' | '!=';

/** One clause of a field selector: `field=value` or `field!=value` (`==` is read as `=`). */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldSelectorOperator;
  readonly value: string;
}

/** Escapes `\`, `,` and `=` so that any value can stand in a selector (fields.EscapeValue). */
export function escapeFieldSelectorValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** fields.UnescapeValue: only `\\`, `\,` and `\=` are escapes, and `,` or `=` may not stand bare. */
function unescapeValue(selector: string, raw: string): string {
  let value = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const escaped = raw[i + 1];
      if (escaped !== '\\' && escaped !== ',' && escaped !== '=') {
        throw new SelectorParseError(selector, `invalid field selector: invalid escape sequence: \\${escaped ?? ''}`);
      }
      value += escaped;
      i++;
    } else if (c === ',' || c === '=') {
      throw new SelectorParseError(selector, `invalid field selector: unescaped character in value: '${c}'`);
    } else {
      value += c;
    }
  }
  return value;
}

/** Splits on the commas that no backslash escapes. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    if (selector[i] === '\\') i++;
    else if (selector[i] === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator in the term splits it; at one position `!=` and `==` win over `=`. */
function splitTerm(selector: string, term: string): FieldRequirement {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) {
        const value = unescapeValue(selector, term.slice(i + op.length));
        return Object.freeze({ field: term.slice(0, i), operator: op === '!=' ? '!=' : '=', value });
      }
    }
  }
  throw new SelectorParseError(selector, `invalid selector: '${selector}'; can't understand '${term}'`);
}

/**
 * A parsed field selector (Kubernetes' fields.Selector): an AND of equality requirements on an object's
 * selectable fields. A field the object does not have reads as "", so `spec.nodeName=` matches unscheduled pods.
 */
export class FieldSelector {
  readonly requirements: readonly FieldRequirement[];

  constructor(requirements: readonly FieldRequirement[]) {
    this.requirements = Object.freeze([...requirements]);
    Object.freeze(this);
  }

  matches(fields: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => {
      const actual = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
      return r.operator === '=' ? actual === r.value : actual !== r.value;
    });
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldSelectorValue(r.value)}`).join(',');
  }

  /** The value an `=` requirement pins the field to, which lets the apiserver narrow a list (`metadata.name=x`). */
  exactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }
}

/**
 * fields.ParseSelector: comma-separated `field=value`, `field==value` and `field!=value`; values may be
 * empty and may escape `\`, `,` and `=` with a backslash. An empty string selects everything.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  // Kubernetes sorts the raw terms before reading them, which fixes the printed order.
  const terms = splitTerms(selector).sort();
  return new FieldSelector(terms.filter((term) => term !== '').map((term) => splitTerm(selector, term)));
}

/** fields.SelectorFromSet: `field=value` for every entry, sorted by field. */
export function fieldSelectorFromSet(fields: Readonly<Record<string, string>> | undefined): FieldSelector {
  const entries = Object.entries(fields ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new FieldSelector(entries.map(([field, value]) => Object.freeze({ field, operator: '=' as const, value })));
}
