/**
 * Kubernetes' `$(VAR)` expansion for command, args, env values and subPathExpr: `$(NAME)` is replaced by the
 * variable's value, `$$` is an escaped `$`, and a reference to an unknown variable (or an unclosed `$(`) stays
 * as written.
 */

/** Looks a name up; undefined means unknown. */
export type VariableLookup = (name: string) => string | undefined;

/** A lookup over several maps, first match wins (the container's env before the service env). */
export function lookupIn(...maps: ReadonlyMap<string, string>[]): VariableLookup {
  return (name) => {
    for (const m of maps) {
      const v = m.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

export function expandVars(input: string, lookup: VariableLookup): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const dollar = input.indexOf('$', i);
    if (dollar === -1 || dollar === input.length - 1) {
      out += input.slice(i);
      break;
    }
    out += input.slice(i, dollar);
    const next = input[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '(') {
      const close = input.indexOf(')', dollar + 2);
      if (close === -1) {
        // An unclosed reference is kept; scanning resumes after the `$(`.
        out += '$(';
        i = dollar + 2;
      } else {
        const name = input.slice(dollar + 2, close);
        out += lookup(name) ?? `$(${name})`;
        i = close + 1;
      }
    } else {
      out += '$' + next;
      i = dollar + 2;
    }
  }
  return out;
}
