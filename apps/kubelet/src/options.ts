import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Taint } from '@skiff/api';
import { boolFlag, dnsNameFlag, durationFlag, parseProgramFlags, portFlag, UsageError, verbosityFlag, wholeNumberFlag } from '@skiff/client';
import { kubeletServingFromFlags, type KubeletServing } from './server/kubelet-serving-options';

export { UsageError };

export type RuntimeKind = 'containerd-managed' | 'remote' | 'fake';

export interface KubeletOptions {
  kubeconfig?: string;
  nodeName: string;
  nodeIP?: string;
  address: string;
  port: number;
  rootDir: string;
  podLogsDir: string;
  /** `--cgroup-root`: pods go under `<root>/kubepods`; '' is the top of the hierarchy. */
  cgroupRoot: string;
  /** `--cni-masquerade`: whether the pod bridge masquerades traffic leaving the node's pod range. */
  cniMasquerade: boolean;
  runtime: RuntimeKind;
  containerRuntimeEndpoint: string;
  /** Registry that the managed containerd mirrors docker.io and registry.k8s.io to, e.g. http://127.0.0.1:5000. */
  registryMirror?: string;
  sandboxImage: string;
  podCIDR?: string;
  cniBridge: string;
  clusterDNS: string[];
  clusterDomain: string;
  maxPods: number;
  nodeLabels: Record<string, string>;
  registerWithTaints: Taint[];
  podManifestPath?: string;
  hollowNodes: number;
  nodeStatusUpdateFrequencyMs: number;
  syncFrequencyMs: number;
  verbosity: number;
  /** The kubelet API's certificate, authentication and authorization (`--tls-cert-file` and the flags around it). */
  serving: KubeletServing;
  /** The unauthenticated plain `/healthz` port on `healthzBindAddress`; 0 turns it off. */
  healthzPort: number;
  healthzBindAddress: string;
}

function ipv4Flag(v: string): string {
  if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(v) || v.split('.').some((p) => Number(p) > 255)) throw new InvalidArgumentError('must be an IPv4 address');
  return v;
}

function cgroupPathFlag(v: string): string {
  if (v !== '' && !/^(\/[A-Za-z0-9_.-]+)+\/?$/.test(v)) throw new InvalidArgumentError('must be an absolute cgroup path such as /skiff/node-1 (letters, digits, _ . -)');
  return v.replace(/\/+$/, '');
}

function cidrFlag(v: string): string {
  const [ip, bits] = v.split('/');
  if (bits === undefined || !/^\d+$/.test(bits) || Number(bits) > 32) throw new InvalidArgumentError('must be an IPv4 CIDR such as 10.244.1.0/24');
  ipv4Flag(ip);
  return v;
}

function ipListFlag(v: string): string[] {
  return v
    .split(',')
    .filter(Boolean)
    .map((ip) => ipv4Flag(ip.trim()));
}

