import { join } from 'node:path';
import type { Container, Pod, SecurityContext } from '@skiff/api';
import type { LinuxContainerSecurityContext, LinuxSandboxSecurityContext, NamespaceOption, SecurityProfile } from '@skiff/cri';
import { ContainerConfigError } from './errors';
import { formatPod } from './warnings';

/** The user an image runs as when nothing overrides it (from the runtime's ImageStatus). */
export interface ImageUser {
  uid?: number;
  username?: string;
}

/** Paths Kubernetes masks and makes read-only in /proc and /sys for the default procMount. */
export const defaultMaskedPaths = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];
export const defaultReadonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The pod's namespace sharing: network and IPC per pod unless on the host's; PID per container unless shared. */
export function namespaceOptions(pod: Pod): NamespaceOption {
  return {
    network: pod.spec.hostNetwork ? 'NODE' : 'POD',
    pid: pod.spec.hostPID ? 'NODE' : pod.spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
    ipc: pod.spec.hostIPC ? 'NODE' : 'POD',
  };
}

/** The container's security context with the pod-level fields it leaves unset filled in (container wins). */
export function effectiveSecurityContext(pod: Pod, container: Container): SecurityContext {
  const podSc = pod.spec.securityContext ?? {};
  const fromPod: SecurityContext = {};
  if (podSc.seLinuxOptions !== undefined) fromPod.seLinuxOptions = podSc.seLinuxOptions;
  if (podSc.runAsUser !== undefined) fromPod.runAsUser = podSc.runAsUser;
  if (podSc.runAsGroup !== undefined) fromPod.runAsGroup = podSc.runAsGroup;
  if (podSc.runAsNonRoot !== undefined) fromPod.runAsNonRoot = podSc.runAsNonRoot;
  if (podSc.seccompProfile !== undefined) fromPod.seccompProfile = podSc.seccompProfile;
  if (podSc.appArmorProfile !== undefined) fromPod.appArmorProfile = podSc.appArmorProfile;
  const own = Object.fromEntries(Object.entries(container.securityContext ?? {}).filter(([, v]) => v !== undefined));
  return { ...fromPod, ...own };
}

/**
 * Who the image runs as: its numeric uid, else its user name, else root (uid 0) when the image names no user.
 * Undefined when the image user is not known (no ImageStatus given).
 */
function imageRunAs(user: ImageUser | undefined): { uid?: number; username?: string } | undefined {
  if (!user) return undefined;
  if (user.uid !== undefined) return { uid: user.uid };
  if (user.username) return { username: user.username };
  return { uid: 0 };
}

/** Refuses to run a container that would run as root when runAsNonRoot asks otherwise (the kubelet's check). */
export function verifyRunAsNonRoot(pod: Pod, container: Container, imageUser: ImageUser | undefined): void {
  const sc = effectiveSecurityContext(pod, container);
  if (!sc.runAsNonRoot) return;
  const where = `(pod: "${formatPod(pod)}", container: ${container.name})`;
  if (sc.runAsUser !== undefined) {
    if (sc.runAsUser === 0) throw new ContainerConfigError(`container's runAsUser breaks non-root policy ${where}`);
    return;
  }
  const runAs = imageRunAs(imageUser);
  if (!runAs) throw new ContainerConfigError(`container has runAsNonRoot and the image's user is not known, cannot verify user is non-root ${where}`);
  if (runAs.uid === 0) throw new ContainerConfigError(`container has runAsNonRoot and image will run as root ${where}`);
  if (runAs.uid === undefined && runAs.username) {
    throw new ContainerConfigError(`container has runAsNonRoot and image has non-numeric user (${runAs.username}), cannot verify user is non-root ${where}`);
  }
}

/** The seccomp profile: the container's, else the pod's, else Unconfined (the kubelet's default without --seccomp-default). */
function seccompProfile(pod: Pod, container: Container, profileRoot: string): SecurityProfile {
  const p = container.securityContext?.seccompProfile ?? pod.spec.securityContext?.seccompProfile;
  if (!p) return { profileType: 'Unconfined' };
  if (p.type === 'Localhost') {
    if (!p.localhostProfile) throw new ContainerConfigError('localhostProfile must be set if seccompProfile type is Localhost.');
    return { profileType: 'Localhost', localhostRef: join(profileRoot, p.localhostProfile) };
  }
  return { profileType: p.type };
}

