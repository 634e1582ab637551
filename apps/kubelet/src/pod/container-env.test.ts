import { makeEnvironment, envMap, isValidEnvVarName } from './container-env';
import { ContainerConfigError } from './errors';
import { MemoryObjectSource, testContainer, testPod } from './test-fixtures';

function source() {
  return new MemoryObjectSource()
    .addConfigMap('shop', 'settings', { LOG_LEVEL: 'debug', MODE: 'fast' })
    .addSecret('shop', 'creds', { password: 's3cret', USER: 'admin' })
    .addService('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }])
    .addService('shop', 'cache', '10.96.0.7', [{ port: 11211 }]);
}

async function envOf(container = testContainer(), pod = testPod({ containers: [container] }), src = source()) {
  const { envs, warnings } = await makeEnvironment(pod, container, src, { podIPs: ['10.244.1.7'], hostIPs: ['192.168.0.10'] });
  return { env: envMap(envs), keys: envs.map((e) => e.key), warnings };
}

describe('makeEnvironment', () => {
  it('gives plain values and expands references to earlier variables and services', async () => {
    const { env } = await envOf(
      testContainer({
        env: [
          { name: 'A', value: 'a' },
          { name: 'B', value: '$(A)-$(LATER)-$(CACHE_SERVICE_HOST)' },
          { name: 'LATER', value: 'l' },
          { name: 'ESC', value: '$$(A)' },
        ],
      }),
    );
    expect(env.get('B')).toBe('a-$(LATER)-10.96.0.7');
    expect(env.get('ESC')).toBe('$(A)');
  });

  it('resolves every kind of valueFrom', async () => {
    const pod = testPod({ nodeName: 'node-1', serviceAccountName: 'default' }, { labels: { app: 'web' }, annotations: { owner: 'team-a' } });
    const c = testContainer({
      resources: { limits: { memory: '256Mi' }, requests: { cpu: '500m' } },
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'OWNER', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['owner']" } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'HOST_IPS', valueFrom: { fieldRef: { fieldPath: 'status.hostIPs' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'POD_IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
        { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'LOG_LEVEL' } } },
        { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      ],
    });
    pod.spec.containers = [c];
    const { env } = await envOf(c, pod);
    expect(Object.fromEntries([...env].filter(([k]) => !k.startsWith('KUBERNETES_') && !k.startsWith('CACHE_')))).toEqual({
      POD_NAME: 'web',
      POD_NS: 'shop',
      POD_UID: '1111-2222',
      APP: 'web',
      OWNER: 'team-a',
      NODE: 'node-1',
      SA: 'default',
      HOST_IP: '192.168.0.10',
      HOST_IPS: '192.168.0.10',
      POD_IP: '10.244.1.7',
      POD_IPS: '10.244.1.7',
      MEM_MI: '256',
      CPU_LIMIT: '4',
      CPU_REQ_M: '500',
      LEVEL: 'debug',
      PASS: 's3cret',
    });
  });

  it('reads another container resources when containerName is set', async () => {
    const side = testContainer({ name: 'side', resources: { limits: { cpu: '3' } } });
    const c = testContainer({ env: [{ name: 'SIDE_CPU', valueFrom: { resourceFieldRef: { containerName: 'side', resource: 'limits.cpu' } } }] });
    const { env } = await envOf(c, testPod({ containers: [c, side] }));
    expect(env.get('SIDE_CPU')).toBe('3');
  });

  it('applies envFrom with prefixes, then lets env override', async () => {
    const { env, keys } = await envOf(
      testContainer({
        envFrom: [{ configMapRef: { name: 'settings' } }, { prefix: 'DB_', secretRef: { name: 'creds' } }],
        env: [{ name: 'MODE', value: 'slow' }],
      }),
    );
    expect(env.get('LOG_LEVEL')).toBe('debug');
    expect(env.get('MODE')).toBe('slow');
    expect(env.get('DB_password')).toBe('s3cret');
    expect(env.get('DB_USER')).toBe('admin');
    expect(keys.indexOf('MODE')).toBeLessThan(keys.indexOf('DB_USER'));
  });

  it('puts service variables last and never over declared ones', async () => {
    const { env, keys } = await envOf(testContainer({ env: [{ name: 'CACHE_SERVICE_HOST', value: 'mine' }] }));
    expect(env.get('CACHE_SERVICE_HOST')).toBe('mine');
    expect(keys.filter((k) => k === 'CACHE_SERVICE_HOST')).toHaveLength(1);
    expect(keys[0]).toBe('CACHE_SERVICE_HOST');
    expect(env.get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.1');
    expect(env.get('CACHE_PORT')).toBe('tcp://10.96.0.7:11211');
  });

  it('gives only KUBERNETES_* service variables when service links are off', async () => {
    const c = testContainer();
    const { keys } = await envOf(c, testPod({ containers: [c], enableServiceLinks: false }));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith('KUBERNETES_'))).toBe(true);
  });

  it('skips invalid names from envFrom with a warning', async () => {
    const src = source().addConfigMap('shop', 'odd', { 'GOOD': '1', 'a=b': 'x' });
    const { env, warnings } = await envOf(testContainer({ envFrom: [{ configMapRef: { name: 'odd' } }] }), undefined, src);
    expect(env.get('GOOD')).toBe('1');
    expect(env.has('a=b')).toBe(false);
    expect(warnings).toEqual([
      {
        reason: 'InvalidEnvironmentVariableNames',
        message: 'Keys [a=b] from the EnvFrom configMap shop/odd were skipped since they are considered invalid environment variable names.',
      },
    ]);
    expect(isValidEnvVarName('1.dotted-name')).toBe(true);
    expect(isValidEnvVarName('')).toBe(false);
  });

  it('fails with the kubelet messages for missing objects and keys', async () => {
    const cases: [object, string][] = [
      [{ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] }, 'configmap "nope" not found'],
      [{ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] }, 'secret "nope" not found'],
      [{ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'k' } } }] }, "couldn't find key k in ConfigMap shop/settings"],
      [{ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'k' } } }] }, "couldn't find key k in Secret shop/creds"],
      [{ envFrom: [{ configMapRef: { name: 'nope' } }] }, 'configmap "nope" not found'],
      [{ envFrom: [{ secretRef: { name: 'nope' } }] }, 'secret "nope" not found'],
    ];
    for (const [c, message] of cases) {
      const err = await envOf(testContainer(c)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ContainerConfigError);
      expect((err as ContainerConfigError).message).toBe(message);
      expect((err as ContainerConfigError).reason).toBe('CreateContainerConfigError');
    }
  });

  it('skips missing optional objects and keys', async () => {
    const { env } = await envOf(
      testContainer({
        envFrom: [{ configMapRef: { name: 'nope', optional: true } }, { secretRef: { name: 'nope', optional: true } }],
        env: [
          { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
          { name: 'B', valueFrom: { configMapKeyRef: { name: 'settings', key: 'k', optional: true } } },
          { name: 'C', valueFrom: { secretKeyRef: { name: 'creds', key: 'k', optional: true } } },
          { name: 'D', valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } } },
        ],
      }),
    );
    expect(['A', 'B', 'C', 'D'].some((k) => env.has(k))).toBe(false);
  });

  it('reads each referenced object once', async () => {
    const src = source();
    await envOf(
      testContainer({
        envFrom: [{ configMapRef: { name: 'settings' } }],
        env: [
          { name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'MODE' } } },
          { name: 'B', valueFrom: { configMapKeyRef: { name: 'settings', key: 'LOG_LEVEL' } } },
        ],
      }),
      undefined,
      src,
    );
    expect(src.reads).toBe(1);
  });
});
