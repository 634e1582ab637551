import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClusterCA } from '@skiff/pki';
import { readClusterSigningCA } from './cluster-signing';
import { UsageError } from './options';
import { withoutUnconfiguredControllers } from './root-ca-file';

describe('--cluster-signing-cert-file and --cluster-signing-key-file', () => {
  let dir: string;
  let ca: ClusterCA;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-signing-'));
    ca = await ClusterCA.create();
    ca.save(dir);
    fs.writeFileSync(path.join(dir, 'other.key'), (await ClusterCA.create()).keyPem);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string) => path.join(dir, name);

  it('loads the CA when both are given', async () => {
    const loaded = await readClusterSigningCA(file('ca.crt'), file('ca.key'));
    expect(loaded?.certPem).toBe(ca.certPem);
  });

  it('is off when neither is given', async () => {
    await expect(readClusterSigningCA(undefined, undefined)).resolves.toBeUndefined();
  });

  it('refuses one without the other, unreadable files, and a key that is not the CA certificate key', async () => {
    await expect(readClusterSigningCA(file('ca.crt'), undefined)).rejects.toThrow('go together');
    await expect(readClusterSigningCA(file('missing.crt'), file('ca.key'))).rejects.toThrow('cannot read');
    await expect(readClusterSigningCA(file('ca.crt'), file('other.key'))).rejects.toThrow(UsageError);
    await expect(readClusterSigningCA(file('ca.crt'), file('other.key'))).rejects.toThrow('does not belong');
  });

  it('leaves csrsigning out with one log line when no CA was given', () => {
    const lines: unknown[] = [];
    const logger = { info: (...args: unknown[]) => lines.push(args) };
    expect(withoutUnconfiguredControllers(['csrapproving', 'csrsigning'], 'ca', logger, false)).toEqual(['csrapproving']);
    expect(lines).toEqual([['controller is disabled: no --cluster-signing-cert-file and --cluster-signing-key-file given', { controller: 'csrsigning' }]]);
    expect(withoutUnconfiguredControllers(['csrapproving', 'csrsigning'], 'ca', logger, true)).toEqual(['csrapproving', 'csrsigning']);
  });
});
