import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { KObject } from '@skiff/api';
import { CliError } from './errors';

/** One object read from a manifest, with where it came from for messages. */
export interface Manifest {
  object: KObject;
  source: string;
}

const manifestExtensions = new Set(['.yaml', '.yml', '.json']);

/** The files `-f` names: a file as is, a directory's manifests (recursively with `-R`), `-` for stdin. */
export function manifestFiles(paths: string[], recursive: boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string, top: boolean) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (recursive) walk(full, false);
      } else if (manifestExtensions.has(path.extname(entry.name))) out.push(full);
    }
    if (top && out.length === 0) throw new CliError(`no manifests (.yaml, .yml, .json) found in ${dir}${recursive ? '' : ' (use -R for subdirectories)'}`);
  };
  for (const p of paths) {
    if (p === '-') out.push(p);
    else if (!fs.existsSync(p)) throw new CliError(`the path "${p}" does not exist`);
    else if (fs.statSync(p).isDirectory()) walk(p, true);
    else out.push(p);
  }
  return out;
}

/**
 * Parses a multi-document YAML (or JSON) text into objects. A syntax error is reported as
 * `file:line:col: message` followed by the offending line and a caret under the column.
 */
export function parseManifests(text: string, file: string): Manifest[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: Manifest[] = [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const lines = text.split(/\r?\n/);
      let { line, col } = lineCounter.linePos(error.pos[0]);
      // An error found at the end of the input (an unclosed bracket) is shown at the end of the last written line.
      while (line > 1 && (lines[line - 1] ?? '').trim() === '') {
        line--;
        col = (lines[line - 1] ?? '').length + 1;
      }
      const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '');
      const offending = lines[line - 1] ?? '';
      throw new CliError(`${file}:${line}:${col}: ${message}\n  ${offending}\n  ${' '.repeat(Math.max(0, col - 1))}^`);
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const start = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
    const line = lineCounter.linePos(start).line;
    const source = `${file}:${line}`;
    if (typeof value !== 'object' || Array.isArray(value)) throw new CliError(`${source}: a manifest must be a mapping with apiVersion and kind`);
    out.push(...expandList(value as KObject, source));
  }
  return out;
}

/** `kind: List` (and `*List`) documents hold their objects in `items`. */
function expandList(obj: KObject, source: string): Manifest[] {
  const items = (obj as { items?: unknown }).items;
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(items)) {
    return items.flatMap((item, i) => expandList(item as KObject, `${source} (item ${i})`));
  }
  return [{ object: obj, source }];
}

/** Reads every manifest `-f` names, in order. */
export function readManifests(paths: string[], recursive: boolean, readStdin: () => string = () => fs.readFileSync(0, 'utf8')): Manifest[] {
  if (paths.length === 0) throw new CliError('must specify -f with a file, directory or - for stdin');
  return manifestFiles(paths, recursive).flatMap((file) => parseManifests(file === '-' ? readStdin() : fs.readFileSync(file, 'utf8'), file === '-' ? '<stdin>' : file));
}
