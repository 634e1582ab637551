import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenRequest, Volume } from '@skiff/api';
import { FakeClock } from '@skiff/client';
import { MemoryObjectSource, testPod } from '../pod/test-fixtures';
import { VolumeSetUpError } from './errors';
import { ServiceAccountTokens } from './service-account-tokens';
import { VolumeManager } from './volume-manager';

/** The projected volume ServiceAccount admission adds to every pod. */
const apiAccess = (defaultMode = 0o644): Volume => ({
  name: 'kube-api-access-x7k2q',
  projected: {
    defaultMode,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  },
});

describe('projected serviceAccountToken volumes', () => {
  let root: string;
  let clock: FakeClock;
  let requests: { namespace: string; serviceAccount: string; request: TokenRequest }[];
  let failWith: Error | undefined;
  let manager: VolumeManager;
  let tokens: ServiceAccountTokens;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'token-volumes-'));
    clock = new FakeClock();
    requests = [];
    failWith = undefined;
    const issue = async (namespace: string, serviceAccount: string, request: TokenRequest): Promise<TokenRequest> => {
      requests.push({ namespace, serviceAccount, request });
      if (failWith) throw failWith;
      const seconds = request.spec.expirationSeconds!;
      return { ...request, status: { token: `jwt-${requests.length}`, expirationTimestamp: new Date(clock.now() + seconds * 1000).toISOString() } };
    };
    tokens = new ServiceAccountTokens(issue, { clock, jitterMs: () => 0 });
    const objects = new MemoryObjectSource().addConfigMap('shop', 'kube-root-ca.crt', { 'ca.crt': '-----BEGIN CERTIFICATE-----\n' });
    manager = new VolumeManager({ rootDir: root, objects, tokens, canMount: false });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const pod = (volumes: Volume[], serviceAccountName = 'builder') => testPod({ volumes, serviceAccountName });

  it('writes a token bound to the pod next to the CA and the namespace', async () => {
    const paths = await manager.setUpPod(pod([apiAccess()]));
    const dir = paths.get('kube-api-access-x7k2q')!;
    expect(dir).toBe(join(root, 'pods/1111-2222/volumes/kubernetes.io~projected/kube-api-access-x7k2q'));
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('jwt-1');
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe('-----BEGIN CERTIFICATE-----\n');
    expect(readFileSync(join(dir, 'namespace'), 'utf8')).toBe('shop');
    expect(statSync(join(dir, 'token')).mode & 0o777).toBe(0o644);
    expect(requests).toEqual([
      {
        namespace: 'shop',
        serviceAccount: 'builder',
        request: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          metadata: {},
          spec: { audiences: [], expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: '1111-2222' } },
        },
      },
    ]);
  });

  it('asks for the audience and lifetime the source names, and writes the file with the volume\'s mode', async () => {
    const vault: Volume = { name: 'vault', projected: { defaultMode: 0o600, sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 7200, path: 'auth/jwt' } }] } };
    const paths = await manager.setUpPod(pod([vault]));
    expect(readFileSync(join(paths.get('vault')!, 'auth/jwt'), 'utf8')).toBe('jwt-1');
    expect(statSync(join(paths.get('vault')!, 'auth/jwt')).mode & 0o777).toBe(0o600);
    expect(requests[0].request.spec).toMatchObject({ audiences: ['vault'], expirationSeconds: 7200 });
  });

  it('keeps the file as it is until 80% of the lifetime, then writes the new token through a new ..data', async () => {
    const p = pod([apiAccess()]);
    const dir = (await manager.setUpPod(p)).get('kube-api-access-x7k2q')!;
    const firstData = readlinkSync(join(dir, '..data'));
    await clock.advance(2800_000);
    await manager.setUpPod(p);
    expect(requests).toHaveLength(1);
    expect(readlinkSync(join(dir, '..data'))).toBe(firstData);
    await clock.advance(100_000);
    await manager.setUpPod(p);
    expect(requests).toHaveLength(2);
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('jwt-2');
    expect(readlinkSync(join(dir, '..data'))).not.toBe(firstData);
  });

  it('fails the volume with the TokenRequest error, and succeeds on a later pass once it works', async () => {
    failWith = new Error('serviceaccounts "builder" not found');
    const p = pod([apiAccess()]);
    const err = (await manager.setUpPod(p).catch((e: unknown) => e)) as VolumeSetUpError;
    expect(err).toBeInstanceOf(VolumeSetUpError);
    expect(err.message).toBe('MountVolume.SetUp failed for volume "kube-api-access-x7k2q" : failed to fetch token: serviceaccounts "builder" not found');
    failWith = undefined;
    const paths = await manager.setUpPod(p);
    expect(readFileSync(join(paths.get('kube-api-access-x7k2q')!, 'token'), 'utf8')).toBe('jwt-2');
  });

  it('drops the pod\'s tokens when its volumes are torn down', async () => {
    await manager.setUpPod(pod([apiAccess()]));
    expect(tokens.size).toBe(1);
    await manager.tearDownPod('1111-2222');
    expect(tokens.size).toBe(0);
  });

  it('needs a service account on the pod', async () => {
    await expect(manager.setUpPod(pod([apiAccess()], ''))).rejects.toThrow('the pod has no service account to request a token for');
  });
});
