import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { payloadPathProblem, writeAtomically, type Payload } from './atomic-writer';

function payload(files: Record<string, string | [string, number]>): Payload {
  return new Map(
    Object.entries(files).map(([path, v]) => {
      const [text, mode] = typeof v === 'string' ? [v, 0o644] : v;
      return [path, { data: Buffer.from(text), mode }];
    }),
  );
}

const versions = (dir: string) => readdirSync(dir).filter((n) => /^\.\.\d{4}_/.test(n));

describe('writeAtomically', () => {
  let dir: string;
  beforeEach(() => (dir = join(mkdtempSync(join(tmpdir(), 'atomic-')), 'vol')));
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('lays out a timestamped version, the ..data link and one link per top-level name', async () => {
    expect(await writeAtomically(dir, payload({ 'app.conf': 'a=1', 'nested/deep/key': ['k', 0o600] }), new Date('2024-05-01T10:20:30Z'))).toBe(true);
    const [version] = versions(dir);
    expect(version).toMatch(/^\.\.2024_05_01_10_20_30\./);
    expect(readlinkSync(join(dir, '..data'))).toBe(version);
    expect(readlinkSync(join(dir, 'app.conf'))).toBe('..data/app.conf');
    expect(readlinkSync(join(dir, 'nested'))).toBe('..data/nested');
    expect(readFileSync(join(dir, 'nested/deep/key'), 'utf8')).toBe('k');
    expect(statSync(join(dir, 'nested/deep/key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'app.conf')).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir).sort()).toEqual(['..data', version, 'app.conf', 'nested'].sort());
  });

  it('swaps in new content through the same paths and removes the old version', async () => {
    await writeAtomically(dir, payload({ 'app.conf': 'a=1', old: 'bye' }));
    const [first] = versions(dir);
    expect(await writeAtomically(dir, payload({ 'app.conf': 'a=2', added: 'hi' }))).toBe(true);
    const [second] = versions(dir);
    expect(second).not.toBe(first);
    expect(versions(dir)).toHaveLength(1);
    expect(readFileSync(join(dir, 'app.conf'), 'utf8')).toBe('a=2');
    expect(readFileSync(join(dir, 'added'), 'utf8')).toBe('hi');
    expect(() => lstatSync(join(dir, 'old'))).toThrow(/ENOENT/);
    expect(readdirSync(dir).sort()).toEqual(['..data', second, 'added', 'app.conf'].sort());
  });

  it('leaves everything alone when nothing changed, and rewrites on a mode change', async () => {
    await writeAtomically(dir, payload({ k: 'v' }));
    const [first] = versions(dir);
    expect(await writeAtomically(dir, payload({ k: 'v' }))).toBe(false);
    expect(versions(dir)).toEqual([first]);
    expect(await writeAtomically(dir, payload({ k: ['v', 0o400] }))).toBe(true);
    expect(versions(dir)).not.toEqual([first]);
    expect(statSync(join(dir, 'k')).mode & 0o777).toBe(0o400);
  });

  it('empties the volume when the payload becomes empty', async () => {
    await writeAtomically(dir, payload({ a: '1', 'b/c': '2' }));
    await writeAtomically(dir, new Map());
    expect(readdirSync(dir).filter((n) => !n.startsWith('..'))).toEqual([]);
    expect(readdirSync(join(dir, '..data'))).toEqual([]);
  });

  it('refuses paths that could escape or hide', async () => {
    expect(payloadPathProblem('../etc/passwd')).toContain("must not contain '..'");
    expect(payloadPathProblem('/abs')).toContain('must be relative');
    expect(payloadPathProblem('..data')).toContain("must not start with '..'");
    expect(payloadPathProblem('a/./b')).toBeUndefined();
    await expect(writeAtomically(dir, payload({ 'a/../../x': 'no' }))).rejects.toThrow("must not contain '..'");
  });
});
