import fs from 'node:fs';
import path from 'node:path';
import { HttpKubeClient, loadClientConfig } from '@skiff/client';
import { out } from '../command-action';
import { ClusterPaths } from './cluster-paths';
import { readSettings } from './cluster-settings';
import { dataDirFlag } from './data-dir-flag';
import { nodeCgroupRoot } from './cluster-components';
import { drainNodeForWipe, removeNodeCgroups, removeCniResults, removeLeftoverSandboxes, removePodNetwork, removeProxyState, stopNodeRuntimeProcesses, unmountBelow } from './node-teardown';
import { leaveControlPlane } from './control-plane-join';
import { runningPid } from './pid-file';
import { identify, stillRunning, terminateProcess } from './process-identity';
import { readStatus } from './supervisor-status';

export interface DownOptions {
  dataDir: string;
  /** Also remove the pods, the node's network and the data directory. */
  wipe?: boolean;
  /** How long the supervisor gets to stop its components before it and they are killed. */
  timeoutMs?: number;
  /** How long a component still running after that gets between SIGTERM and SIGKILL. */
  componentTimeoutMs?: number;
}

/** A data directory `skiff up` or `skiff join` made: `--wipe` deletes nothing else. */
function looksLikeClusterDir(paths: ClusterPaths): boolean {
  return fs.existsSync(paths.settingsFile) || fs.existsSync(paths.statusFile) || fs.existsSync(paths.pidFile);
}

/**
 * `skiff down`: stops the supervisor by its PID (it stops the components, kubelet first), waits until every
 * component it recorded is gone, killing what outlives the wait. With `wipe`, first deletes the node's pods so their
 * sandboxes and networks go, and afterwards removes what is left on the host and the data directory.
 */
export async function downCluster(opts: DownOptions): Promise<number> {
  const paths = new ClusterPaths(opts.dataDir);
  if (!fs.existsSync(paths.dir)) {
    out.stdout(`Nothing to stop: ${paths.dir} does not exist.\n`);
    return 0;
  }
  if (opts.wipe && !looksLikeClusterDir(paths)) {
    out.stderr(`error: ${paths.dir} is not a skiff up or skiff join data directory (no ${paths.settingsFile}); not deleting it\n`);
    return 1;
  }
  const status = readStatus(paths);
  const settings = readSettings(paths);
  const pid = runningPid(paths.pidFile);
  const command = settings?.joined ? 'skiff join' : 'skiff up';
  const realNode = status?.node?.runtime === 'containerd';
  const problems: string[] = [];
  const attempt = async (what: string, step: () => Promise<unknown> | unknown) => {
    try {
      await step();
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message}`);
    }
  };

  if (opts.wipe && pid !== undefined && realNode && settings && status?.phase === 'ready') {
    out.stdout(`Deleting the pods of node ${settings.nodeName}...\n`);
    // A joined node has no admin credentials: it deletes its pods as the node, which NodeRestriction allows.
    const kubeconfigPath = settings.joined ? path.join(paths.kubeconfigDir, 'kubelet.kubeconfig') : paths.adminKubeconfig;
    // What the kubelet does not remove in time is removed through containerd below.
    await (async () => {
      const client = new HttpKubeClient(loadClientConfig({ kubeconfigPath }), { requestTimeoutMs: 10_000, userAgent: 'skiff-down' });
      try {
        await drainNodeForWipe(client, paths, settings.nodeName);
      } finally {
        client.close();
      }
    })().catch((e: Error) => out.stdout(`note: ${e.message}; removing what is left through containerd\n`));
  }

  // A control-plane machine of several leaves etcd (and the list of members to join through) before its data goes.
  if (opts.wipe && pid !== undefined && settings && !settings.joined && status?.phase === 'ready') {
    for (const note of await leaveControlPlane(paths, settings)) out.stdout(`${note}\n`);
  }

  if (pid !== undefined) {
    out.stdout(`Stopping ${command} (pid ${pid}) on ${paths.dir}...\n`);
    const id = identify(pid);
    if (id) {
      const how = await terminateProcess(id, opts.timeoutMs ?? 120_000);
      if (how === 'killed') problems.push(`the supervisor (pid ${pid}) did not stop in time and was killed`);
    }
  } else {
    out.stdout(`${command} is not running on ${paths.dir}.\n`);
  }
  for (const [name, id] of Object.entries(readStatus(paths)?.components ?? {})) {
    if (!stillRunning(id)) continue;
    out.stdout(`stopping ${name} (pid ${id.pid}), still running\n`);
    await attempt(`stopping ${name}`, () => terminateProcess(id, opts.componentTimeoutMs ?? 10_000));
  }

  if (opts.wipe) {
    if (settings && (realNode || fs.existsSync(paths.containerdDir))) {
      let sandboxes: string[] = [];
      await attempt('removing leftover sandboxes', async () => (sandboxes = await removeLeftoverSandboxes(paths)));
      await attempt('stopping containerd and shims', () => stopNodeRuntimeProcesses(paths));
      await attempt('unmounting', () => unmountBelow(paths.dir));
      await attempt('removing the pod network', () => removePodNetwork(settings));
      await attempt("removing the node's cgroups", () => removeNodeCgroups(nodeCgroupRoot(settings)));
      removeCniResults(sandboxes);
      await attempt("removing the proxy's rules", () => {
        const { skippedFor } = removeProxyState(settings);
        if (skippedFor) out.stdout(`note: another skiff-proxy runs on this host (pid ${skippedFor.join(', ')}), so the iptables chains all skiff-proxies share stay in place\n`);
      });
    }
    if (problems.length === 0) {
      fs.rmSync(paths.dir, { recursive: true, force: true });
      out.stdout(`Deleted ${paths.dir}.\n`);
    }
  } else if (pid !== undefined) {
    out.stdout(`Stopped. The pods keep running and the next \`${command}${dataDirFlag(paths)}\` adopts them; the data stays in ${paths.dir} (\`skiff down --wipe\` deletes it).\n`);
  }
  if (problems.length) {
    out.stderr(`error: ${problems.join('; ')}${opts.wipe ? `; ${paths.dir} was kept` : ''}\n`);
    return 1;
  }
  return 0;
}
