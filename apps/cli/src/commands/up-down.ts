import { Command, InvalidArgumentError } from 'commander';
import { ipv4Flag } from '@skiff/client';
import { collect, commandAction } from '../command-action';
import { downCluster } from '../cluster/cluster-down';
import { ClusterPaths } from '../cluster/cluster-paths';
import { parseCIDR } from '../cluster/cluster-settings';
import { initCluster, superviseCluster, type UpOptions } from '../cluster/cluster-up';
import { initJoinedNode, superviseJoinedNode, type JoinOptions } from '../cluster/cluster-join';
import { isPostStartComponent, postStart } from '../cluster/post-start';
import { joinDetached, upDetached } from '../cluster/detached-up';

function portFlag(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a port number between 1 and 65535');
  return n;
}

function cidrFlag(v: string): string {
  if (!parseCIDR(v)) throw new InvalidArgumentError('must be an IPv4 CIDR such as 10.244.0.0/24');
  return v;
}

function durationFlag(v: string): string {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(v)) throw new InvalidArgumentError('must be a duration such as 40s or 1m30s');
  return v;
}

function bridgeFlag(v: string): string {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(v)) throw new InvalidArgumentError("must be 1-15 letters, digits, '_', '.' or '-' (a Linux interface name)");
  return v;
}

function endpointFlag(v: string): string {
  let url: URL | undefined;
  try {
    url = new URL(`https://${v}`);
  } catch {
    url = undefined;
  }
  if (!url || !url.port || url.host !== v.toLowerCase()) throw new InvalidArgumentError('must be host:port, such as 192.168.50.100:6443 or api.example.com:6443');
  return v.toLowerCase();
}

function nodeNameFlag(v: string): string {
  if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(v)) throw new InvalidArgumentError('must be a lower-case DNS name such as node-1');
  return v;
}

interface UpFlags {
  dataDir?: string;
  detach?: boolean;
  apiPort?: number;
  etcdPort?: number;
  registryPort?: number;
  nodeName?: string;
  podCidr?: string;
  advertiseAddress?: string;
  nodeMonitorGracePeriod?: string;
  cniBridge?: string;
  hollow?: boolean;
  initOnly?: boolean;
  ha?: boolean;
  controlPlaneEndpoint?: string;
}

interface JoinFlags {
  server?: string;
  token?: string;
  discoveryTokenCaCertHash?: string[];
  discoveryTokenUnsafeSkipCaVerification?: boolean;
  dataDir?: string;
  detach?: boolean;
  nodeName?: string;
  nodeIp?: string;
  registryPort?: number;
  cniBridge?: string;
  hollow?: boolean;
  initOnly?: boolean;
  controlPlane?: boolean;
  certificateKey?: string;
}

const initOnlyHelp = "prepare everything (settings, certificates, kubeconfigs), then write each component's command line to DATA_DIR/units/<component>.env for deploy/systemd's units instead of starting it";

/** Which runs the command line asks for: in this process, in the background, or none (only written down for systemd). */
function runMode(flags: { detach?: boolean; initOnly?: boolean }): 'foreground' | 'detach' | 'init-only' {
  if (flags.detach && flags.initOnly) throw new InvalidArgumentError('--detach and --init-only do not go together: --init-only starts nothing');
  return flags.initOnly ? 'init-only' : flags.detach ? 'detach' : 'foreground';
}

