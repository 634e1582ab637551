import fs from 'node:fs';
import path from 'node:path';
import { HttpKubeClient, loadClientConfig } from '@skiff/client';
import { clusterInfoServer, readEtcdHealthcheckTls } from './cluster-access';
import { registryUrl } from './cluster-components';
import { publishClusterInfo } from './cluster-info';
import type { ClusterPaths } from './cluster-paths';
import { ClusterProgress } from './cluster-progress';
import { readSettings } from './cluster-settings';
import { pushNodeImages } from './cluster-up';
import { promoteJoinedEtcdMember, publishEtcdEndpoints } from './control-plane-join';
import { controlPlaneMembers, etcdClientUrl } from './control-plane-members';
import { waitForApiserverReady, waitForHttpOk } from './readiness';
import type { ProcessRun } from './supervisor';
import { postStartComponents } from './unit-env';

export type PostStartComponent = (typeof postStartComponents)[number];

export function isPostStartComponent(name: string): name is PostStartComponent {
  return (postStartComponents as readonly string[]).includes(name);
}

/** How long a unit's component may take to serve; systemd's TimeoutStartSec bounds the whole start as well. */
const serveTimeoutMs = 5 * 60_000;

/** The readiness checks take a supervised run; under systemd nothing here watches the process, only its deadline counts. */
function unitRun(name: string): ProcessRun {
  return { name, pid: -1, logFile: '', logOffset: 0, exited: new AbortController().signal };
}

/**
 * `skiff post-start <component>`, the ExecStartPost of a deploy/systemd unit: waits until the component serves, then
 * takes the step `skiff up`/`skiff join` takes at that point — a joined etcd member's promotion once it serves,
 * kube-public/cluster-info and the etcd endpoint once the apiserver is ready, the node's images once its registry is.
 */
export async function postStart(component: PostStartComponent, paths: ClusterPaths): Promise<void> {
  const settings = readSettings(paths);
  if (!settings) throw new Error(`no cluster in ${paths.dir} (no ${paths.settingsFile}); \`skiff up --init-only\` or \`skiff join --init-only\` makes one`);
  const report = new ClusterProgress(Date.now());
  if (component === 'registry') {
    await waitForHttpOk(unitRun(component), `${registryUrl(settings)}/v2/`, serveTimeoutMs);
    await pushNodeImages(settings, report);
    return;
  }
  if (settings.joined) throw new Error(`${paths.dir} is a joined node: it runs no ${component}`);
  const members = controlPlaneMembers(settings, paths);
  if (component === 'etcd') {
    const tls = readEtcdHealthcheckTls(paths);
    await waitForHttpOk(unitRun(component), `${etcdClientUrl(members[0])}/version`, serveTimeoutMs, tls);
    await promoteJoinedEtcdMember(paths, settings, tls, report);
    return;
  }
  const admin = new HttpKubeClient(loadClientConfig({ kubeconfigPath: paths.adminKubeconfig }), { requestTimeoutMs: 5000, userAgent: 'skiff-post-start' });
  try {
    await waitForApiserverReady(unitRun(component), admin, serveTimeoutMs);
    const caPem = fs.readFileSync(path.join(paths.dir, 'pki', 'ca.crt'), 'utf8');
    const server = clusterInfoServer(settings);
    report.print(`kube-public/cluster-info ${await publishClusterInfo(admin, { server, caPem })} (${server})`);
    await publishEtcdEndpoints(admin, members);
  } finally {
    admin.close();
  }
}
