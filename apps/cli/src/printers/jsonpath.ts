import { CliError } from '../errors';

/**
 * kubectl's JSONPath templates: text with `{...}` actions. An action is a path (`.metadata.name`,
 * `.items[*].spec.containers[0].image`, `..name`, `[?(@.type=="Ready")].status`), a quoted literal (`{"\n"}`),
 * or `{range <path>}...{end}` repeating its body for each result. Several results of one path print
 * separated by spaces, as in kubectl.
 */
export function renderJsonPath(template: string, data: unknown): string {
  const nodes = parseTemplate(template);
  return renderNodes(nodes, data, data);
}

type Node = { text: string } | { path: string } | { range: string; body: Node[] };

function parseTemplate(template: string): Node[] {
  const tokens: ({ text: string } | { action: string })[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      tokens.push({ text: template.slice(i) });
      break;
    }
    if (open > i) tokens.push({ text: template.slice(i, open) });
    const close = findClose(template, open);
    tokens.push({ action: template.slice(open + 1, close).trim() });
    i = close + 1;
  }
  const [nodes, rest] = build(tokens, 0, template);
  if (rest < tokens.length) throw new CliError(`error parsing jsonpath ${template}: unexpected {end}`);
  return nodes;
}

function findClose(template: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < template.length; i++) {
    const c = template[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return i;
  }
  throw new CliError(`error parsing jsonpath ${template}: unclosed action`);
}

function build(tokens: ({ text: string } | { action: string })[], start: number, template: string): [Node[], number] {
  const nodes: Node[] = [];
  let i = start;
  while (i < tokens.length) {
    const token = tokens[i];
    if ('text' in token) {
      nodes.push(token);
      i++;
      continue;
    }
    const action = token.action;
    if (action === 'end') return [nodes, i];
    if (action.startsWith('range ')) {
      const [body, end] = build(tokens, i + 1, template);
      if (end >= tokens.length) throw new CliError(`error parsing jsonpath ${template}: {range} without {end}`);
      nodes.push({ range: action.slice(6).trim(), body });
      i = end + 1;
      continue;
    }
    if (/^["']/.test(action)) nodes.push({ text: unquote(action) });
    else nodes.push({ path: action });
    i++;
  }
  return [nodes, i];
}

function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

function renderNodes(nodes: Node[], current: unknown, root: unknown): string {
  let out = '';
  for (const node of nodes) {
    if ('text' in node) out += node.text;
    else if ('path' in node) out += evaluate(node.path, current, root).map(show).join(' ');
    else for (const item of evaluate(node.range, current, root)) out += renderNodes(node.body, item, root);
  }
  return out;
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  return JSON.stringify(v);
}

/** The values a path selects, starting at `current` (or the root for `$`). */
export function evaluate(pathText: string, current: unknown, root: unknown = current): unknown[] {
  let p = pathText.trim();
  let values: unknown[] = [current];
  if (p.startsWith('$')) {
    values = [root];
    p = p.slice(1);
  } else if (p.startsWith('@')) p = p.slice(1);
  let i = 0;
  while (i < p.length) {
    if (p.startsWith('..', i)) {
      const m = /^[A-Za-z0-9_\-$]+/.exec(p.slice(i + 2));
      if (!m) throw new CliError(`error parsing jsonpath ${pathText}: expected a field after ..`);
      values = values.flatMap((v) => descendants(v)).flatMap((v) => field(v, m[0]));
      i += 2 + m[0].length;
    } else if (p[i] === '.') {
      const m = /^[A-Za-z0-9_\-$/]*/.exec(p.slice(i + 1))!;
      if (m[0] !== '') values = values.flatMap((v) => field(v, m[0]));
      i += 1 + m[0].length;
    } else if (p[i] === '[') {
      const end = p.indexOf(']', p[i + 1] === '?' ? p.indexOf(')', i) : i);
      if (end < 0) throw new CliError(`error parsing jsonpath ${pathText}: unclosed [`);
      values = values.flatMap((v) => subscript(v, p.slice(i + 1, end), pathText));
      i = end + 1;
    } else {
      const m = /^[A-Za-z0-9_\-$/]+/.exec(p.slice(i));
      if (!m) throw new CliError(`error parsing jsonpath ${pathText}: unexpected "${p[i]}"`);
      values = values.flatMap((v) => field(v, m[0]));
      i += m[0].length;
    }
  }
  return values;
}

function field(v: unknown, name: string): unknown[] {
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, name)) return [(v as Record<string, unknown>)[name]];
  return [];
}

function descendants(v: unknown): unknown[] {
  if (!v || typeof v !== 'object') return [];
  const children = Array.isArray(v) ? v : Object.values(v);
  return [v, ...children.flatMap(descendants)];
}

function subscript(v: unknown, inner: string, pathText: string): unknown[] {
  const spec = inner.trim();
  if (spec === '*') return Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [];
  if (spec.startsWith('?(') && spec.endsWith(')')) return Array.isArray(v) ? v.filter((item) => matchesFilter(item, spec.slice(2, -1), pathText)) : [];
  if (/^['"].*['"]$/.test(spec)) return field(v, spec.slice(1, -1));
  if (!Array.isArray(v)) return [];
  const slice = /^(-?\d*)(?::(-?\d*))?$/.exec(spec);
  if (!slice) throw new CliError(`error parsing jsonpath ${pathText}: cannot read subscript [${spec}]`);
  const at = (s: string, dflt: number) => (s === '' ? dflt : Number(s) < 0 ? v.length + Number(s) : Number(s));
  if (slice[2] === undefined) {
    const index = at(slice[1], 0);
    return index >= 0 && index < v.length ? [v[index]] : [];
  }
  return v.slice(at(slice[1], 0), at(slice[2], v.length));
}

/** `@.a.b == "x"`, `@.n > 2`, or `@.a` (present). */
function matchesFilter(item: unknown, expr: string, pathText: string): boolean {
  const m = /^(.*?)\s*(==|!=|<=|>=|<|>)\s*(.*)$/.exec(expr);
  if (!m) return evaluate(expr, item).length > 0;
  const left = evaluate(m[1], item);
  if (left.length === 0) return false;
  const rightText = m[3].trim();
  let right: unknown;
  if (/^['"].*['"]$/.test(rightText)) right = rightText.slice(1, -1);
  else if (rightText !== '' && !Number.isNaN(Number(rightText))) right = Number(rightText);
  else if (rightText.startsWith('@')) right = evaluate(rightText, item)[0];
  else throw new CliError(`error parsing jsonpath ${pathText}: cannot compare with ${rightText}`);
  const l = left[0] as number | string;
  const r = right as number | string;
  switch (m[2]) {
    case '==': return l === r;
    case '!=': return l !== r;
    case '<': return l < r;
    case '>': return l > r;
    case '<=': return l <= r;
    default: return l >= r;
  }
}
