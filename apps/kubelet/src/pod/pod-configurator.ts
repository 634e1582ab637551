import type { Container, Pod } from '@skiff/api';
import type { ContainerConfig, KeyValue, PodSandboxConfig } from '@skiff/cri';
import type { PodEventSink } from '../runtime/image-puller';
import type { PodDirs } from '../volumes/pod-dirs';
import type { ContainerConfigInputs, PodRuntimeConfig } from '../worker/sync-deps';
import { buildContainerConfig } from './container-config';
import { makeEnvironment } from './container-env';
import { etcHostsMount } from './etc-hosts';
import type { PodObjectSource } from './object-source';
import { buildSandboxConfig, type SandboxOptions } from './sandbox-config';
import { prepareTerminationMessageFile } from './termination-message';

export interface PodConfiguratorOptions extends Omit<SandboxOptions, 'attempt' | 'onWarning'> {
  dirs: PodDirs;
  objects: PodObjectSource;
  nodeIPs: string[];
  nodeMemoryCapacity: () => number;
  record: PodEventSink;
}

/**
 * The kubelet's pod → CRI translation put together: sandbox config, environment (with warnings as events), and
 * container config with the volume mounts plus the kubelet-managed /etc/hosts and termination-message files.
 */
export class PodConfigurator implements PodRuntimeConfig {
  constructor(private readonly o: PodConfiguratorOptions) {}

  /** Warnings already reported, per pod uid: the sandbox config is rebuilt on every sync. */
  private readonly warned = new Map<string, Set<string>>();

  sandboxConfig(pod: Pod, attempt: number): PodSandboxConfig {
    return buildSandboxConfig(pod, { ...this.o, attempt, onWarning: (w) => this.warnOnce(pod, w.reason, w.message) });
  }

  forgetPod(uid: string): void {
    this.warned.delete(uid);
  }

  private warnOnce(pod: Pod, reason: string, message: string): void {
    const uid = pod.metadata.uid!;
    const seen = this.warned.get(uid) ?? new Set<string>();
    this.warned.set(uid, seen);
    if (seen.has(`${reason}|${message}`)) return;
    seen.add(`${reason}|${message}`);
    this.o.record(pod, 'Warning', reason, message);
  }

  async environment(pod: Pod, container: Container, podIP: string | undefined): Promise<KeyValue[]> {
    const env = await makeEnvironment(pod, container, this.o.objects, { podIPs: podIP ? [podIP] : [], hostIPs: this.o.nodeIPs });
    for (const w of env.warnings) this.o.record(pod, 'Warning', w.reason, w.message);
    return env.envs;
  }

  async containerConfig(pod: Pod, container: Container, opts: ContainerConfigInputs): Promise<ContainerConfig> {
    const mounts = [...opts.mounts];
    const hosts = await etcHostsMount(this.o.dirs, pod, container, { podIPs: opts.podIP ? [opts.podIP] : [], clusterDomain: this.o.clusterDomain });
    if (hosts) mounts.push(hosts);
    const termination = await prepareTerminationMessageFile(this.o.dirs, pod, container, opts.attempt);
    if (termination) mounts.push(termination);
    return buildContainerConfig(pod, container, { attempt: opts.attempt, imageRef: opts.imageRef, imageUser: opts.imageUser, envs: opts.envs, mounts, nodeMemoryCapacity: this.o.nodeMemoryCapacity() });
  }
}
