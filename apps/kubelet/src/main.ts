import path from 'node:path';
import { Registry } from 'prom-client';
import { commandLineOptions, exitWithMessage, HttpKubeClient, InformerFactory, loadClientConfig, realClock, type ClientConfig } from '@skiff/client';
import { subjectaccessreviews, tokenreviews, type SubjectAccessReview, type TokenReview } from '@skiff/api';
import { CriClient, InMemoryRuntime, ManagedContainerd, writePodNetworkConfig, type ContainerRuntime } from '@skiff/cri';
import { createLogger, type Logger } from '@skiff/logging';
import { Kubelet } from './kubelet';
import { HollowHost, RealHost, type HostInfoSource } from './node/host-info';
import { defaultNodeIP, parseKubeletFlags, type KubeletOptions } from './options';
import { ApiPodObjectSource } from './pod/object-source';
import { PodConfigurator } from './pod/pod-configurator';
import { defaultCgroupParentRoot } from './pod/sandbox-config';
import { ProbeManager } from './prober';
import { KubeletServer } from './server';
import { HealthzServer } from './server/healthz-server';
import { kubeletAuthFor } from './server/kubelet-auth';
import { RuntimeServerDeps } from './server/runtime-server-deps';
import { PodDirs } from './volumes/pod-dirs';
import { VolumeManager } from './volumes';
import { ServiceAccountTokens } from './volumes/service-account-tokens';
import { apiTokenRequester } from './volumes/token-request';
import { lifecycleHookRunner } from './worker/lifecycle-hooks';
import { ProberTracker } from './worker/probe-tracker';
import type { PodVolumes } from './worker/sync-deps';

function fatal(message: string, code: number): never {
  return exitWithMessage('skiff-kubelet', message, code);
}

function options(): KubeletOptions {
  return commandLineOptions('skiff-kubelet', parseKubeletFlags);
}

/** Hollow nodes keep no files: their pods' volumes are nothing at all. */
const noVolumes: PodVolumes = { setUpPod: async () => new Map(), tearDownPod: async () => undefined, mountsFor: () => [] };

interface NodeAgent {
  kubelet: Kubelet;
  server: KubeletServer;
  probes: ProbeManager;
}

async function startNode(o: KubeletOptions, nodeName: string, client: HttpKubeClient, runtime: ContainerRuntime, runtimeName: string, host: HostInfoSource, logger: Logger, onPodCIDR?: (cidr: string) => Promise<void>, port = o.port): Promise<NodeAgent> {
  const registry = new Registry();
  const nodeIP = o.nodeIP ?? defaultNodeIP() ?? '127.0.0.1';
  let kubelet: Kubelet | undefined;
  const podsHere = () => kubelet?.pods() ?? [];
  const auth = kubeletAuthFor(o.serving, nodeName, {
    access: (review) => client.create<SubjectAccessReview>(subjectaccessreviews, undefined, review),
    token: (review) => client.create<TokenReview>(tokenreviews, undefined, review),
  });
  const server = new KubeletServer(new RuntimeServerDeps(runtime, nodeName, host, podsHere), { address: o.address, port, metrics: registry, logger, tls: o.serving.tls, auth });
  let boundPort: number;
  try {
    boundPort = await server.listen();
  } catch (e) {
    fatal(`cannot serve the kubelet API on ${o.address}:${port}: ${(e as Error).message}`, 1);
  }
  const informers = new InformerFactory(client, { logger });
  const record = (pod: Parameters<Kubelet['recorder']['event']>[0], type: 'Normal' | 'Warning', reason: string, message: string) => kubelet?.recorder.event(pod, type, reason, message);
  const probes = new ProbeManager({ runtime, registry, logger, events: { containerEvent: (pod, _name, type, reason, message) => record(pod, type, reason, message) } });
  const tracker = new ProberTracker(probes);
  const dirs = new PodDirs(o.runtime === 'fake' ? path.join(o.rootDir, nodeName) : o.rootDir);
  const objects = new ApiPodObjectSource(client, informers, { nodeAllocatable: () => ({ cpu: String(host.facts().cpuCores), memory: String(host.facts().memoryBytes) }) });
  const config = new PodConfigurator({
    dirs,
    objects,
    nodeIPs: [nodeIP],
    clusterDNS: o.clusterDNS,
    clusterDomain: o.clusterDomain,
    resolvConf: '/etc/resolv.conf',
    podLogsRoot: o.podLogsDir,
    cgroupParentRoot: `${o.cgroupRoot}${defaultCgroupParentRoot}`,
    nodeMemoryCapacity: () => host.facts().memoryBytes,
    record,
  });
  const tokens = new ServiceAccountTokens(apiTokenRequester(client), { clock: realClock, logger });
  const volumes = o.runtime === 'fake' ? noVolumes : new VolumeManager({ dirs, objects, tokens, logger });
  kubelet = new Kubelet(
    { client, runtime, runtimeName, host, logger, config, volumes, probes: tracker, runHook: lifecycleHookRunner({ runtime, clock: realClock }, realClock), onPodCIDR },
    {
      nodeName,
      nodeIP,
      kubeletPort: boundPort,
      maxPods: o.maxPods,
      labels: o.nodeLabels,
      taints: o.registerWithTaints,
      podCIDR: o.podCIDR,
      podManifestPath: o.podManifestPath,
      nodeStatusUpdateFrequencyMs: o.nodeStatusUpdateFrequencyMs,
      syncFrequencyMs: o.syncFrequencyMs,
    },
  );
  tracker.connect(kubelet.workers);
  informers.start();
  await kubelet.start();
  logger.info(`node ${nodeName} is up`, { kubeletPort: boundPort, runtime: runtimeName });
  return { kubelet, server, probes };
}

