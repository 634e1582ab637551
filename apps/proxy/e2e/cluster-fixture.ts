import { CriClient } from '@skiff/cri';
import { Kubectl, pushNodeImages, startControlPlane, TestKubelet, TestProxy, TestRegistry, type TestControlPlane } from '@skiff/testing';

/** The kube-dns Service's ClusterIP, which the apiserver creates at start and the kubelet hands to pods. */
export const clusterDnsIP = '10.96.0.10';

/** A one-node cluster with Services: the control plane, a real node and a real skiff-proxy, driven by the real kubectl. */
export interface TestCluster {
  cp: TestControlPlane;
  registry: TestRegistry;
  kubelet: TestKubelet;
  proxy: TestProxy;
  kubectl: Kubectl;
  /** Removes everything; safe after a failed start. Throws the problems it met after trying every step. */
  stop(): Promise<void>;
}

/**
 * etcd, apiserver, scheduler and controller-manager, a registry with the node images, one skiff-kubelet (own containerd,
 * the CNI bridge and pod CIDR given, `--cluster-dns` pointing at kube-dns) and skiff-proxy for that node with the pod
 * CIDR as its cluster CIDR and NodePorts on loopback only.
 */
export async function startTestCluster(opts: { podCIDR: string; bridge: string }): Promise<TestCluster> {
  const registry = await TestRegistry.start();
  let cp: TestControlPlane | undefined;
  let kubelet: TestKubelet | undefined;
  let proxy: TestProxy | undefined;
  let kubectl: Kubectl | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const problems: string[] = [];
    const attempt = async (f: () => Promise<void> | void) => {
      try {
        await f();
      } catch (e) {
        problems.push((e as Error).message);
      }
    };
    kubectl?.cleanup();
    // The node first: its pods go, so nothing sends service traffic while the rules are removed.
    await attempt(() => kubelet?.cleanup());
    await attempt(() => proxy?.cleanup());
    await attempt(() => cp?.stop());
    await attempt(() => registry.destroy());
    if (problems.length) throw new Error(problems.join('\n'));
  };
  try {
    await pushNodeImages(registry.url);
    cp = await startControlPlane({ scheduler: true, controllerManager: true });
    kubelet = await TestKubelet.start({
      controlPlane: cp,
      registryUrl: registry.url,
      podCIDR: opts.podCIDR,
      bridge: opts.bridge,
      runtimeClient: (endpoint) => new CriClient(endpoint),
      args: ['--node-status-update-frequency=2s', `--cluster-dns=${clusterDnsIP}`],
    });
    await kubelet.waitUntilReady();
    proxy = await TestProxy.start({ controlPlane: cp, nodeName: kubelet.nodeName, clusterCIDR: opts.podCIDR });
    kubectl = new Kubectl(cp.apiserver.url);
    return { cp, registry, kubelet, proxy, kubectl, stop };
  } catch (e) {
    await stop().catch((c: Error) => {
      throw new Error(`${(e as Error).message}\n(and cleaning up: ${c.message})`);
    });
    throw e;
  }
}
