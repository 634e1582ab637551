/**
 * A set of field paths in Kubernetes' FieldsV1 form: a trie whose keys are path elements —
 * `f:<field>` (struct field or map key), `k:<json object>` (keyed list item), `v:<json>` (set item),
 * `i:<index>` — and `.`, which marks the node itself as a member when it also has children. A node with no
 * children is a member. The root is never a member, so the empty set is `{}`.
 *
 * Sets here are immutable and kept canonical (children sorted as structured-merge-diff sorts them, `.` first),
 * so that the same set always serialises to the same JSON and operations can share unchanged subtrees.
 */
export interface FieldSet {
  [element: string]: FieldSet;
}

export const emptyFieldSet: FieldSet = Object.freeze({}) as FieldSet;
const self = '.';
const leaf: FieldSet = Object.freeze({}) as FieldSet;

function hasChildren(n: FieldSet): boolean {
  for (const _ in n) return true;
  return false;
}

/** True when the node's own path is in the set (a node with no children, or one carrying `.`). */
export function isSetMember(n: FieldSet): boolean {
  return n[self] !== undefined || !hasChildren(n);
}

export function isEmptyFieldSet(set: FieldSet): boolean {
  return !hasChildren(set);
}

function childElements(n: FieldSet): string[] {
  const keys = Object.keys(n);
  return keys[0] === self ? keys.slice(1) : keys;
}

// ---- element order (structured-merge-diff's PathElement ordering) ----

function rank(e: string): number {
  switch (e.charCodeAt(0)) {
    case 102: // f
      return 1;
    case 107: // k
      return 2;
    case 118: // v
      return 3;
    case 105: // i
      return 4;
    default:
      return e === self ? 0 : 5;
  }
}

function typeRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5;
}

/** Total order on JSON values: numbers, strings, booleans, lists, maps, null (as structured-merge-diff orders them). */
export function compareJSONValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return (a as number) - (b as number);
    case 1:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 2:
      return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; i < la.length && i < lb.length; i++) {
        const c = compareJSONValues(la[i], lb[i]);
        if (c) return c;
      }
      return la.length - lb.length;
    }
    case 4:
      return compareEntries(Object.entries(a as object), Object.entries(b as object));
    default:
      return 0;
  }
}

function compareEntries(a: [string, unknown][], b: [string, unknown][]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (a[i][0] !== b[i][0]) return a[i][0] < b[i][0] ? -1 : 1;
    const c = compareJSONValues(a[i][1], b[i][1]);
    if (c) return c;
  }
  return a.length - b.length;
}

// Keyed-item and set-item elements recur (the same container names on every pod), so their parses are kept.
const parsedElements = new Map<string, unknown>();

function parsed(e: string): unknown {
  let v = parsedElements.get(e);
  if (v !== undefined || parsedElements.has(e)) return v;
  try {
    v = JSON.parse(e.slice(2));
  } catch {
    v = undefined;
  }
  if (parsedElements.size >= 10_000) parsedElements.clear();
  parsedElements.set(e, v);
  return v;
}

export function comparePathElements(a: string, b: string): number {
  if (a === b) return 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 2 || ra === 3) {
    const c = compareJSONValues(parsed(a), parsed(b));
    if (c) return c;
  } else if (ra === 4) {
    const c = Number(a.slice(2)) - Number(b.slice(2));
    if (c) return c;
  }
  return a < b ? -1 : 1;
}

// ---- building elements ----

export const fieldElement = (name: string): string => `f:${name}`;
export const valueElement = (v: unknown): string => `v:${JSON.stringify(v)}`;

/** `k:{"containerPort":80,"protocol":"TCP"}`: the key fields in name order. */
export function keyElement(keys: string[], values: unknown[]): string {
  if (keys.length === 1) return `k:{${JSON.stringify(keys[0])}:${JSON.stringify(values[0])}}`;
  const obj: Record<string, unknown> = {};
  keys.forEach((k, i) => {
    if (values[i] !== undefined) obj[k] = values[i];
  });
  return `k:${JSON.stringify(obj)}`;
}

