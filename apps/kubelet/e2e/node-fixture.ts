import fs from 'node:fs';
import path from 'node:path';
import type { Pod } from '@skiff/api';
import { CriClient } from '@skiff/cri';
import {
  Kubectl,
  linkExists,
  podMasqueradeRules,
  pushNodeImages,
  routeExists,
  startControlPlane,
  TestKubelet,
  TestRegistry,
  waitFor,
  type NodeImage,
  type TestControlPlane,
} from '@skiff/testing';

/** One real node against a full control plane, as a user running kubectl would have it. */
export interface TestNode {
  cp: TestControlPlane;
  registry: TestRegistry;
  images: NodeImage[];
  kubelet: TestKubelet;
  kubectl: Kubectl;
  /** The pod as the apiserver has it, or undefined once it is gone. */
  pod(name: string): Promise<Pod | undefined>;
  /** Polls the pod until `check` holds; fails with the pod and the kubelet's output otherwise. */
  waitForPod(name: string, check: (p: Pod) => boolean, what: string, timeoutMs?: number): Promise<Pod>;
  apply(name: string, manifest: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * etcd, apiserver, scheduler and controller-manager, a registry holding the node images, and one skiff-kubelet
 * running its own containerd with the pod CIDR and bridge given (each test file takes its own pair). With `tls`
 * the apiserver serves HTTPS (Node,RBAC) and dials the kubelet over HTTPS, the kubelet serves HTTPS with Webhook
 * authorization, and kubectl is the admin on the secure port.
 */
export async function startTestNode(opts: { podCIDR: string; bridge: string; tls?: boolean }): Promise<TestNode> {
  const registry = await TestRegistry.start();
  let cp: TestControlPlane | undefined;
  let kubelet: TestKubelet | undefined;
  let kubectl: Kubectl | undefined;
  const stop = async () => {
    kubectl?.cleanup();
    try {
      await kubelet?.cleanup();
    } finally {
      await cp?.stop();
      await registry.destroy();
    }
  };
  try {
    const images = await pushNodeImages(registry.url);
    cp = await startControlPlane({ scheduler: true, controllerManager: true, tls: opts.tls });
    kubelet = await TestKubelet.start({
      controlPlane: cp,
      registryUrl: registry.url,
      podCIDR: opts.podCIDR,
      bridge: opts.bridge,
      runtimeClient: (endpoint) => new CriClient(endpoint),
      args: ['--node-status-update-frequency=2s'],
      tls: opts.tls,
    });
    await kubelet.waitUntilReady();
    kubectl = new Kubectl(cp.apiserver.url);
    if (cp.pki) cp.pki.writeKubeconfig(kubectl.kubeconfig, cp.apiserver.secureUrl, cp.pki.admin, 'kubernetes-admin');
    const api = cp.apiserver.url;
    const k = kubelet;
    const kc = kubectl;
    const pod = async (name: string): Promise<Pod | undefined> => {
      const res = await fetch(`${api}/api/v1/namespaces/default/pods/${name}`);
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`GET pod ${name}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Pod;
    };
    const waitForPod = async (name: string, check: (p: Pod) => boolean, what: string, timeoutMs = 60_000): Promise<Pod> => {
      let last: Pod | undefined;
      try {
        return await waitFor(
          async () => {
            last = await pod(name);
            return last && check(last) ? last : undefined;
          },
          { timeoutMs, intervalMs: 100, what: `pod ${name}: ${what}` },
        );
      } catch (e) {
        throw new Error(`${(e as Error).message}\nlast seen status: ${JSON.stringify(last?.status, null, 1)}\nkubelet output:\n${k.output.slice(-6000)}`);
      }
    };
    const apply = async (name: string, manifest: string) => {
      await kc.ok(['apply', '-f', kc.file(`${name}.yaml`, manifest)]);
    };
    return { cp, registry, images, kubelet, kubectl, pod, waitForPod, apply, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export function containerStatus(p: Pod, name?: string) {
  const statuses = p.status?.containerStatuses ?? [];
  return name === undefined ? statuses[0] : statuses.find((s) => s.name === name);
}

export function isRunningAndReady(p: Pod): boolean {
  return p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Processes whose command line names `text` (a TestKubelet's folder: its containerd, shims and itself). */
export function processesMentioning(text: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter(alive);
}

/** The pid of a running TestKubelet's containerd. */
export function containerdPid(kubelet: TestKubelet): number {
  return Number(fs.readFileSync(path.join(kubelet.rootDir, 'containerd', 'state', 'containerd.pid'), 'utf8'));
}

/** True while `pid` runs; a zombie (an orphan killed but not yet reaped by init) counts as gone. */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Asserts that a cleaned-up node left nothing on the host: processes, bridge, route, iptables rules, folders. */
export function expectNothingLeft(kubelet: TestKubelet, opts: { podCIDR: string; bridge: string; pids: number[]; sandboxIds: string[] }): void {
  expect(opts.pids.filter(alive)).toEqual([]);
  const cniResults = fs.existsSync('/var/lib/cni/results') ? fs.readdirSync('/var/lib/cni/results') : [];
  expect(cniResults.filter((f) => opts.sandboxIds.some((id) => f.includes(id)))).toEqual([]);
  expect(processesMentioning(kubelet.dir)).toEqual([]);
  expect(linkExists(opts.bridge)).toBe(false);
  expect(routeExists(opts.podCIDR)).toBe(false);
  expect(podMasqueradeRules(opts.podCIDR)).toEqual([]);
  expect(fs.existsSync(kubelet.dir)).toBe(false);
}