function labelsFlag(v: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of v.split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`"${pair}" is not key=value`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function taintsFlag(v: string): Taint[] {
  return v
    .split(',')
    .filter(Boolean)
    .map((t) => {
      const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(t);
      if (!m) throw new InvalidArgumentError(`"${t}" is not key[=value]:Effect (NoSchedule, PreferNoSchedule or NoExecute)`);
      return { key: m[1], ...(m[2] !== undefined ? { value: m[2] } : {}), effect: m[3] as Taint['effect'] };
    });
}

function endpointFlag(v: string): string {
  const p = v.startsWith('unix://') ? v.slice('unix://'.length) : v;
  if (!path.isAbsolute(p)) throw new InvalidArgumentError('must be unix:///absolute/path.sock');
  return `unix://${p}`;
}

export function kubeletCommand(): Command {
  return new Command('skiff-kubelet')
    .description('The Skiff kubelet: registers this node and runs the pods bound to it through a CRI runtime')
    .option('--kubeconfig <path>', 'kubeconfig to reach the apiserver (default: KUBECONFIG, then ~/.kube/config)')
    .option('--hostname-override <name>', 'the Node name (default: the host name)', dnsNameFlag('node name'))
    .option('--node-ip <ip>', 'the address other nodes and the apiserver reach this node on (default: the first non-loopback IPv4)', ipv4Flag)
    .option('--address <ip>', 'address the kubelet server (logs, exec, stats) listens on', ipv4Flag, '0.0.0.0')
    .option('--port <port>', 'port of the kubelet server (0 picks a free one)', portFlag, 10250)
    .option('--root-dir <dir>', 'where pod volumes and kubelet state live', '/var/lib/kubelet')
    .option('--cgroup-root <path>', 'the cgroup pods are placed under (as <path>/kubepods/...); several kubelets on one machine each need their own', cgroupPathFlag, '')
    .option('--pod-logs-dir <dir>', 'where container logs are written', '/var/log/pods')
    .addOption(new Option('--runtime <kind>', 'containerd-managed: start our own containerd; remote: use --container-runtime-endpoint; fake: hollow node').choices(['containerd-managed', 'remote', 'fake']).default('containerd-managed'))
    .option('--container-runtime-endpoint <endpoint>', 'CRI socket for --runtime=remote', endpointFlag, 'unix:///run/containerd/containerd.sock')
    .option('--registry-mirror <url>', 'registry the managed containerd pulls docker.io and registry.k8s.io images from (e.g. http://127.0.0.1:5000)')
    .option('--pod-infra-container-image <image>', 'the pause image for pod sandboxes', 'registry.k8s.io/pause:3.9')
    .option('--pod-cidr <cidr>', "this node's pod CIDR (default: the one the node IPAM controller assigns)", cidrFlag)
    .option('--cni-masquerade <bool>', "whether the pod bridge masquerades what pods send outside the node's pod range (turn off where skiff-proxy masquerades only traffic leaving the cluster range)", boolFlag, true)
    .option('--cni-bridge <name>', 'name of the pod bridge the CNI config creates', 'skiff0')
    .option('--cluster-dns <ips>', 'DNS server addresses for pods with dnsPolicy ClusterFirst', ipListFlag, [])
    .option('--cluster-domain <domain>', 'the cluster DNS domain', dnsNameFlag('domain'), 'cluster.local')
    .option('--max-pods <n>', 'pods this node accepts', wholeNumberFlag(1), 110)
    .option('--node-labels <k=v,...>', 'labels added to the Node at registration', labelsFlag, {})
    .option('--register-with-taints <k=v:Effect,...>', 'taints the Node is created with', taintsFlag, [])
    .option('--pod-manifest-path <dir>', 'a directory of static pod manifests to run and mirror to the apiserver')
    .option('--hollow-nodes <n>', 'with --runtime=fake: run this many hollow nodes in this process (named <hostname-override>-N)', wholeNumberFlag(1), 1)
    .option('--node-status-update-frequency <duration>', 'how often the node lease is renewed and the status recomputed', durationFlag, 10_000)
    .option('--sync-frequency <duration>', 'how often every pod is re-synced with the runtime', durationFlag, 10_000)
    .option('--tls-cert-file <file>', 'PEM serving certificate of the kubelet API; without it the API is plain HTTP with no authentication')
    .option('--tls-private-key-file <file>', 'PEM private key of --tls-cert-file')
    .option('--client-ca-file <file>', 'PEM CA that client certificates are verified against (CN user, O groups)')
    .option('--anonymous-auth <bool>', 'whether requests without a client certificate act as system:anonymous (default: false with --client-ca-file, else true)', boolFlag)
    .option('--authentication-token-webhook [bool]', 'check bearer tokens (ServiceAccount tokens) with a TokenReview to the apiserver', boolFlag)
    .option('--authentication-token-webhook-cache-ttl <duration>', 'how long a TokenReview answer is reused', durationFlag, 120_000)
    .option('--authorization-mode <mode>', 'AlwaysAllow, or Webhook: a SubjectAccessReview to the apiserver per request (nodes/<node>/proxy|stats|metrics|log|spec)', 'AlwaysAllow')
    .option('--authorization-webhook-cache-authorized-ttl <duration>', 'how long an allowed Webhook answer is reused', durationFlag, 300_000)
    .option('--authorization-webhook-cache-unauthorized-ttl <duration>', 'how long a refused Webhook answer is reused', durationFlag, 30_000)
    .option('--healthz-port <port>', 'plain-HTTP /healthz port without authentication (0 turns it off)', portFlag, 10248)
    .option('--healthz-bind-address <ip>', 'address of the /healthz port', ipv4Flag, '127.0.0.1')
    .option('--v <level>', 'log verbosity: 0 info, 4+ debug', verbosityFlag, 0)
    .showHelpAfterError(false)
    .allowExcessArguments(false);
}

export function defaultNodeIP(): string | undefined {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Parses argv (without node and script); undefined when --help was printed. Throws UsageError on bad flags. */
export function parseKubeletFlags(argv: readonly string[], out?: (text: string) => void): KubeletOptions | undefined {
  const parsed = parseProgramFlags(kubeletCommand(), argv, out);
  if (!parsed) return undefined;
  const o = parsed.opts;
  if (o.hollowNodes > 1 && o.runtime !== 'fake') throw new UsageError('--hollow-nodes needs --runtime=fake');
  const nodeName = o.hostnameOverride ?? os.hostname().toLowerCase();
  let serving: KubeletServing;
  try {
    serving = kubeletServingFromFlags(o as Parameters<typeof kubeletServingFromFlags>[0]);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return {
    kubeconfig: o.kubeconfig,
    nodeName,
    nodeIP: o.nodeIp,
    address: o.address,
    port: o.port,
    rootDir: path.resolve(o.rootDir),
    podLogsDir: path.resolve(o.podLogsDir),
    cgroupRoot: o.cgroupRoot,
    cniMasquerade: o.cniMasquerade !== false,
    runtime: o.runtime,
    containerRuntimeEndpoint: o.containerRuntimeEndpoint,
    registryMirror: o.registryMirror,
    sandboxImage: o.podInfraContainerImage,
    podCIDR: o.podCidr,
    cniBridge: o.cniBridge,
    clusterDNS: o.clusterDns,
    clusterDomain: o.clusterDomain,
    maxPods: o.maxPods,
    nodeLabels: o.nodeLabels,
    registerWithTaints: o.registerWithTaints,
    podManifestPath: o.podManifestPath ? path.resolve(o.podManifestPath) : undefined,
    hollowNodes: o.hollowNodes,
    nodeStatusUpdateFrequencyMs: o.nodeStatusUpdateFrequency,
    syncFrequencyMs: o.syncFrequency,
    verbosity: o.v,
    serving,
    healthzPort: o.healthzPort,
    healthzBindAddress: o.healthzBindAddress,
  };
}