async function main(): Promise<void> {
  const o = options();
  let config: ClientConfig;
  try {
    config = loadClientConfig({ kubeconfigPath: o.kubeconfig });
  } catch (e) {
    fatal((e as Error).message, 1);
  }
  const logger = createLogger('kubelet', o.verbosity >= 4 ? 'debug' : 'info');
  const client = new HttpKubeClient(config, { userAgent: `skiff-kubelet/${o.nodeName}` });
  const agents: NodeAgent[] = [];
  let containerd: ManagedContainerd | undefined;
  let cri: CriClient | undefined;

  if (o.runtime === 'fake') {
    const names = o.hollowNodes === 1 ? [o.nodeName] : Array.from({ length: o.hollowNodes }, (_, i) => `${o.nodeName}-${i}`);
    for (const name of names) {
      const runtime = new InMemoryRuntime({ podCidr: o.podCIDR, images: [o.sandboxImage] });
      agents.push(await startNode(o, name, client, runtime, 'fake', new HollowHost(name), logger.child({ node: name }), undefined, o.hollowNodes === 1 ? o.port : 0));
    }
  } else {
    const cniConfDir = o.runtime === 'containerd-managed' ? path.join(o.rootDir, 'cni', 'net.d') : '/etc/cni/net.d';
    let endpoint = o.containerRuntimeEndpoint;
    if (o.runtime === 'containerd-managed') {
      containerd = new ManagedContainerd({ dir: path.join(o.rootDir, 'containerd'), cniConfDir, sandboxImage: o.sandboxImage, registryMirror: o.registryMirror, streamServerAddress: '127.0.0.1', streamServerPort: 0 });
      try {
        await containerd.start();
      } catch (e) {
        fatal(`starting containerd failed: ${(e as Error).message}`, 1);
      }
      endpoint = containerd.endpoint;
    }
    cri = new CriClient(endpoint);
    const onPodCIDR = async (cidr: string) => {
      writePodNetworkConfig(cniConfDir, { podCidr: cidr, bridgeName: o.cniBridge, ipamDataDir: path.join(o.rootDir, 'cni', 'ipam'), masquerade: o.cniMasquerade });
    };
    agents.push(await startNode(o, o.nodeName, client, cri, 'containerd', new RealHost(o.rootDir), logger, onPodCIDR));
  }
  const healthz = o.healthzPort ? new HealthzServer(o.healthzBindAddress, o.healthzPort, logger) : undefined;
  await healthz?.listen();
  // Test harnesses read this line to learn the port when --port=0.
  process.stdout.write(`listening on ${o.serving.tls ? 'https' : 'http'}://${o.address}:${agents[0].kubelet.settings.kubeletPort}\n`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down; containers keep running');
    for (const a of agents) {
      await a.kubelet.stop();
      a.probes.stop();
      await a.server.close();
    }
    await healthz?.close();
    cri?.close();
    await containerd?.stop();
    client.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}

main().catch((e) => fatal((e as Error).stack ?? String(e), 1));
