import { join } from 'node:path';
import type { Container, Pod } from '@skiff/api';
import type { ContainerConfig, KeyValue, Mount } from '@skiff/cri';
import { envMap } from './container-env';
import { containerHash } from './container-hash';
import { expandVars, lookupIn } from './expand-vars';
import { linuxContainerResources } from './linux-resources';
import { podIdentityLabels } from './sandbox-config';
import { containerSecurityContext, verifyRunAsNonRoot, type ImageUser } from './security-context';
import { terminationMessagePathAnnotation, terminationMessagePolicyAnnotation } from './termination-message';

export const containerNameLabel = 'io.kubernetes.container.name';
export const containerHashAnnotation = 'io.kubernetes.container.hash';
export const containerRestartCountAnnotation = 'io.kubernetes.container.restartCount';
export const podTerminationGracePeriodAnnotation = 'io.kubernetes.pod.terminationGracePeriod';
export const podDeletionGracePeriodAnnotation = 'io.kubernetes.pod.deletionGracePeriod';
export const containerPreStopHandlerAnnotation = 'io.kubernetes.container.preStopHandler';
export const containerPortsAnnotation = 'io.kubernetes.container.ports';

export interface ContainerConfigOptions {
  /** The restart count: 0 for the first run, one more for each restart. */
  attempt: number;
  /** The image reference the runtime resolved (PullImage's answer or ImageStatus's id). */
  imageRef: string;
  /** From makeEnvironment. */
  envs: KeyValue[];
  /** Volume mounts (VolumeManager.mountsFor), the /etc/hosts mount and the termination-message mount. */
  mounts: Mount[];
  /**
   * The image's user from ImageStatus (`{uid}`, `{username}`, or `{}` when the image names none, meaning root).
   * Needed for runAsNonRoot pods; when not given the runtime applies the image's USER itself.
   */
  imageUser?: ImageUser;
  /** The node's memory in bytes, which scales a Burstable container's OOM score. */
  nodeMemoryCapacity: number;
  /** Where Localhost seccomp profiles live; default /var/lib/kubelet/seccomp. */
  seccompProfileRoot?: string;
}

/** `<container>/<attempt>.log`, relative to the sandbox's log directory. */
export function containerLogPath(containerName: string, attempt: number): string {
  return join(containerName, `${attempt}.log`);
}

function containerAnnotations(pod: Pod, container: Container, attempt: number): Record<string, string> {
  const a: Record<string, string> = {
    [containerHashAnnotation]: containerHash(container),
    [containerRestartCountAnnotation]: String(attempt),
    [terminationMessagePathAnnotation]: container.terminationMessagePath ?? '',
    [terminationMessagePolicyAnnotation]: container.terminationMessagePolicy ?? 'File',
  };
  if (pod.metadata.deletionGracePeriodSeconds !== undefined) a[podDeletionGracePeriodAnnotation] = String(pod.metadata.deletionGracePeriodSeconds);
  if (pod.spec.terminationGracePeriodSeconds !== undefined) a[podTerminationGracePeriodAnnotation] = String(pod.spec.terminationGracePeriodSeconds);
  if (container.lifecycle?.preStop) a[containerPreStopHandlerAnnotation] = JSON.stringify(container.lifecycle.preStop);
  if (container.ports?.length) a[containerPortsAnnotation] = JSON.stringify(container.ports);
  return a;
}

/**
 * The ContainerConfig the kubelet hands CreateContainer. Command and args go as the pod gives them (the runtime
 * puts command in place of the image's ENTRYPOINT and args in place of its CMD), with `$(VAR)` expanded from
 * the container's environment. Throws ContainerConfigError when runAsNonRoot forbids the user it would run as.
 */
export function buildContainerConfig(pod: Pod, container: Container, opts: ContainerConfigOptions): ContainerConfig {
  verifyRunAsNonRoot(pod, container, opts.imageUser);
  const lookup = lookupIn(envMap(opts.envs));
  const expand = (items: string[] | undefined) => (items?.length ? items.map((s) => expandVars(s, lookup)) : undefined);
  const config: ContainerConfig = {
    metadata: { name: container.name, attempt: opts.attempt },
    image: { image: opts.imageRef, userSpecifiedImage: container.image ?? '' },
    envs: opts.envs,
    mounts: opts.mounts,
    labels: { ...podIdentityLabels(pod), [containerNameLabel]: container.name },
    annotations: containerAnnotations(pod, container, opts.attempt),
    logPath: containerLogPath(container.name, opts.attempt),
    stdin: container.stdin ?? false,
    stdinOnce: container.stdinOnce ?? false,
    tty: container.tty ?? false,
    linux: {
      resources: linuxContainerResources(pod, container, opts.nodeMemoryCapacity),
      securityContext: containerSecurityContext(pod, container, {
        imageUser: opts.imageUser,
        seccompProfileRoot: opts.seccompProfileRoot ?? '/var/lib/kubelet/seccomp',
      }),
    },
  };
  const command = expand(container.command);
  const args = expand(container.args);
  if (command) config.command = command;
  if (args) config.args = args;
  if (container.workingDir) config.workingDir = container.workingDir;
  return config;
}
