import path from 'node:path';
import { benchCommandFlags, integer, UsageError } from '../options';

export interface KubeletBenchOptions {
  pods: number;
  /** Pod creates per second, paced from the first create. */
  rate: number;
  /** Pods run and deleted before the measured ones, so the kubelet's and containerd's first-use costs are paid. */
  warmup: number;
  /** The node's pod CIDR and CNI bridge: nothing else on the machine may use them during the run. */
  podCIDR: string;
  bridge: string;
  /** Where node writes a V8 CPU profile of the kubelet when it stops (--cpu-prof), if given. */
  cpuProfileDir?: string;
  json: boolean;
  timeoutSeconds: number;
}

export const kubeletUsage = `usage: skiff-bench kubelet [--pods 30] [--rate 5] [--warmup 1] [--pod-cidr 10.244.230.0/24] [--bridge skbench0] [--cpu-prof-dir DIR] [--json] [--timeout-seconds 300]

Runs as root. Starts etcd, skiff-apiserver, skiff-scheduler, a local registry with the node images and one real node
(skiff-kubelet with its own containerd, runc and CNI bridge); pulls busybox and the pause image once, runs --warmup
pods, then creates --pods busybox pods at --rate per second and reports per pod the time from its create request to
the watch event showing phase Running (p50/p99/max), split into scheduled, sandbox ready (pod IP), container started
and Running; then deletes them and reports how long that took. Everything it started is stopped and removed.
--cpu-prof-dir writes a V8 CPU profile of the kubelet there.`;

/** Parses `skiff-bench kubelet [flags]`; undefined when help was asked for. */
export function parseKubeletBenchArgs(argv: readonly string[]): KubeletBenchOptions | undefined {
  const values = benchCommandFlags(argv, 'kubelet', {
    pods: { type: 'string' },
    rate: { type: 'string' },
    warmup: { type: 'string' },
    'pod-cidr': { type: 'string' },
    bridge: { type: 'string' },
    'cpu-prof-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    'timeout-seconds': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (!values) return undefined;
  const podCIDR = values['pod-cidr'] ?? '10.244.230.0/24';
  if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}\.0\/24$/.test(podCIDR)) throw new UsageError(`--pod-cidr must be an IPv4 /24 such as 10.244.230.0/24, got "${podCIDR}"`);
  const bridge = values.bridge ?? 'skbench0';
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new UsageError(`--bridge must be 1-15 letters, digits, '_', '.' or '-', got "${bridge}"`);
  return {
    pods: integer('pods', values.pods, 30, 1, 110),
    rate: integer('rate', values.rate, 5, 1, 100),
    warmup: integer('warmup', values.warmup, 1, 0, 20),
    podCIDR,
    bridge,
    ...(values['cpu-prof-dir'] ? { cpuProfileDir: path.resolve(values['cpu-prof-dir']) } : {}),
    json: values.json ?? false,
    timeoutSeconds: integer('timeout-seconds', values['timeout-seconds'], 300, 30, 3600),
  };
}