/** Builds a node from sorted child entries; undefined when it would hold nothing. */
export function makeFieldSetNode(member: boolean, entries: [string, FieldSet][]): FieldSet | undefined {
  if (entries.length === 0) return member ? leaf : undefined;
  const out: FieldSet = member ? { [self]: leaf } : {};
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** Sorts entries into canonical order (callers that collect children out of order). */
export function sortFieldSetEntries(entries: [string, FieldSet][]): [string, FieldSet][] {
  return entries.length > 1 ? entries.sort((x, y) => comparePathElements(x[0], y[0])) : entries;
}

// ---- set operations ----

function mergedElements(a: string[], b: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = comparePathElements(a[i], b[j]);
    if (c < 0) out.push(a[i++]);
    else if (c > 0) out.push(b[j++]);
    else {
      out.push(a[i++]);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

function unionNode(a: FieldSet, b: FieldSet, root: boolean): FieldSet {
  if (a === b) return a;
  if (root && isEmptyFieldSet(b)) return a;
  if (root && isEmptyFieldSet(a)) return b;
  const memberA = !root && isSetMember(a);
  const member = memberA || (!root && isSetMember(b));
  let changed = member !== memberA;
  const entries: [string, FieldSet][] = [];
  for (const k of mergedElements(childElements(a), childElements(b))) {
    const ca = a[k];
    const cb = b[k];
    const u = ca && cb ? unionNode(ca, cb, false) : (ca ?? cb);
    if (u !== ca) changed = true;
    entries.push([k, u]);
  }
  if (!changed) return a;
  return makeFieldSetNode(member, entries) ?? emptyFieldSet;
}

function differenceNode(a: FieldSet, b: FieldSet | undefined, root: boolean): FieldSet | undefined {
  if (b === undefined) return a;
  if (a === b) return root ? emptyFieldSet : undefined;
  const memberA = !root && isSetMember(a);
  const member = memberA && !(!root && isSetMember(b));
  let changed = member !== memberA;
  const entries: [string, FieldSet][] = [];
  for (const k of childElements(a)) {
    const ca = a[k];
    const d = differenceNode(ca, b[k], false);
    if (d !== ca) changed = true;
    if (d) entries.push([k, d]);
  }
  if (!changed) return a;
  return makeFieldSetNode(member, entries) ?? (root ? emptyFieldSet : undefined);
}

function intersectionNode(a: FieldSet, b: FieldSet, root: boolean): FieldSet | undefined {
  if (a === b) return a;
  const member = !root && isSetMember(a) && isSetMember(b);
  const entries: [string, FieldSet][] = [];
  for (const k of childElements(a)) {
    const cb = b[k];
    if (cb === undefined) continue;
    const i = intersectionNode(a[k], cb, false);
    if (i) entries.push([k, i]);
  }
  return makeFieldSetNode(member, entries) ?? (root ? emptyFieldSet : undefined);
}

export function fieldSetUnion(a: FieldSet, b: FieldSet): FieldSet {
  return unionNode(a, b, true);
}

/** The paths of `a` that are not in `b`; returns `a` itself when nothing is taken away. */
export function fieldSetDifference(a: FieldSet, b: FieldSet): FieldSet {
  return differenceNode(a, b, true) ?? emptyFieldSet;
}

export function fieldSetIntersection(a: FieldSet, b: FieldSet): FieldSet {
  return intersectionNode(a, b, true) ?? emptyFieldSet;
}

/** True when both sets hold the same paths. */
export function fieldSetsEqual(a: FieldSet, b: FieldSet): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

// ---- paths ----

/** Calls `visit` with the elements of every member path, in canonical order. */
export function forEachFieldPath(set: FieldSet, visit: (path: string[]) => void): void {
  const walk = (n: FieldSet, path: string[], root: boolean) => {
    if (!root && isSetMember(n)) visit(path);
    for (const k of childElements(n)) walk(n[k], [...path, k], false);
  };
  walk(set, [], true);
}

function valueText(v: unknown): string {
  return JSON.stringify(v) ?? 'null';
}

/** A path as Kubernetes prints it in conflicts: `.spec.containers[name="nginx"].image`, `.metadata.finalizers[="a"]`. */
export function fieldPathString(path: string[]): string {
  let out = '';
  for (const e of path) {
    const body = e.slice(2);
    if (e.startsWith('f:')) out += `.${body}`;
    else if (e.startsWith('k:')) {
      const key = parsed(e) as Record<string, unknown> | undefined;
      out += `[${Object.entries(key ?? {})
        .map(([k, v]) => `${k}=${valueText(v)}`)
        .join(',')}]`;
    } else if (e.startsWith('v:')) out += `[=${body}]`;
    else if (e.startsWith('i:')) out += `[${body}]`;
  }
  return out;
}

/** Builds a set holding the given paths (each a list of elements). */
export function fieldSetOfPaths(paths: string[][]): FieldSet {
  let out: FieldSet = emptyFieldSet;
  for (const p of paths) {
    let node: FieldSet = leaf;
    for (let i = p.length - 1; i >= 0; i--) node = { [p[i]]: node };
    out = fieldSetUnion(out, node);
  }
  return out;
}

// ---- decoding what clients send ----

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function validElement(e: string): boolean {
  if (e === self) return true;
  const p = e.slice(0, 2);
  if (p === 'f:') return true;
  if (p === 'i:') return /^\d+$/.test(e.slice(2));
  if (p !== 'k:' && p !== 'v:') return false;
  try {
    const v = JSON.parse(e.slice(2));
    return p === 'v:' || isPlainObject(v);
  } catch {
    return false;
  }
}

/**
 * Checks a FieldsV1 value from a client and returns it in canonical form, or undefined when it is not a
 * valid FieldsV1 trie (then Kubernetes keeps the stored managedFields).
 */
export function parseFieldSet(raw: unknown): FieldSet | undefined {
  const walk = (v: unknown, root: boolean): FieldSet | undefined | null => {
    if (!isPlainObject(v)) return null;
    let member = false;
    const entries: [string, FieldSet][] = [];
    for (const [k, child] of Object.entries(v)) {
      if (!validElement(k)) return null;
      if (k === self) {
        if (!isPlainObject(child) || Object.keys(child).length) return null;
        member = true;
        continue;
      }
      const c = walk(child, false);
      if (c === null) return null;
      entries.push([k, c ?? leaf]);
    }
    if (!root && entries.length === 0) return leaf;
    return makeFieldSetNode(!root && member, sortFieldSetEntries(entries));
  };
  const out = walk(raw, true);
  return out === null ? undefined : (out ?? emptyFieldSet);
}
