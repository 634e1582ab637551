import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { manifestFiles, parseManifests } from './manifests';

describe('parseManifests', () => {
  it('reads every document of a multi-document file and skips empty ones', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n';
    const got = parseManifests(text, 'x.yaml');
    expect(got.map((m) => `${m.object.kind}/${m.object.metadata.name}`)).toEqual(['Pod/a', 'Service/b']);
    expect(got[1].source).toBe('x.yaml:6');
  });

  it('expands kind: List into its items', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' } }] });
    expect(parseManifests(text, 'l.json').map((m) => m.object.metadata.name)).toEqual(['a', 'b']);
  });

  it('reports a syntax error as file:line:col with the offending line and a caret', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web\nspec: {}\n';
    let message = '';
    try {
      parseManifests(text, 'pod.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    const [first, offending, caret] = message.split('\n');
    expect(first).toMatch(/^pod\.yaml:(\d+):(\d+): \S/);
    const [, line, col] = /^pod\.yaml:(\d+):(\d+)/.exec(first)!;
    expect(offending.trim()).toBe(text.split('\n')[Number(line) - 1].trim());
    expect(caret.indexOf('^')).toBe(2 + Number(col) - 1);
  });

  it('points at the duplicate key of the second document', () => {
    const text = 'apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Pod\nkind: Service\n';
    expect(() => parseManifests(text, 'd.yaml')).toThrow(/^d\.yaml:6:1: .*unique/);
  });
});

describe('manifestFiles', () => {
  it('lists a directory\'s manifests, descending only with -R', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-manifests-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), '');
    fs.writeFileSync(path.join(dir, 'notes.txt'), '');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'b.json'), '{}');
    expect(manifestFiles([dir], false)).toEqual([path.join(dir, 'a.yaml')]);
    expect(manifestFiles([dir], true)).toEqual([path.join(dir, 'a.yaml'), path.join(dir, 'sub', 'b.json')]);
    expect(() => manifestFiles([path.join(dir, 'missing.yaml')], false)).toThrow(/does not exist/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('parseManifests at the end of the input', () => {
  it('shows an unclosed bracket at the end of the last written line', () => {
    expect(() => parseManifests('kind: Pod\nmetadata:\n  labels: [a\n\n', 'u.yaml')).toThrow(/^u\.yaml:3:13: .*\n {4}labels: \[a\n {2} {12}\^$/);
  });
});