export function registerUpDown(program: Command): void {
  program
    .command('up')
    .description('Start a single-machine cluster (etcd, apiserver, scheduler, controller-manager, a node) and keep it running')
    .option('--data-dir <dir>', 'where the cluster keeps its data, logs and admin kubeconfig', ClusterPaths.defaultDir())
    .option('-d, --detach', 'run in the background; return once the cluster is Ready')
    .option('--api-port <port>', 'the apiserver port on 127.0.0.1 (default 6443, else the last one used)', portFlag)
    .option('--etcd-port <port>', "etcd's client port on 127.0.0.1 (default 2379)", portFlag)
    .option('--registry-port <port>', "the local image registry's port on 127.0.0.1 (default 5000)", portFlag)
    .option('--node-name <name>', 'the Node name (default: the host name)', nodeNameFlag)
    .option('--pod-cidr <cidr>', "the node's pod range (default 10.244.0.0/24)", cidrFlag)
    .option('--cni-bridge <name>', "the node's pod bridge (default skiff0)", bridgeFlag)
    .option('--advertise-address <ip>', "this machine's address other machines reach the apiserver and the node on (for `skiff join`); default: this machine only", ipv4Flag)
    .option('--node-monitor-grace-period <duration>', 'how long a node may miss heartbeats before it is NotReady (default 40s)', durationFlag)
    .option('--hollow', 'run a hollow node (pods go Running without containers) even where containers could run')
    .option('--control-plane-endpoint <host:port>', 'the one address of the apiservers when several machines run the control plane (a load balancer or DNS name in front of them); nodes and kubeconfigs use it', endpointFlag)
    .option('--ha', 'a highly available control plane: 3 members (each an etcd member, an apiserver, a scheduler and a controller-manager) behind haproxy on the apiserver port; kept by the data directory from then on')
    .option('--init-only', initOnlyHelp)
    .action(
      commandAction(async (_ctx, flags: UpFlags) => {
        const mode = runMode(flags);
        const opts: UpOptions = {
          dataDir: flags.dataDir ?? ClusterPaths.defaultDir(),
          apiPort: flags.apiPort,
          etcdPort: flags.etcdPort,
          registryPort: flags.registryPort,
          nodeName: flags.nodeName,
          podCidr: flags.podCidr,
          cniBridge: flags.cniBridge,
          advertiseAddress: flags.advertiseAddress,
          nodeMonitorGracePeriod: flags.nodeMonitorGracePeriod,
          ha: flags.ha,
          controlPlaneEndpoint: flags.controlPlaneEndpoint,
          hollow: flags.hollow,
          // From the moment this process began, as the user waits from there.
          startedAt: Math.round(performance.timeOrigin),
        };
        process.exitCode = await (mode === 'init-only' ? initCluster(opts) : mode === 'detach' ? upDetached(opts) : superviseCluster(opts));
      }),
    );

  program
    .command('join')
    .description('Join this machine to a cluster as a node: kubelet (with its containerd), proxy and image registry, supervised')
    .option('--server <url>', 'the apiserver, https://host:port (a node that joined before remembers it)')
    .option('--token <token>', 'a bootstrap token (skiff token create); not needed again while the node\'s certificate is valid')
    .option('--discovery-token-ca-cert-hash <sha256:hex>', "pin of the cluster CA's public key (repeatable)", collect, [])
    .option('--discovery-token-unsafe-skip-ca-verification', 'trust the apiserver without a CA pin (only the token vouches for it)')
    .option('--data-dir <dir>', "where the node keeps its credentials, data and logs", ClusterPaths.defaultDir())
    .option('-d, --detach', 'run in the background; return once the node is Ready')
    .option('--node-name <name>', 'the Node name (default: the host name)', nodeNameFlag)
    .option('--node-ip <ip>', 'the address the apiserver and other nodes reach this node on (default: the one this host reaches the server from)', ipv4Flag)
    .option('--registry-port <port>', "the node's local image registry port on 127.0.0.1 (default 5000)", portFlag)
    .option('--cni-bridge <name>', "the node's pod bridge (default skiff0)", bridgeFlag)
    .option('--hollow', 'run a hollow node (pods go Running without containers)')
    .option('--control-plane', "join as a control-plane machine: an etcd member, an apiserver, a scheduler and a controller-manager (leader-elected), and a node; needs --certificate-key")
    .option('--certificate-key <hex>', 'opens the cluster keys `skiff token create --print-join-command --control-plane` shared')
    .option('--init-only', initOnlyHelp)
    .action(
      commandAction(async (_ctx, flags: JoinFlags) => {
        const mode = runMode(flags);
        const opts: JoinOptions = {
          dataDir: flags.dataDir ?? ClusterPaths.defaultDir(),
          server: flags.server,
          token: flags.token,
          caCertHashes: flags.discoveryTokenCaCertHash ?? [],
          unsafeSkipCAVerification: flags.discoveryTokenUnsafeSkipCaVerification,
          nodeName: flags.nodeName,
          nodeIP: flags.nodeIp,
          registryPort: flags.registryPort,
          cniBridge: flags.cniBridge,
          hollow: flags.hollow,
          controlPlane: flags.controlPlane,
          certificateKey: flags.certificateKey,
          startedAt: Math.round(performance.timeOrigin),
        };
        if (flags.certificateKey !== undefined && !flags.controlPlane) throw new InvalidArgumentError('--certificate-key goes with --control-plane');
        process.exitCode = await (mode === 'init-only' ? initJoinedNode(opts) : mode === 'detach' ? joinDetached(opts) : superviseJoinedNode(opts));
      }),
    );

  program
    .command('down')
    .description('Stop the cluster `skiff up` (or the node `skiff join`) started (the pods keep running unless --wipe)')
    .option('--data-dir <dir>', 'the data directory given to skiff up', ClusterPaths.defaultDir())
    .option('--wipe', "also delete the node's pods, its pod network and the data directory")
    .action(
      commandAction(async (_ctx, flags: { dataDir: string; wipe?: boolean }) => {
        process.exitCode = await downCluster({ dataDir: flags.dataDir, wipe: flags.wipe });
      }),
    );

  program
    .command('post-start <component>', { hidden: true })
    .description("what a deploy/systemd unit runs once its component started (etcd: a joined member's vote; apiserver: publish cluster-info; registry: push the node's images)")
    .option('--data-dir <dir>', 'the data directory given to skiff up --init-only or skiff join --init-only', ClusterPaths.defaultDir())
    .action(
      commandAction(async (_ctx, flags: { dataDir: string }, component: string) => {
        if (!isPostStartComponent(component)) throw new InvalidArgumentError(`post-start knows etcd, apiserver and registry, not ${JSON.stringify(component)}`);
        await postStart(component, new ClusterPaths(flags.dataDir));
      }),
    );
}
