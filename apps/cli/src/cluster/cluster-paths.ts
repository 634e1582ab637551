import os from 'node:os';
import path from 'node:path';

/** Where `skiff up` keeps a cluster: everything lives under one data directory, so `skiff down --wipe` is one rm. */
export class ClusterPaths {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** `~/.skiff`, unless `--data-dir` says otherwise. */
  static defaultDir(): string {
    return path.join(os.homedir(), '.skiff');
  }

  /** The supervisor's PID, while one runs. */
  get pidFile(): string {
    return path.join(this.dir, 'skiff.pid');
  }

  /** What the running supervisor reports: its phase, the components' PIDs (see supervisor-status.ts). */
  get statusFile(): string {
    return path.join(this.dir, 'status.json');
  }

  /** The cluster's lasting settings: ports, node name, pod CIDR (see cluster-settings.ts). */
  get settingsFile(): string {
    return path.join(this.dir, 'cluster.json');
  }

  get adminKubeconfig(): string {
    return path.join(this.dir, 'admin.kubeconfig');
  }

  /** Kubeconfigs of the components, one per client identity. */
  get kubeconfigDir(): string {
    return path.join(this.dir, 'kubeconfigs');
  }

  get logDir(): string {
    return path.join(this.dir, 'logs');
  }

  log(component: string): string {
    return path.join(this.logDir, `${component}.log`);
  }

  /** The detached supervisor's own output. */
  get supervisorLog(): string {
    return this.log('supervisor');
  }

  get etcdDataDir(): string {
    return path.join(this.dir, 'etcd');
  }

  /** The data of one etcd member of `skiff up --ha` (etcd-1, etcd-2, ...). */
  etcdMemberDataDir(member: string): string {
    return path.join(this.dir, member);
  }

  /** The load balancer's configuration, in front of the apiservers of `skiff up --ha`. */
  get apiserverFrontDir(): string {
    return path.join(this.dir, 'apiserver-front');
  }

  get registryDir(): string {
    return path.join(this.dir, 'registry');
  }

  /** The kubelet's --root-dir; its managed containerd lives in `containerd/` below it. */
  get kubeletRootDir(): string {
    return path.join(this.dir, 'kubelet');
  }

  get containerdDir(): string {
    return path.join(this.kubeletRootDir, 'containerd');
  }

  get podLogsDir(): string {
    return path.join(this.dir, 'pod-logs');
  }
}

/** The repository this CLI runs from: apps/cli/{src,dist}/cluster/ is four levels below it. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** The start script of one of the workspace's programs, e.g. `programScript('apiserver')`. */
export function programScript(app: 'apiserver' | 'scheduler' | 'controller-manager' | 'kubelet' | 'proxy'): string {
  return path.join(path.dirname(require.resolve(`@skiff/${app}/package.json`)), 'bin', `skiff-${app}.js`);
}

/** A script of the repository's tools/ folder (the node runtime check, the image builder). */
export function toolScript(relative: string): string {
  return path.join(repoRoot, 'tools', relative);
}
