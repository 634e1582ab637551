import { join } from 'node:path';

export const defaultRootDir = '/var/lib/kubelet';

/** The directory names of the volume kinds under a pod's `volumes/`, as the kubelet names its plugins. */
export const volumePluginDirs = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
} as const;
export type ManagedVolumeKind = keyof typeof volumePluginDirs;

/** A pod UID or volume/container name used as one path segment: nothing that could climb out of the pod's directory. */
export function assertPathSegment(what: string, value: string | undefined): string {
  if (!value || value === '.' || value === '..' || value.includes('/') || value.includes('\0')) {
    throw new Error(`invalid ${what} ${JSON.stringify(value ?? '')}: must be a single path segment`);
  }
  return value;
}

/** The kubelet's on-disk layout: `<root>/pods/<uid>/{volumes,containers,etc-hosts}` and `<root>/seccomp`. */
export class PodDirs {
  constructor(readonly rootDir = defaultRootDir) {}

  podsDir(): string {
    return join(this.rootDir, 'pods');
  }

  podDir(uid: string): string {
    return join(this.podsDir(), assertPathSegment('pod UID', uid));
  }

  volumesDir(uid: string): string {
    return join(this.podDir(uid), 'volumes');
  }

  volumeDir(uid: string, kind: ManagedVolumeKind, name: string): string {
    return join(this.volumesDir(uid), volumePluginDirs[kind], assertPathSegment('volume name', name));
  }

  /** Per-container files such as termination-message files. */
  containerDir(uid: string, containerName: string): string {
    return join(this.podDir(uid), 'containers', assertPathSegment('container name', containerName));
  }

  etcHostsPath(uid: string): string {
    return join(this.podDir(uid), 'etc-hosts');
  }

  seccompProfileRoot(): string {
    return join(this.rootDir, 'seccomp');
  }
}
