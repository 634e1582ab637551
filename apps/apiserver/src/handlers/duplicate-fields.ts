import { visit } from 'jsonc-parser';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** A request body as it came over the wire, for checks that the parsed value can no longer answer. */
export interface BodySource {
  text: string;
  format: 'json' | 'yaml';
}

/** Go's strict decoder stops collecting after this many; so do we. */
const maxErrors = 100;

/**
 * Duplicate fields in a body that has already parsed, as Kubernetes' strict decoding reports them:
 * JSON gives one `duplicate field "spec.containers[0].name"` per field; YAML gives one
 * `yaml: unmarshal errors:` error with a `line N: key "name" already set in map` line per duplicate.
 * Parsers keep the last of duplicate keys silently, so only the text shows them.
 */
export function findDuplicateFields(source: BodySource): string[] {
  if (source.format === 'yaml') {
    const lines = duplicateYAMLKeys(source.text);
    return lines.length ? [`yaml: unmarshal errors:\n  ${lines.join('\n  ')}`] : [];
  }
  return hasDuplicateJSONKeys(source.text) ? duplicateJSONFields(source.text) : [];
}

const quote = 34;
const backslash = 92;
const colon = 58;
const openBrace = 123;
const closeBrace = 125;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * One pass over valid JSON, about as fast as JSON.parse: strings are skipped whole (so braces inside them do not
 * count) and a string followed by `:` is a key of the innermost open object. Runs on every strict or warning
 * write; the slower path-tracking walk runs only when this finds something.
 */
export function hasDuplicateJSONKeys(text: string): boolean {
  const open: Set<string>[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === quote) {
      let j = i + 1;
      let escaped = false;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === backslash) {
          escaped = true;
          j += 2;
        } else if (d === quote || j >= n) break;
        else j++;
      }
      let k = j + 1;
      while (k < n && isSpace(text.charCodeAt(k))) k++;
      if (text.charCodeAt(k) === colon && open.length) {
        const raw = text.slice(i + 1, j);
        const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        const keys = open[open.length - 1];
        if (keys.has(key)) return true;
        keys.add(key);
        i = k + 1;
      } else {
        i = j + 1;
      }
      continue;
    }
    if (c === openBrace) open.push(new Set());
    else if (c === closeBrace) open.pop();
    i++;
  }
  return false;
}

/** Go's field path: keys joined by dots, array indices in brackets (`spec.containers[0].env[1].name`). */
function fieldPath(parent: (string | number)[], key: string): string {
  let out = '';
  for (const p of parent) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out ? `${out}.${key}` : key;
}

function duplicateJSONFields(text: string): string[] {
  const errors: string[] = [];
  const seenErrors = new Set<string>();
  const open: Set<string>[] = [];
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (key, _offset, _length, _line, _column, pathSupplier) => {
      const keys = open[open.length - 1];
      if (!keys.has(key)) {
        keys.add(key);
        return;
      }
      const error = `duplicate field ${JSON.stringify(fieldPath(pathSupplier(), key))}`;
      if (!seenErrors.has(error) && errors.length < maxErrors) {
        seenErrors.add(error);
        errors.push(error);
      }
    },
  });
  return errors;
}

function duplicateYAMLKeys(text: string): string[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter });
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (found.length >= maxErrors) return;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key as Node | null;
        const value = isScalar(key) ? key.value : key === null ? null : String(key);
        const id = typeof value === 'string' ? value : JSON.stringify(value);
        if (seen.has(id)) {
          const line = key?.range ? lineCounter.linePos(key.range[0]).line : 0;
          found.push(`line ${line}: key ${JSON.stringify(value)} already set in map`);
        }
        seen.add(id);
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  walk(doc.contents);
  return found;
}
