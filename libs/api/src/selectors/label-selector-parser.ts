import { formatFieldError, invalid } from '../validation/field-errors';
import { isQualifiedName } from '../validation/names';
import { newLabelRequirement, type LabelRequirement, type LabelSelectorOperator } from './label-requirement';
import { labelSelectorFromRequirements, type LabelSelectorMatcher } from './label-selector';
import { SelectorParseError } from './selector-errors';

type TokenKind = 'identifier' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
}

const specialCharacters = '=!(),><';
const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (isWhitespace(c)) {
      i++;
    } else if (specialCharacters.includes(c)) {
      const pair = text.slice(i, i + 2);
      const symbol = pair === '==' || pair === '!=' ? pair : c;
      tokens.push({ kind: symbol as TokenKind, text: symbol });
      i += symbol.length;
    } else {
      const start = i;
      while (i < text.length && !isWhitespace(text[i]) && !specialCharacters.includes(text[i])) i++;
      const word = text.slice(start, i);
      tokens.push({ kind: word === 'in' || word === 'notin' ? word : 'identifier', text: word });
    }
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

/** Marks an error inside one requirement, which Kubernetes reports as "unable to parse requirement: ...". */
class RequirementError extends Error {}

const binaryOperatorsText = 'in, notin, =, ==, !=, gt, lt';
const operatorByToken: Partial<Record<TokenKind, LabelSelectorOperator>> = {
  in: 'in',
  notin: 'notin',
  '=': '=',
  '==': '==',
  '!=': '!=',
  '>': 'gt',
  '<': 'lt',
};

/**
 * A recursive-descent reader of the selector grammar. Where a value may stand, the words "in" and
 * "notin" are ordinary identifiers (so `x in (in)` and a key named "in" work), as in Kubernetes.
 */
class LabelSelectorParser {
  private position = 0;
  private readonly tokens: Token[];
  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  private fail(message: string): SelectorParseError {
    return new SelectorParseError(this.text, message);
  }

  private peek(asValue = true): Token {
    return this.asContext(this.tokens[this.position], asValue);
  }

  private next(asValue = true): Token {
    return this.asContext(this.tokens[this.position++], asValue);
  }

  private asContext(token: Token, asValue: boolean): Token {
    return asValue && (token.kind === 'in' || token.kind === 'notin') ? { kind: 'identifier', text: token.text } : token;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const start = this.peek();
      if (start.kind === 'end') return requirements;
      if (start.kind !== 'identifier' && start.kind !== '!') throw this.fail(`found '${start.text}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.parseRequirement());
      } catch (err) {
        if (err instanceof RequirementError || err instanceof SelectorParseError) throw this.fail(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const after = this.next();
      if (after.kind === 'end') return requirements;
      if (after.kind !== ',') throw this.fail(`found '${after.text}', expected: ',' or 'end of string'`);
      const following = this.peek();
      if (following.kind !== 'identifier' && following.kind !== '!') throw this.fail(`found '${following.text}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): LabelRequirement {
    let token = this.next();
    const negated = token.kind === '!';
    if (negated) token = this.next();
    if (token.kind !== 'identifier') throw new RequirementError(`found '${token.text}', expected: identifier`);
    const key = token.text;
    const keyProblems = isQualifiedName(key);
    if (keyProblems.length > 0) throw new RequirementError(formatFieldError(invalid('key', key, keyProblems.join('; '))));
    if (negated) return newLabelRequirement(key, '!');
    const lookahead = this.peek().kind;
    if (lookahead === 'end' || lookahead === ',') return newLabelRequirement(key, 'exists');

    const operatorToken = this.next(false);
    const operator = operatorByToken[operatorToken.kind];
    if (operator === undefined) throw new RequirementError(`found '${operatorToken.text}', expected: ${binaryOperatorsText}`);
    const values = operator === 'in' || operator === 'notin' ? this.parseValueSet() : [this.parseExactValue()];
    return newLabelRequirement(key, operator, values);
  }

  /** `(a,b)`, where an empty place is the empty value: `()` is {""} and `(a,,b)` is {a,"",b}. Sorted, unique. */
  private parseValueSet(): string[] {
    const open = this.next();
    if (open.kind !== '(') throw new RequirementError(`found '${open.text}' expected: '('`);
    const first = this.peek();
    if (first.kind !== 'identifier' && first.kind !== ',' && first.kind !== ')') {
      throw new RequirementError(`found '${first.text}', expected: ',', ')' or identifier`);
    }
    const values = new Set<string>();
    let expectingValue = true;
    for (;;) {
      const token = this.next();
      if (token.kind === ')') {
        if (expectingValue) values.add('');
        return [...values].sort();
      }
      if (token.kind === ',') {
        if (expectingValue) values.add('');
        expectingValue = true;
      } else if (token.kind === 'identifier' && expectingValue) {
        values.add(token.text);
        expectingValue = false;
      } else {
        const expected = expectingValue ? "',', or identifier" : "',' or ')'";
        throw new RequirementError(`found '${token.text}', expected: ${expected}`);
      }
    }
  }

  /** The value after `=`, `==`, `!=`, `>` or `<`; nothing before a comma or the end is the empty value. */
  private parseExactValue(): string {
    const lookahead = this.peek().kind;
    if (lookahead === 'end' || lookahead === ',') return '';
    const token = this.next();
    if (token.kind !== 'identifier') throw new RequirementError(`found '${token.text}', expected: identifier`);
    return token.text;
  }
}

/**
 * labels.Parse: the `?labelSelector=` grammar. Requirements are ANDed by commas (commas inside parentheses
 * separate values); `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, and `k>1`, `k<1`.
 * An empty string selects everything. Throws SelectorParseError with Kubernetes' message.
 */
export function parseLabelSelector(text: string): LabelSelectorMatcher {
  return labelSelectorFromRequirements(new LabelSelectorParser(text).parse());
}
