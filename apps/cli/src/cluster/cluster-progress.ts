import { ProgressLine } from '../progress-line';
import { dataDirFlag } from './data-dir-flag';
import type { ControlPlaneMember } from './control-plane-members';
import type { ClusterPaths } from './cluster-paths';
import type { NodeRuntime } from './node-runtime';
import type { SupervisorEvent } from './supervisor';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function clockTime(): string {
  return new Date().toTimeString().slice(0, 8);
}

/**
 * What `skiff up` tells its user: one lasting line per component as it becomes ready (timed from the command's start),
 * on a terminal a redrawn line of what is still starting, one line per crash and restart, the stops, and how to use
 * the cluster once it is Ready.
 */
export class ClusterProgress {
  private readonly pending = new Set<string>();

  constructor(
    private readonly startedAt: number,
    private readonly progress = new ProgressLine(),
    private readonly interactive = Boolean(process.stdout.isTTY),
  ) {}

  print(line: string): void {
    this.progress.print(line);
  }

  clear(): void {
    this.progress.clear();
  }

  /** A step that is not a process (pushing the images) begins or ends. */
  stepStarted(name: string): void {
    this.pending.add(name);
    this.showPending();
  }

  stepDone(name: string, word: string, extra = ''): void {
    this.pending.delete(name);
    this.milestone(name, word, extra);
    this.showPending();
  }

  onEvent(e: SupervisorEvent): void {
    if (e.type === 'started') {
      if (e.restarts === 0) this.pending.add(e.name);
      this.showPending();
    } else if (e.type === 'ready') {
      this.pending.delete(e.name);
      if (e.restarts === 0) this.milestone(e.name, 'ready');
      else this.print(`${clockTime()} ${e.name} is running again (pid ${e.pid})`);
      this.showPending();
    } else if (e.type === 'exited') {
      this.print(`${clockTime()} ${e.name} (pid ${e.pid}) ${e.how} after ${seconds(e.ranForMs)}; restarting it in ${seconds(e.restartInMs ?? 0)} (log: ${e.logFile})`);
    } else if (e.type === 'unready') {
      this.print(`${clockTime()} ${e.name} (pid ${e.pid}) did not become ready after its restart (${e.error}); killing it`);
    } else if (e.type === 'stopped') {
      this.print(`  stopped ${e.name}${e.killed ? ' (killed: it did not exit in time)' : ''}`);
    }
  }

  ready(o: { paths: ClusterPaths; nodeName: string; runtime: NodeRuntime; apiServer: string; registry: string; members: readonly ControlPlaneMember[]; detached: boolean }): void {
    this.progress.clear();
    const node = o.runtime.kind === 'containerd' ? `containerd; images come from the local registry ${o.registry}` : `hollow: ${o.runtime.why}`;
    const several = o.members.length > 1;
    const lines = [
      `Ready in ${seconds(Date.now() - this.startedAt)}.`,
      `  node:       ${o.nodeName} (${node})`,
      `  apiserver:  ${o.apiServer}${several ? ` (haproxy in front of ${o.members.length} apiservers on ports ${o.members.map((m) => m.apiPort).join(', ')})` : ''}`,
      ...(several ? [`  members:    ${o.members.length}, each an etcd member, an apiserver, a scheduler and a controller-manager (the last two elect a leader)`] : []),
      `  logs:       ${o.paths.logDir}/`,
      '',
      'Use it with kubectl or skiff and the admin kubeconfig:',
      `  export KUBECONFIG=${o.paths.adminKubeconfig}`,
      '  kubectl get nodes                 # or: skiff get nodes',
      '  kubectl run web --image=busybox -- httpd -f -p 8080',
      '',
    ];
    if (!o.detached) lines.push(`Ctrl-C (or \`skiff down${dataDirFlag(o.paths)}\`) stops the cluster; the pods keep running and the next \`skiff up\` adopts them.`);
    for (const line of lines) this.print(line);
  }

  /** A joined node is Ready: where it runs, and where to look at it from. */
  joined(o: { paths: ClusterPaths; nodeName: string; runtime: NodeRuntime; apiServer: string; detached: boolean }): void {
    this.progress.clear();
    const node = o.runtime.kind === 'containerd' ? 'containerd' : `hollow: ${o.runtime.why}`;
    const lines = [
      `Joined in ${seconds(Date.now() - this.startedAt)}: node ${o.nodeName} is Ready (${node}).`,
      `  apiserver:  ${o.apiServer}`,
      `  logs:       ${o.paths.logDir}/`,
      '',
      'See it from the control plane: kubectl get nodes -o wide',
    ];
    if (!o.detached) lines.push(`Ctrl-C (or \`skiff down${dataDirFlag(o.paths)}\`) stops the node's kubelet and proxy; the pods keep running and the next \`skiff join${dataDirFlag(o.paths)}\` adopts them.`);
    for (const line of lines) this.print(line);
  }

  private milestone(what: string, word: string, extra = ''): void {
    this.print(`  ${what.padEnd(20)} ${word.padEnd(6)}  ${seconds(Date.now() - this.startedAt)}${extra}`);
  }

  /** The line of what is still starting is redrawn on a terminal; a log (the detached supervisor's) gets only lasting lines. */
  private showPending(): void {
    if (!this.interactive) return;
    if (this.pending.size) this.progress.update(`Starting ${[...this.pending].join(', ')}...`);
    else this.progress.clear();
  }
}
