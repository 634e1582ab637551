import { builtinScheme, type KObject, type Pod, type ServiceAccount } from '@skiff/api';
import { StatusError } from '../handlers/status-error';
import type { AdmissionRequest } from './admission';
import { serviceAccountAdmission, serviceAccountMountPath, tokenVolume, type ServiceAccountSource } from './service-account';

const podsType = builtinScheme.forResource('', 'v1', 'pods')!;
const admin = { name: 'admin', groups: ['system:masters'] };

/** ServiceAccounts in a map; `appearsAfter` makes one show up in storage only after that many live reads. */
class Accounts implements ServiceAccountSource {
  readonly cache = new Map<string, ServiceAccount>();
  readonly stored = new Map<string, ServiceAccount>();
  liveReads = 0;
  appearsAfter = new Map<string, number>();

  cached(namespace: string, name: string): ServiceAccount | undefined {
    return this.cache.get(`${namespace}/${name}`);
  }

  async live(namespace: string, name: string): Promise<ServiceAccount | undefined> {
    this.liveReads++;
    const key = `${namespace}/${name}`;
    const after = this.appearsAfter.get(key);
    if (after !== undefined && this.liveReads <= after) return undefined;
    return this.stored.get(key);
  }
}

const sa = (name: string, extra: Partial<ServiceAccount> = {}): ServiceAccount => ({ metadata: { name, namespace: 'ns' }, ...extra });

function podCreate(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): AdmissionRequest & { object: Pod } {
  const object = { metadata: { name: 'p', namespace: 'ns', ...metadata }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } } as unknown as Pod;
  return { operation: 'CREATE', type: podsType, namespace: 'ns', name: 'p', object: object as KObject & Pod, user: admin, dryRun: false };
}

function plugin(accounts: Accounts, sleeps: number[] = []) {
  return serviceAccountAdmission({
    serviceAccounts: accounts,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    volumeSuffix: () => 'x7k2q',
  });
}

async function refusal(p: ReturnType<typeof plugin>, req: AdmissionRequest): Promise<string> {
  try {
    await p.mutate!(req);
    await p.validate!(req);
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    expect((e as StatusError).code).toBe(403);
    return (e as StatusError).message;
  }
  throw new Error('the request was admitted');
}

