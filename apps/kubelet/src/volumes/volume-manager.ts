import { chmod, mkdir, readdir, realpath, rm } from 'node:fs/promises';
import type { Container, Pod, Volume } from '@skiff/api';
import type { KeyValue, Mount, MountPropagation } from '@skiff/cri';
import type { Logger } from '@skiff/logging';
import { ContainerConfigError } from '../pod/errors';
import type { PodObjectSource } from '../pod/object-source';
import type { PodWarning } from '../pod/warnings';
import { writeAtomically, type Payload } from './atomic-writer';
import { setUpEmptyDir } from './empty-dir';
import { VolumeSetUpError, type VolumeFailure } from './errors';
import { checkHostPath } from './host-path';
import { LinuxMounter, type Mounter } from './mounter';
import { PodDirs, type ManagedVolumeKind } from './pod-dirs';
import { configMapPayload, defaultFileMode, downwardAPIPayload, projectedPayload, secretPayload } from './projection';
import type { ServiceAccountTokens } from './service-account-tokens';
import { expandSubPathExpr, prepareSubPath } from './subpath';

export interface VolumeManagerOptions {
  /** The kubelet's directory layout; default `new PodDirs(rootDir)`. */
  dirs?: PodDirs;
  /** The kubelet's root directory when `dirs` is not given; pods live under `<rootDir>/pods`. Default /var/lib/kubelet. */
  rootDir?: string;
  objects: PodObjectSource;
  /** Service-account tokens for projected serviceAccountToken sources; without it such volumes fail to set up. */
  tokens?: ServiceAccountTokens;
  mounter?: Mounter;
  /** Whether tmpfs can be mounted (memory-backed emptyDirs); default: when running as root. */
  canMount?: boolean;
  /** Told once per pod and volume about things worth a Warning event; logged when not given. */
  onWarning?: (pod: Pod, warning: PodWarning) => void;
  logger?: Logger;
}

type VolumeKind = 'hostPath' | ManagedVolumeKind;
const projectedKinds: ReadonlySet<VolumeKind> = new Set(['configMap', 'secret', 'downwardAPI', 'projected']);
const unsupportedSources = ['persistentVolumeClaim', 'nfs', 'csi', 'ephemeral', 'image'] as const;

/** The kind of a volume; a volume that names no source is an emptyDir, as defaulting makes it. */
function volumeKind(v: Volume): VolumeKind {
  for (const k of ['hostPath', 'emptyDir', 'configMap', 'secret', 'downwardAPI', 'projected'] as const) if (v[k]) return k;
  const unsupported = unsupportedSources.find((k) => v[k]);
  if (unsupported) throw new Error(`${unsupported} volumes are not supported by this kubelet`);
  return 'emptyDir';
}

const propagationModes: Record<string, MountPropagation> = {
  None: 'PROPAGATION_PRIVATE',
  HostToContainer: 'PROPAGATION_HOST_TO_CONTAINER',
  Bidirectional: 'PROPAGATION_BIDIRECTIONAL',
};

/**
 * A node's pod volumes: makes them under `<rootDir>/pods/<uid>/volumes/<plugin>/<name>` (hostPath volumes are
 * checked and used in place), keeps configMap, secret, downwardAPI and projected content current with the
 * atomic writer, turns a container's volumeMounts into CRI mounts, and removes it all when the pod is gone.
 * Secret content is written to disk like configmaps (no tmpfs). Each set-up pass re-projects content, so a
 * service-account token the token cache has refreshed reaches the pod's files on the next pass.
 */
export class VolumeManager {
  readonly dirs: PodDirs;
  private readonly mounter: Mounter;
  private readonly canMount: boolean;
  private readonly warned = new Set<string>();

  constructor(private readonly opts: VolumeManagerOptions) {
    this.dirs = opts.dirs ?? new PodDirs(opts.rootDir);
    this.mounter = opts.mounter ?? new LinuxMounter();
    this.canMount = opts.canMount ?? process.getuid?.() === 0;
  }

  /**
   * Makes every volume of the pod ready and returns volume name → host path. Idempotent: run again it re-checks
   * hostPaths and re-projects content that changed. Throws VolumeSetUpError naming each volume that failed.
   */
  async setUpPod(pod: Pod): Promise<Map<string, string>> {
    return this.setUp(pod, false);
  }

  /** Re-projects the configMap, secret, downwardAPI and projected volumes of a set-up pod whose sources may have changed. */
  async refresh(pod: Pod): Promise<void> {
    await this.setUp(pod, true);
  }

  private async setUp(pod: Pod, projectionsOnly: boolean): Promise<Map<string, string>> {
    const uid = pod.metadata.uid ?? '';
    await mkdir(this.dirs.volumesDir(uid), { recursive: true, mode: 0o750 });
    const mountPoints = projectionsOnly ? [] : await this.mounter.mountPoints();
    const paths = new Map<string, string>();
    const failures: VolumeFailure[] = [];
    for (const v of pod.spec.volumes ?? []) {
      try {
        const kind = volumeKind(v);
        if (projectionsOnly && !projectedKinds.has(kind)) continue;
        paths.set(v.name, await this.setUpVolume(pod, v, kind, mountPoints));
      } catch (err) {
        failures.push({ volume: v.name, message: (err as Error).message });
      }
    }
    if (failures.length) throw new VolumeSetUpError(failures);
    return paths;
  }

