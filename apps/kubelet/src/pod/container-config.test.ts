import { buildContainerConfig, containerLogPath, type ContainerConfigOptions } from './container-config';
import { containerHash } from './container-hash';
import { ContainerConfigError } from './errors';
import { testContainer, testPod } from './test-fixtures';

const opts: ContainerConfigOptions = {
  attempt: 2,
  imageRef: 'sha256:abc',
  envs: [
    { key: 'GREETING', value: 'hello' },
    { key: 'TARGET', value: 'world' },
  ],
  mounts: [{ containerPath: '/data', hostPath: '/var/lib/kubelet/pods/1111-2222/volumes/kubernetes.io~empty-dir/data' }],
  nodeMemoryCapacity: 8 * 1024 ** 3,
};

describe('buildContainerConfig', () => {
  it('builds the whole container config', () => {
    const c = testContainer({
      image: 'busybox:1.36',
      command: ['sh', '-c'],
      args: ['echo $(GREETING) $(TARGET) $$(GREETING) $(MISSING)'],
      workingDir: '/work',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'FallbackToLogsOnError',
      stdin: true,
      tty: true,
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } },
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    });
    const pod = testPod({ containers: [c], terminationGracePeriodSeconds: 30 });
    expect(buildContainerConfig(pod, c, { ...opts, imageUser: {} })).toEqual({
      metadata: { name: 'app', attempt: 2 },
      image: { image: 'sha256:abc', userSpecifiedImage: 'busybox:1.36' },
      command: ['sh', '-c'],
      args: ['echo hello world $(GREETING) $(MISSING)'],
      workingDir: '/work',
      envs: opts.envs,
      mounts: opts.mounts,
      labels: {
        'io.kubernetes.container.name': 'app',
        'io.kubernetes.pod.name': 'web',
        'io.kubernetes.pod.namespace': 'shop',
        'io.kubernetes.pod.uid': '1111-2222',
      },
      annotations: {
        'io.kubernetes.container.hash': containerHash(c),
        'io.kubernetes.container.restartCount': '2',
        'io.kubernetes.container.terminationMessagePath': '/dev/termination-log',
        'io.kubernetes.container.terminationMessagePolicy': 'FallbackToLogsOnError',
        'io.kubernetes.pod.terminationGracePeriod': '30',
        'io.kubernetes.container.preStopHandler': JSON.stringify({ exec: { command: ['sleep', '1'] } }),
        'io.kubernetes.container.ports': JSON.stringify([{ containerPort: 80, protocol: 'TCP' }]),
      },
      logPath: 'app/2.log',
      stdin: true,
      stdinOnce: false,
      tty: true,
      linux: {
        resources: { cpuShares: 102, cpuPeriod: 100000, cpuQuota: 10000, memoryLimitInBytes: 64 * 1024 * 1024, oomScoreAdj: -997 },
        securityContext: expect.objectContaining({ runAsUser: { value: 0 }, noNewPrivs: false, namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } }),
      },
    });
  });

  it('leaves command and args to the image when the pod sets none', () => {
    const config = buildContainerConfig(testPod(), testContainer(), opts);
    expect(config.command).toBeUndefined();
    expect(config.args).toBeUndefined();
    expect(config.workingDir).toBeUndefined();
  });

  it('passes args alone so the runtime keeps the image entrypoint', () => {
    const c = testContainer({ args: ['--port=$(TARGET)'] });
    const config = buildContainerConfig(testPod({ containers: [c] }), c, opts);
    expect(config.command).toBeUndefined();
    expect(config.args).toEqual(['--port=world']);
  });

  it('changes the hash with the image and not with other fields', () => {
    expect(containerHash(testContainer({ image: 'a' }))).not.toBe(containerHash(testContainer({ image: 'b' })));
    expect(containerHash(testContainer({ image: 'a' }))).toBe(containerHash(testContainer({ image: 'a', args: ['x'] })));
    expect(containerHash(testContainer({ image: 'a' }))).toMatch(/^[0-9a-f]{1,8}$/);
  });

  it('refuses a root user under runAsNonRoot', () => {
    const pod = testPod({ securityContext: { runAsNonRoot: true } });
    expect(() => buildContainerConfig(pod, pod.spec.containers[0], { ...opts, imageUser: {} })).toThrow(ContainerConfigError);
    expect(() => buildContainerConfig(pod, pod.spec.containers[0], { ...opts, imageUser: { uid: 1000 } })).not.toThrow();
  });

  it('names log files by container and attempt', () => {
    expect(containerLogPath('web', 0)).toBe('web/0.log');
  });
});
