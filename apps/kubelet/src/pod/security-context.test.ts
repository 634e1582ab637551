import { ContainerConfigError } from './errors';
import { containerSecurityContext, defaultMaskedPaths, effectiveSecurityContext, namespaceOptions, sandboxSecurityContext, verifyRunAsNonRoot } from './security-context';
import { testContainer, testPod } from './test-fixtures';

const opts = { seccompProfileRoot: '/var/lib/kubelet/seccomp' };

describe('effectiveSecurityContext', () => {
  it('fills the container context from the pod, the container winning', () => {
    const c = testContainer({ securityContext: { runAsUser: 2000, readOnlyRootFilesystem: true } });
    const pod = testPod({ containers: [c], securityContext: { runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true, fsGroup: 4000 } });
    expect(effectiveSecurityContext(pod, c)).toEqual({ runAsUser: 2000, runAsGroup: 3000, runAsNonRoot: true, readOnlyRootFilesystem: true });
  });
});

describe('containerSecurityContext', () => {
  it('maps the merged context onto the CRI fields', () => {
    const c = testContainer({
      securityContext: { privileged: false, allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
    });
    const pod = testPod({ containers: [c], securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [5, 6] } });
    expect(containerSecurityContext(pod, c, opts)).toEqual({
      privileged: false,
      readonlyRootfs: true,
      noNewPrivs: true,
      capabilities: { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] },
      runAsUser: { value: 1000 },
      runAsGroup: { value: 3000 },
      supplementalGroups: [2000, 5, 6],
      namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' },
      seccomp: { profileType: 'Unconfined' },
      maskedPaths: defaultMaskedPaths,
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    });
  });

  it('leaves noNewPrivs off unless privilege escalation is refused', () => {
    expect(containerSecurityContext(testPod(), testContainer(), opts).noNewPrivs).toBe(false);
    const c = testContainer({ securityContext: { allowPrivilegeEscalation: true } });
    expect(containerSecurityContext(testPod({ containers: [c] }), c, opts).noNewPrivs).toBe(false);
  });

  it('runs as the image user when the context sets none', () => {
    const c = testContainer();
    expect(containerSecurityContext(testPod(), c, { ...opts, imageUser: { uid: 65534 } }).runAsUser).toEqual({ value: 65534 });
    const named = containerSecurityContext(testPod(), c, { ...opts, imageUser: { username: 'nginx' } });
    expect(named.runAsUser).toBeUndefined();
    expect(named.runAsUsername).toBe('nginx');
    expect(containerSecurityContext(testPod(), c, { ...opts, imageUser: {} }).runAsUser).toEqual({ value: 0 });
    // Not knowing the image user, leave it to the runtime, which applies the image's USER.
    expect(containerSecurityContext(testPod(), c, opts).runAsUser).toBeUndefined();
  });

  it('picks the seccomp profile from the container, then the pod', () => {
    const c = testContainer({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } } });
    const pod = testPod({ containers: [c], securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
    expect(containerSecurityContext(pod, c, opts).seccomp).toEqual({ profileType: 'Localhost', localhostRef: '/var/lib/kubelet/seccomp/profiles/audit.json' });
    expect(containerSecurityContext(pod, testContainer(), opts).seccomp).toEqual({ profileType: 'RuntimeDefault' });
  });
});

describe('verifyRunAsNonRoot', () => {
  const nonRoot = testPod({ securityContext: { runAsNonRoot: true } });

  it('allows a non-zero user from the context or the image', () => {
    expect(() => verifyRunAsNonRoot(testPod({ securityContext: { runAsNonRoot: true, runAsUser: 1000 } }), testContainer(), undefined)).not.toThrow();
    expect(() => verifyRunAsNonRoot(nonRoot, testContainer(), { uid: 1000 })).not.toThrow();
    expect(() => verifyRunAsNonRoot(testPod(), testContainer(), { uid: 0 })).not.toThrow();
  });

  it('refuses root with the kubelet messages', () => {
    const root = testContainer({ securityContext: { runAsUser: 0 } });
    expect(() => verifyRunAsNonRoot(nonRoot, root, undefined)).toThrow(
      new ContainerConfigError(`container's runAsUser breaks non-root policy (pod: "web_shop(1111-2222)", container: app)`),
    );
    expect(() => verifyRunAsNonRoot(nonRoot, testContainer(), {})).toThrow('container has runAsNonRoot and image will run as root');
    expect(() => verifyRunAsNonRoot(nonRoot, testContainer(), undefined)).toThrow("the image's user is not known");
    expect(() => verifyRunAsNonRoot(nonRoot, testContainer(), { uid: 0 })).toThrow('image will run as root');
    expect(() => verifyRunAsNonRoot(nonRoot, testContainer(), { username: 'app' })).toThrow('image has non-numeric user (app), cannot verify user is non-root');
  });
});

describe('namespaces and the sandbox context', () => {
  it('shares namespaces as the pod asks', () => {
    expect(namespaceOptions(testPod())).toEqual({ network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
    expect(namespaceOptions(testPod({ hostNetwork: true, hostIPC: true, hostPID: true }))).toEqual({ network: 'NODE', pid: 'NODE', ipc: 'NODE' });
    expect(namespaceOptions(testPod({ shareProcessNamespace: true })).pid).toBe('POD');
  });

  it('marks the sandbox privileged when any container is and carries the pod user', () => {
    const pod = testPod({
      containers: [testContainer(), testContainer({ name: 'priv', securityContext: { privileged: true } })],
      securityContext: { runAsUser: 1000, fsGroup: 7 },
    });
    expect(sandboxSecurityContext(pod)).toEqual({
      namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' },
      privileged: true,
      seccomp: { profileType: 'RuntimeDefault' },
      runAsUser: { value: 1000 },
      supplementalGroups: [7],
    });
    expect(sandboxSecurityContext(testPod()).privileged).toBe(false);
  });
});