describe('ServiceAccount admission', () => {
  it('runs a pod as default and mounts a kube-api-access volume into every container', async () => {
    const accounts = new Accounts();
    accounts.cache.set('ns/default', sa('default'));
    const req = podCreate({
      initContainers: [{ name: 'init', image: 'busybox' }],
      containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', emptyDir: {} }],
    });
    await plugin(accounts).mutate!(req);
    const spec = req.object.spec!;
    expect(spec.serviceAccountName).toBe('default');
    expect(spec.serviceAccount).toBe('default');
    const mount = { name: 'kube-api-access-x7k2q', readOnly: true, mountPath: serviceAccountMountPath };
    expect(spec.initContainers![0].volumeMounts).toEqual([mount]);
    expect(spec.containers[0].volumeMounts).toEqual([mount]);
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, mount]);
    expect(spec.volumes).toEqual([
      { name: 'data', emptyDir: {} },
      {
        name: 'kube-api-access-x7k2q',
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
    ]);
    expect(accounts.liveReads).toBe(0);
  });

  it('leaves containers that already mount something at the service-account path alone', async () => {
    const accounts = new Accounts();
    accounts.cache.set('ns/default', sa('default'));
    const own = { name: 'mine', mountPath: serviceAccountMountPath };
    const req = podCreate({ containers: [{ name: 'c', image: 'busybox', volumeMounts: [own] }], volumes: [{ name: 'mine', emptyDir: {} }] });
    await plugin(accounts).mutate!(req);
    expect(req.object.spec!.containers[0].volumeMounts).toEqual([own]);
    expect(req.object.spec!.volumes).toEqual([{ name: 'mine', emptyDir: {} }]);
  });

  it('reuses a kube-api-access volume the pod already carries', async () => {
    const accounts = new Accounts();
    accounts.cache.set('ns/default', sa('default'));
    const req = podCreate({ volumes: [tokenVolume('kube-api-access-abcde')] });
    await plugin(accounts).mutate!(req);
    expect(req.object.spec!.volumes!.map((v) => v.name)).toEqual(['kube-api-access-abcde']);
    expect(req.object.spec!.containers[0].volumeMounts).toEqual([{ name: 'kube-api-access-abcde', readOnly: true, mountPath: serviceAccountMountPath }]);
  });

  it('mounts nothing when the pod or the account turns automounting off, and the pod\'s choice wins', async () => {
    const accounts = new Accounts();
    accounts.cache.set('ns/quiet', sa('quiet', { automountServiceAccountToken: false }));
    accounts.cache.set('ns/default', sa('default'));
    const offByPod = podCreate({ automountServiceAccountToken: false });
    await plugin(accounts).mutate!(offByPod);
    expect(offByPod.object.spec!.volumes).toBeUndefined();
    const offByAccount = podCreate({ serviceAccountName: 'quiet' });
    await plugin(accounts).mutate!(offByAccount);
    expect(offByAccount.object.spec!.volumes).toBeUndefined();
    expect(offByAccount.object.spec!.containers[0].volumeMounts).toBeUndefined();
    const onByPod = podCreate({ serviceAccountName: 'quiet', automountServiceAccountToken: true });
    await plugin(accounts).mutate!(onByPod);
    expect(onByPod.object.spec!.volumes!.map((v) => v.name)).toEqual(['kube-api-access-x7k2q']);
  });

  it('gives the account\'s imagePullSecrets to a pod that has none', async () => {
    const accounts = new Accounts();
    accounts.cache.set('ns/builder', sa('builder', { imagePullSecrets: [{ name: 'registry-a' }, { name: 'registry-b' }] }));
    const none = podCreate({ serviceAccountName: 'builder' });
    await plugin(accounts).mutate!(none);
    expect(none.object.spec!.imagePullSecrets).toEqual([{ name: 'registry-a' }, { name: 'registry-b' }]);
    const own = podCreate({ serviceAccountName: 'builder', imagePullSecrets: [{ name: 'mine' }] });
    await plugin(accounts).mutate!(own);
    expect(own.object.spec!.imagePullSecrets).toEqual([{ name: 'mine' }]);
  });

  it('takes the deprecated serviceAccount field when serviceAccountName is empty', async () => {
    const accounts = new Accounts();
    accounts.cache.set('ns/old', sa('old'));
    const req = podCreate({ serviceAccount: 'old' });
    await plugin(accounts).mutate!(req);
    expect(req.object.spec!.serviceAccountName).toBe('old');
    expect(req.object.spec!.serviceAccount).toBe('old');
  });

  it('refuses a pod naming an account that does not exist after one live read', async () => {
    const accounts = new Accounts();
    const sleeps: number[] = [];
    const message = await refusal(plugin(accounts, sleeps), podCreate({ serviceAccountName: 'ghost' }));
    expect(message).toBe('pods "p" is forbidden: error looking up service account ns/ghost: serviceaccount "ghost" not found');
    expect(accounts.liveReads).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('finds an account the cache has not seen yet in storage', async () => {
    const accounts = new Accounts();
    accounts.stored.set('ns/fresh', sa('fresh'));
    const req = podCreate({ serviceAccountName: 'fresh' });
    await plugin(accounts).mutate!(req);
    expect(req.object.spec!.volumes).toHaveLength(1);
  });

  it('waits for the default account up to ten live reads, 100–200 ms apart', async () => {
    const accounts = new Accounts();
    accounts.stored.set('ns/default', sa('default'));
    accounts.appearsAfter.set('ns/default', 3);
    const sleeps: number[] = [];
    const req = podCreate({});
    await plugin(accounts, sleeps).mutate!(req);
    expect(accounts.liveReads).toBe(4);
    expect(sleeps).toHaveLength(3);
    for (const ms of sleeps) expect(ms >= 100 && ms < 200).toBe(true);

    const never = new Accounts();
    const waited: number[] = [];
    expect(await refusal(plugin(never, waited), podCreate({}))).toBe('pods "p" is forbidden: error looking up service account ns/default: serviceaccount "default" not found');
    expect(never.liveReads).toBe(10);
    expect(waited).toHaveLength(9);
  });

  it('leaves a mirror pod unchanged and looks nothing up', async () => {
    const accounts = new Accounts();
    const req = podCreate({ serviceAccountName: 'default' }, { annotations: { 'kubernetes.io/config.mirror': 'abc' } });
    const p = plugin(accounts);
    await p.mutate!(req);
    await p.validate!(req);
    expect(req.object.spec!.volumes).toBeUndefined();
    expect(accounts.liveReads).toBe(0);
  });

  it('refuses a mirror pod that names another account, a secret or a token projection', async () => {
    const accounts = new Accounts();
    const mirror = { annotations: { 'kubernetes.io/config.mirror': 'abc' } };
    expect(await refusal(plugin(accounts), podCreate({ serviceAccountName: 'builder' }, mirror))).toBe('pods "p" is forbidden: a mirror pod may not reference service accounts');
    const secretVolume = podCreate({ volumes: [{ name: 's', secret: { secretName: 'x' } }] }, mirror);
    expect(await refusal(plugin(accounts), secretVolume)).toBe('pods "p" is forbidden: a mirror pod may not reference secrets');
    const secretEnv = podCreate({ containers: [{ name: 'c', image: 'busybox', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'x', key: 'k' } } }] }] }, mirror);
    expect(await refusal(plugin(accounts), secretEnv)).toBe('pods "p" is forbidden: a mirror pod may not reference secrets');
    const pullSecret = podCreate({ imagePullSecrets: [{ name: 'x' }] }, mirror);
    expect(await refusal(plugin(accounts), pullSecret)).toBe('pods "p" is forbidden: a mirror pod may not reference secrets');
    const token = podCreate({ volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }] }, mirror);
    expect(await refusal(plugin(accounts), token)).toBe('pods "p" is forbidden: a mirror pod may not use ServiceAccountToken volume projections');
  });

  it('limits the pods of an account that enforces mountable secrets to the secrets it lists', async () => {
    const accounts = new Accounts();
    accounts.cache.set('ns/strict', sa('strict', { metadata: { name: 'strict', namespace: 'ns', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'ok' }] }));
    accounts.cache.set('ns/default', sa('default'));
    const refused = podCreate({ serviceAccountName: 'strict', volumes: [{ name: 'v', secret: { secretName: 'db' } }] });
    expect(await refusal(plugin(accounts), refused)).toBe(
      'pods "p" is forbidden: volume with secret.secretName="db" is not allowed because service account strict does not reference that secret',
    );
    const allowed = podCreate({ serviceAccountName: 'strict', volumes: [{ name: 'v', secret: { secretName: 'ok' } }] });
    await plugin(accounts).mutate!(allowed);
    await plugin(accounts).validate!(allowed);
    const unenforced = podCreate({ volumes: [{ name: 'v', secret: { secretName: 'db' } }] });
    await plugin(accounts).mutate!(unenforced);
    await plugin(accounts).validate!(unenforced);
  });

  it('checks ephemeral containers added to a pod of an enforcing account', async () => {
    const accounts = new Accounts();
    accounts.cache.set('ns/strict', sa('strict', { metadata: { name: 'strict', namespace: 'ns', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } } }));
    const debug = { name: 'debug', image: 'busybox', envFrom: [{ secretRef: { name: 'db' } }] };
    const req = { ...podCreate({ serviceAccountName: 'strict', ephemeralContainers: [debug] }), operation: 'UPDATE' as const, subresource: 'ephemeralcontainers' };
    expect(await refusal(plugin(accounts), req)).toBe(
      'pods "p" is forbidden: ephemeral container debug with envFrom referencing secret.secretName="db" is not allowed because service account strict does not reference that secret',
    );
  });

  it('does not touch updates, other resources or subresources', async () => {
    const accounts = new Accounts();
    const p = plugin(accounts);
    const update = { ...podCreate({}), operation: 'UPDATE' as const };
    await p.mutate!(update);
    expect(update.object.spec!.serviceAccountName).toBeUndefined();
    const binding = { ...podCreate({}), subresource: 'binding' };
    await p.mutate!(binding);
    expect(binding.object.spec!.serviceAccountName).toBeUndefined();
    const cm = { ...podCreate({}), type: builtinScheme.forResource('', 'v1', 'configmaps')! };
    await p.mutate!(cm);
    expect(accounts.liveReads).toBe(0);
  });
});