function supplementalGroups(pod: Pod): number[] | undefined {
  const sc = pod.spec.securityContext;
  const groups = [...(sc?.fsGroup !== undefined ? [sc.fsGroup] : []), ...(sc?.supplementalGroups ?? [])];
  return groups.length ? groups : undefined;
}

export interface ContainerSecurityOptions {
  /** The image's user from ImageStatus (`{}` when the image names none); when not given, the runtime applies the image's USER itself. */
  imageUser?: ImageUser;
  /** Where Localhost seccomp profiles live (the kubelet's `<root-dir>/seccomp`). */
  seccompProfileRoot: string;
}

/**
 * The CRI security context of a container: the effective (pod-merged) context's privileged, user, group,
 * read-only root, capabilities and seccomp profile; the image's user when none is set; the pod's namespaces
 * and supplemental groups (fsGroup first); noNewPrivs when allowPrivilegeEscalation is false; and Kubernetes'
 * masked and read-only /proc paths.
 */
export function containerSecurityContext(pod: Pod, container: Container, opts: ContainerSecurityOptions): LinuxContainerSecurityContext {
  const sc = effectiveSecurityContext(pod, container);
  const out: LinuxContainerSecurityContext = {
    privileged: sc.privileged ?? false,
    readonlyRootfs: sc.readOnlyRootFilesystem ?? false,
    namespaceOptions: namespaceOptions(pod),
    noNewPrivs: sc.allowPrivilegeEscalation === undefined ? false : !sc.allowPrivilegeEscalation,
    seccomp: seccompProfile(pod, container, opts.seccompProfileRoot),
    maskedPaths: sc.procMount === 'Unmasked' ? [] : [...defaultMaskedPaths],
    readonlyPaths: sc.procMount === 'Unmasked' ? [] : [...defaultReadonlyPaths],
  };
  if (sc.capabilities) out.capabilities = { addCapabilities: sc.capabilities.add ?? [], dropCapabilities: sc.capabilities.drop ?? [] };
  if (sc.runAsUser !== undefined) out.runAsUser = { value: sc.runAsUser };
  else {
    const runAs = imageRunAs(opts.imageUser);
    if (runAs?.uid !== undefined) out.runAsUser = { value: runAs.uid };
    else if (runAs?.username) out.runAsUsername = runAs.username;
  }
  if (sc.runAsGroup !== undefined) out.runAsGroup = { value: sc.runAsGroup };
  const groups = supplementalGroups(pod);
  if (groups) out.supplementalGroups = groups;
  if (sc.seLinuxOptions) out.selinuxOptions = { ...sc.seLinuxOptions };
  return out;
}

function hasPrivilegedContainer(pod: Pod): boolean {
  return [...pod.spec.containers, ...(pod.spec.initContainers ?? []), ...(pod.spec.ephemeralContainers ?? [])].some(
    (c) => c.securityContext?.privileged === true,
  );
}

/** The sandbox's security context: privileged when any container is, the pod's user, groups and namespaces, RuntimeDefault seccomp. */
export function sandboxSecurityContext(pod: Pod): LinuxSandboxSecurityContext {
  const sc = pod.spec.securityContext;
  const out: LinuxSandboxSecurityContext = {
    namespaceOptions: namespaceOptions(pod),
    privileged: hasPrivilegedContainer(pod),
    seccomp: { profileType: 'RuntimeDefault' },
  };
  if (sc?.runAsUser !== undefined) out.runAsUser = { value: sc.runAsUser };
  if (sc?.runAsGroup !== undefined) out.runAsGroup = { value: sc.runAsGroup };
  const groups = supplementalGroups(pod);
  if (groups) out.supplementalGroups = groups;
  if (sc?.seLinuxOptions) out.selinuxOptions = { ...sc.seLinuxOptions };
  return out;
}