  private async setUpVolume(pod: Pod, v: Volume, kind: VolumeKind, mountPoints: string[]): Promise<string> {
    const uid = pod.metadata.uid ?? '';
    if (kind === 'hostPath') {
      await checkHostPath(v.hostPath!.path, v.hostPath!.type);
      return v.hostPath!.path;
    }
    const dir = this.dirs.volumeDir(uid, kind, v.name);
    if (kind === 'emptyDir') {
      await setUpEmptyDir(dir, v.emptyDir ?? {}, {
        mounter: this.mounter,
        canMount: this.canMount,
        mountPoints,
        onFallback: (message) => this.warnOnce(pod, v.name, { reason: 'FailedMount', message: `volume "${v.name}": ${message}` }),
      });
      return dir;
    }
    const payload = await this.payload(pod, v, kind);
    await mkdir(dir, { recursive: true, mode: 0o750 });
    await chmod(dir, 0o777);
    await writeAtomically(dir, payload);
    return dir;
  }

  private async payload(pod: Pod, v: Volume, kind: VolumeKind): Promise<Payload> {
    const source = this.opts.objects;
    const namespace = pod.metadata.namespace ?? 'default';
    switch (kind) {
      case 'configMap':
        return configMapPayload(source, namespace, v.configMap!, v.configMap!.defaultMode ?? defaultFileMode);
      case 'secret': {
        const s = v.secret!;
        return secretPayload(source, namespace, { name: s.secretName, items: s.items, optional: s.optional }, s.defaultMode ?? defaultFileMode);
      }
      case 'downwardAPI':
        return downwardAPIPayload(pod, v.downwardAPI!.items, v.downwardAPI!.defaultMode ?? defaultFileMode, source.nodeAllocatable());
      default:
        return projectedPayload(pod, source, v.projected!.sources, v.projected!.defaultMode ?? defaultFileMode, this.opts.tokens);
    }
  }

  private warnOnce(pod: Pod, volume: string, warning: PodWarning): void {
    const key = `${pod.metadata.uid}/${volume}/${warning.reason}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    if (this.opts.onWarning) this.opts.onWarning(pod, warning);
    else this.opts.logger?.warn(warning.message, { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, reason: warning.reason });
  }

  /** Unmounts whatever is mounted under the pod's directory (tmpfs emptyDirs), then removes the directory. */
  async tearDownPod(podUid: string): Promise<void> {
    const podDir = this.dirs.podDir(podUid);
    let real: string;
    try {
      real = await realpath(podDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const mounted = (await this.mounter.mountPoints()).filter((p) => p === real || p.startsWith(real + '/'));
    for (const p of mounted.sort((a, b) => b.length - a.length)) await this.mounter.unmount(p);
    await rm(podDir, { recursive: true, force: true });
    this.opts.tokens?.forgetPod(podUid);
    for (const key of this.warned) if (key.startsWith(`${podUid}/`)) this.warned.delete(key);
  }

  /** The UIDs of the pods that have a directory on this node (for removing those of pods that are gone). */
  async podUidsOnDisk(): Promise<string[]> {
    try {
      return (await readdir(this.dirs.podsDir(), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /**
   * The CRI mounts for a container's volumeMounts: read-only when asked or when the volume is projected content,
   * subPath (or subPathExpr, expanded from `envs`) resolved inside the volume and created when missing, and
   * mount propagation translated. Throws ContainerConfigError (CreateContainerConfigError) for a bad mount.
   */
  mountsFor(pod: Pod, container: Container, volumePaths: Map<string, string>, envs: KeyValue[] = []): Mount[] {
    const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
    const env = new Map(envs.map((e) => [e.key, e.value]));
    return (container.volumeMounts ?? []).map((m) => {
      const volume = volumes.get(m.name);
      const path = volumePaths.get(m.name);
      if (!volume || path === undefined) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${container.name}"`);
      const subPath = m.subPathExpr ? expandSubPathExpr(m.subPathExpr, env) : (m.subPath ?? '');
      const hostPath = subPath ? prepareSubPath(path, subPath, m.name, container.name) : path;
      const propagation = propagationModes[m.mountPropagation ?? 'None'];
      if (!propagation) throw new ContainerConfigError(`invalid MountPropagation mode: "${m.mountPropagation}"`);
      if (m.recursiveReadOnly === 'Enabled') {
        throw new ContainerConfigError('failed to resolve recursive read-only mode: the container runtime does not support recursive read-only mounts');
      }
      let kind: VolumeKind;
      try {
        kind = volumeKind(volume);
      } catch (err) {
        throw new ContainerConfigError((err as Error).message);
      }
      return { containerPath: m.mountPath, hostPath, readonly: !!m.readOnly || projectedKinds.has(kind), propagation };
    });
  }
}
