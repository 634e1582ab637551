import type { CriMethodName } from './cri-methods';
import { InMemoryImageStore, requireImageReference } from './in-memory-images';
import { formatImageReference } from './image-reference';
import { IPv4Allocator } from './ip-allocator';
import type {
  CriCall,
  ExecHandler,
  InMemoryContainerStats,
  InMemoryRuntimeOptions,
  StartBehaviour,
} from './in-memory-options';
import {
  fullImageSpec,
  fullMount,
  fullResources,
  fullNamespaceOptions,
  matchesLabels,
  GO_ZERO_TIME_NS,
  msToNs,
  newId,
  randomToken,
  resolveId,
  toBuffer,
  type ContainerRecord,
  type SandboxRecord,
} from './in-memory-records';
import {
  CriError,
  type AttachRequest,
  type AuthConfig,
  type Container,
  type ContainerConfig,
  type ContainerFilter,
  type ContainerRuntime,
  type ContainerStats,
  type ContainerStatsFilter,
  type ContainerStatus,
  type ExecRequest,
  type ExecSyncResponse,
  type FilesystemUsage,
  type Image,
  type ImageFilter,
  type ImageSpec,
  type Labels,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type PortForwardRequest,
  type RuntimeCondition,
  type RuntimeStatusResponse,
  type VersionResponse,
} from './types';

const cniNotInitialized = 'cni plugin not initialized';

/**
 * A container runtime held in memory that behaves like containerd's CRI plugin at the API: sandboxes and
 * containers with their states and timestamps, pod IPs from a CIDR, images, name reservation, containerd's error
 * codes and idempotent removes. Hollow nodes run on it; kubelet unit tests drive it with the controls below
 * (exitContainer, failNext, setExecHandler, setPullError, calls).
 */
export class InMemoryRuntime implements ContainerRuntime {
  /** Every contract call in order, failed ones included. */
  readonly calls: CriCall[] = [];
  readonly images = new InMemoryImageStore();
  private readonly clock: { now(): number };
  private ipv4: IPv4Allocator;
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly reservedNames = new Map<string, string>();
  private readonly failures = new Map<CriMethodName, Error[]>();
  private readonly pullErrors = new Map<string, Error>();
  private readonly conditions = new Map<string, RuntimeCondition>();
  private startBehaviour: StartBehaviour;
  private execHandler: ExecHandler = () => ({ exitCode: 0 });

  constructor(private readonly options: InMemoryRuntimeOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.ipv4 = new IPv4Allocator(options.podCidr ?? '10.88.0.0/16');
    this.startBehaviour = options.startBehaviour ?? (() => 'run');
    for (const image of options.images ?? []) {
      if (typeof image === 'string') this.images.add(image);
      else this.images.add(image.ref, image);
    }
    for (const type of ['RuntimeReady', 'NetworkReady']) this.setCondition(type, true);
  }

  // ---- test controls ----

  /** The next call of `method` fails with `error` (a CriError keeps its code; other errors arrive as UNKNOWN). */
  failNext(method: CriMethodName, error: Error | string = new CriError('UNKNOWN', `injected ${method} failure`)): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(typeof error === 'string' ? new CriError('UNKNOWN', error) : error);
    this.failures.set(method, queue);
  }

  setExecHandler(handler: ExecHandler): void {
    this.execHandler = handler;
  }

  setStartBehaviour(behaviour: StartBehaviour): void {
    this.startBehaviour = behaviour;
  }

  /** PullImage of `image` (any reference form) fails with `error` until cleared with undefined. */
  setPullError(image: string, error: Error | string | undefined): void {
    const key = formatImageReference(requireImageReference(image));
    if (error === undefined) this.pullErrors.delete(key);
    else this.pullErrors.set(key, typeof error === 'string' ? new CriError('UNKNOWN', error) : error);
  }

  /** Sets a Status condition, e.g. ('NetworkReady', false, 'NetworkPluginNotReady', 'cni plugin not initialized'). */
  setCondition(type: string, status: boolean, reason = '', message = ''): void {
    this.conditions.set(type, { type, status, reason, message });
  }

  setContainerStats(containerId: string, stats: InMemoryContainerStats): void {
    this.requireContainer(containerId).stats = { ...stats };
  }

  /** The container's process ends on its own: running → exited with `exitCode`. */
  exitContainer(containerId: string, exitCode: number, reason?: string, message = ''): void {
    const c = this.requireContainer(containerId);
    if (c.state !== 'CONTAINER_RUNNING') throw new Error(`container ${containerId} is ${c.state}, not running`);
    this.finish(c, exitCode, reason, message);
  }

  /** The sandbox's pause process died: the sandbox turns NOTREADY, its containers keep their states. */
  markSandboxNotReady(podSandboxId: string): void {
    this.requireSandbox(podSandboxId).state = 'SANDBOX_NOTREADY';
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  /** The methods called so far, in order. */
  callNames(): CriMethodName[] {
    return this.calls.map((c) => c.method);
  }

  // ---- RuntimeService ----

  async version(): Promise<VersionResponse> {
    this.enter('version', '', []);
    return { version: '0.1.0', runtimeName: 'skiff-in-memory', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
  }

  async status(verbose = false): Promise<RuntimeStatusResponse> {
    this.enter('status', '', [verbose]);
    const info: Labels = verbose ? { config: JSON.stringify({ podCidr: this.ipv4.cidr }) } : {};
    return { status: { conditions: [...this.conditions.values()].map((c) => ({ ...c })) }, info };
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const meta = config?.metadata;
    this.enter('runPodSandbox', meta ? `${meta.namespace}/${meta.name}` : '', [config, runtimeHandler]);
    if (!meta) throw new CriError('UNKNOWN', 'sandbox config must include metadata');
    if (runtimeHandler && !(this.options.runtimeHandlers ?? ['runc']).includes(runtimeHandler)) {
      throw new CriError('UNKNOWN', `failed to get sandbox runtime: no runtime for ${JSON.stringify(runtimeHandler)} is configured`);
    }
    const hostNetwork = config.linux?.securityContext?.namespaceOptions?.network === 'NODE';
    if (hostNetwork && config.hostname) {
      throw new CriError(
        'UNKNOWN',
        'failed to create containerd task: failed to create shim task: OCI runtime create failed: ' +
          'runc create failed: unable to set hostname without a private UTS namespace: unknown',
      );
    }
    const id = newId();
    const name = [meta.name, meta.namespace, meta.uid, meta.attempt ?? 0].join('_');
    this.reserveName(name, id, 'sandbox');
    const sandbox: SandboxRecord = {
      id,
      name,
      config: structuredClone(config),
      state: 'SANDBOX_READY',
      createdAt: msToNs(this.clock.now()),
      ip: '',
      netnsOpen: !hostNetwork,
      runtimeHandler,
    };
    if (!hostNetwork) {
      const setupFailed = (reason: string) =>
        new CriError('UNKNOWN', `failed to setup network for sandbox ${JSON.stringify(id)}: ${reason}`);
      if (!this.networkReady()) {
        // Without CNI containerd cannot undo the half-made sandbox either: it stays, NOTREADY and with no
        // creation time, until CNI works and the kubelet removes it.
        this.sandboxes.set(id, { ...sandbox, state: 'SANDBOX_NOTREADY', createdAt: GO_ZERO_TIME_NS });
        throw setupFailed(cniNotInitialized);
      }
      try {
        sandbox.ip = this.ipv4.allocate();
      } catch (err) {
        this.reservedNames.delete(name);
        throw setupFailed(`plugin type="bridge" failed (add): ${(err as Error).message}`);
      }
    }
    this.sandboxes.set(id, sandbox);
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    this.enter('stopPodSandbox', podSandboxId, [podSandboxId]);
    const sandbox = this.findSandbox(podSandboxId);
    if (!sandbox) throw this.sandboxNotFound(podSandboxId);
    this.stopSandbox(sandbox);
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    this.enter('removePodSandbox', podSandboxId, [podSandboxId]);
    const sandbox = this.findSandbox(podSandboxId);
    if (!sandbox) return;
    try {
      this.stopSandbox(sandbox);
    } catch (err) {
      throw new CriError('UNKNOWN', `failed to forcibly stop sandbox ${JSON.stringify(sandbox.id)}: ${(err as Error).message}`);
    }
    for (const c of [...this.containers.values()]) if (c.podSandboxId === sandbox.id) this.deleteContainer(c);
    this.sandboxes.delete(sandbox.id);
    this.reservedNames.delete(sandbox.name);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    this.enter('podSandboxStatus', podSandboxId, [podSandboxId]);
    const s = this.findSandbox(podSandboxId);
    if (!s) throw new CriError('NOT_FOUND', 'an error occurred when try to find sandbox: not found');
    return {
      ...this.toPodSandbox(s),
      network: { ip: s.ip, additionalIps: [] },
      linux: { namespaces: { options: fullNamespaceOptions(s.config.linux?.securityContext?.namespaceOptions) } },
    };
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    this.enter('listPodSandbox', filter?.id ?? '', [filter]);
    let candidates = [...this.sandboxes.values()];
    if (filter?.id) {
      const one = this.findSandboxOrNothing(filter.id);
      candidates = one ? [one] : [];
    }
    return candidates
      .filter((s) => !filter?.state || s.state === filter.state.state)
      .filter((s) => matchesLabels(s.config.labels ?? {}, filter?.labelSelector))
      .map((s) => this.toPodSandbox(s));
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    this.enter('createContainer', `${podSandboxId}/${config?.metadata?.name ?? ''}`, [podSandboxId, config, sandboxConfig]);
    const sandbox = this.findSandbox(podSandboxId);
    if (!sandbox) throw new CriError('NOT_FOUND', `failed to find sandbox id ${JSON.stringify(podSandboxId)}: not found`);
    if (!config?.metadata) throw new CriError('UNKNOWN', 'container config must include metadata');
    if (sandbox.state !== 'SANDBOX_READY') {
      throw new CriError(
        'NOT_FOUND',
        `failed to get sandbox container task: no running task found: task ${sandbox.id} not found: not found`,
      );
    }
    const imageName = config.image?.image ?? '';
    const image = this.images.find(imageName);
    if (!image) throw new CriError('NOT_FOUND', `failed to resolve image ${JSON.stringify(imageName)}: not found`);
    const meta = sandbox.config.metadata;
    const id = newId();
    const name = [config.metadata.name, meta.name, meta.namespace, meta.uid, config.metadata.attempt ?? 0].join('_');
    this.reserveName(name, id, 'container');
    this.containers.set(id, {
      id,
      name,
      podSandboxId: sandbox.id,
      config: structuredClone(config),
      imageId: image.id,
      state: 'CONTAINER_CREATED',
      createdAt: msToNs(this.clock.now()),
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
      message: '',
      stats: {},
    });
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    this.enter('startContainer', containerId, [containerId]);
    const c = this.findContainer(containerId);
    if (!c) throw this.containerNotFound(containerId);
    if (c.state !== 'CONTAINER_CREATED') {
      throw new CriError('UNKNOWN', `failed to set starting state for container ${JSON.stringify(c.id)}: container is in ${c.state} state`);
    }
    const sandbox = this.sandboxes.get(c.podSandboxId);
    if (sandbox?.state !== 'SANDBOX_READY') {
      throw new CriError('UNKNOWN', `sandbox container ${JSON.stringify(c.podSandboxId)} is not running`);
    }
    c.state = 'CONTAINER_RUNNING';
    c.startedAt = msToNs(this.clock.now());
    const outcome = this.startBehaviour({ id: c.id, podSandboxId: c.podSandboxId, config: c.config });
    if (outcome !== 'run') this.finish(c, outcome.exitCode, outcome.reason, outcome.message ?? '');
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    this.enter('stopContainer', containerId, [containerId, timeoutSeconds]);
    const c = this.findContainer(containerId);
    if (!c) throw this.containerNotFound(containerId);
    this.stop(c, timeoutSeconds);
  }

  async removeContainer(containerId: string): Promise<void> {
    this.enter('removeContainer', containerId, [containerId]);
    const c = this.findContainer(containerId);
    if (c) this.deleteContainer(c);
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    this.enter('listContainers', filter?.id ?? filter?.podSandboxId ?? '', [filter]);
    return this.filterContainers(filter).map((c) => ({
      id: c.id,
      podSandboxId: c.podSandboxId,
      metadata: { name: c.config.metadata.name, attempt: c.config.metadata.attempt ?? 0 },
      image: fullImageSpec(c.config.image),
      imageRef: c.imageId,
      state: c.state,
      createdAt: c.createdAt,
      labels: { ...c.config.labels },
      annotations: { ...c.config.annotations },
    }));
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    this.enter('containerStatus', containerId, [containerId]);
    const c = this.findContainer(containerId);
    if (!c) throw this.containerNotFound(containerId);
    const image = this.images.find(c.imageId);
    let reason = c.reason;
    if (c.state === 'CONTAINER_EXITED' && !reason) reason = c.exitCode === 0 ? 'Completed' : 'Error';
    return {
      id: c.id,
      metadata: { name: c.config.metadata.name, attempt: c.config.metadata.attempt ?? 0 },
      state: c.state,
      createdAt: c.createdAt,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      exitCode: c.exitCode,
      image: { ...fullImageSpec(c.config.image), ...(image?.repoTags[0] ? { image: image.repoTags[0] } : {}) },
      imageRef: image?.repoDigests[0] ?? c.imageId,
      reason,
      message: c.message,
      labels: { ...c.config.labels },
      annotations: { ...c.config.annotations },
      mounts: (c.config.mounts ?? []).map(fullMount),
      logPath: this.logPathOf(c),
      resources: c.config.linux?.resources ? { linux: fullResources(c.config.linux.resources) } : undefined,
    };
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
    this.enter('execSync', containerId, [containerId, cmd, timeoutSeconds]);
    const c = this.findContainer(containerId);
    if (!c) {
      throw new CriError('NOT_FOUND', `failed to exec in container: failed to find container ${JSON.stringify(containerId)} in store: not found`);
    }
    if (c.state !== 'CONTAINER_RUNNING') {
      throw new CriError('UNKNOWN', `failed to exec in container: container is in ${c.state} state`);
    }
    const result = await this.execHandler(c.id, [...cmd], timeoutSeconds);
    return { stdout: toBuffer(result.stdout), stderr: toBuffer(result.stderr), exitCode: result.exitCode ?? 0 };
  }

  async exec(req: ExecRequest): Promise<string> {
    this.enter('exec', req?.containerId ?? '', [req]);
    this.requireStreamable(req);
    if (!req.cmd?.length) throw new CriError('INVALID_ARGUMENT', 'cmd must not be empty');
    return this.streamingUrl('exec');
  }

  async attach(req: AttachRequest): Promise<string> {
    this.enter('attach', req?.containerId ?? '', [req]);
    this.requireStreamable(req);
    return this.streamingUrl('attach');
  }

  async portForward(req: PortForwardRequest): Promise<string> {
    this.enter('portForward', req?.podSandboxId ?? '', [req]);
    const sandbox = this.findSandbox(req?.podSandboxId ?? '');
    if (!sandbox) throw new CriError('NOT_FOUND', `failed to find sandbox ${JSON.stringify(req?.podSandboxId)}: not found`);
    if (sandbox.state !== 'SANDBOX_READY') throw new CriError('UNKNOWN', 'sandbox container is not running');
    return this.streamingUrl('portforward');
  }

  async listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]> {
    this.enter('listContainerStats', filter?.id ?? filter?.podSandboxId ?? '', [filter]);
    const timestamp = msToNs(this.clock.now());
    return this.filterContainers(filter)
      .filter((c) => c.state === 'CONTAINER_RUNNING')
      .map((c) => ({
        attributes: {
          id: c.id,
          metadata: { name: c.config.metadata.name, attempt: c.config.metadata.attempt ?? 0 },
          labels: { ...c.config.labels },
          annotations: { ...c.config.annotations },
        },
        cpu: {
          timestamp,
          usageCoreNanoSeconds: { value: c.stats.cpuUsageCoreNanoSeconds ?? 0 },
          usageNanoCores: { value: c.stats.cpuUsageNanoCores ?? 0 },
        },
        memory: {
          timestamp,
          workingSetBytes: { value: c.stats.memoryWorkingSetBytes ?? 0 },
          usageBytes: { value: c.stats.memoryUsageBytes ?? c.stats.memoryWorkingSetBytes ?? 0 },
        },
        writableLayer: {
          timestamp,
          fsId: { mountpoint: `/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/${c.id}` },
          usedBytes: { value: c.stats.writableLayerBytes ?? 0 },
          inodesUsed: { value: 0 },
        },
      }));
  }

  /** Pod IPs of sandboxes made from now on come from `podCidr`; an empty CIDR changes nothing. */
  async updateRuntimeConfig(podCidr: string): Promise<void> {
    this.enter('updateRuntimeConfig', podCidr, [podCidr]);
    if (!podCidr) return;
    let allocator: IPv4Allocator;
    try {
      allocator = new IPv4Allocator(podCidr);
    } catch (err) {
      throw new CriError('INVALID_ARGUMENT', (err as Error).message);
    }
    if (allocator.cidr === this.ipv4.cidr) return;
    // Running sandboxes keep their addresses, so those inside the new range stay taken.
    for (const s of this.sandboxes.values()) {
      if (s.ip) allocator.reserve(s.ip);
    }
    this.ipv4 = allocator;
  }

  // ---- ImageService ----

  async listImages(filter?: ImageFilter): Promise<Image[]> {
    this.enter('listImages', filter?.image?.image ?? '', [filter]);
    const wanted = filter?.image?.image ? this.images.find(filter.image.image) : undefined;
    if (filter?.image?.image && !wanted) return [];
    return this.images
      .list()
      .filter((i) => !wanted || i === wanted)
      .map(InMemoryImageStore.toImage);
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    this.enter('imageStatus', image?.image ?? '', [image]);
    const found = this.images.find(image?.image ?? '');
    return found && InMemoryImageStore.toImage(found);
  }

  async pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    this.enter('pullImage', image?.image ?? '', [image, auth, sandboxConfig]);
    const name = formatImageReference(requireImageReference(image?.image ?? ''));
    const injected = this.pullErrors.get(name);
    if (injected) throw injected;
    const present = this.images.find(name);
    if (!present && this.options.pullUnknownImages === false) {
      throw new CriError(
        'NOT_FOUND',
        `failed to pull and unpack image ${JSON.stringify(name)}: failed to resolve reference ${JSON.stringify(name)}: ${name}: not found`,
      );
    }
    return (present ?? this.images.add(name)).id;
  }

  async removeImage(image: ImageSpec): Promise<void> {
    this.enter('removeImage', image?.image ?? '', [image]);
    this.images.remove(image?.image ?? '');
  }

  async imageFsInfo(): Promise<FilesystemUsage[]> {
    this.enter('imageFsInfo', '', []);
    return [
      {
        timestamp: msToNs(this.clock.now()),
        fsId: { mountpoint: '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs' },
        usedBytes: { value: this.images.totalSize() },
        inodesUsed: { value: this.images.list().length },
      },
    ];
  }

  // ---- internals ----

  /** Logs the call and throws an injected failure, before any state changes. */
  private enter(method: CriMethodName, key: string, args: unknown[]): void {
    this.calls.push({ method, key, args });
    const injected = this.failures.get(method)?.shift();
    if (injected) throw injected;
  }

  private reserveName(name: string, id: string, kind: 'sandbox' | 'container'): void {
    const holder = this.reservedNames.get(name);
    if (holder) {
      throw new CriError(
        'UNKNOWN',
        `failed to reserve ${kind} name ${JSON.stringify(name)}: name ${JSON.stringify(name)} is reserved for ${JSON.stringify(holder)}`,
      );
    }
    this.reservedNames.set(name, id);
  }

  private findSandbox(id: string): SandboxRecord | undefined {
    return resolveId(this.sandboxes, id);
  }

  /** For list filters, where an ambiguous prefix matches nothing rather than failing the list. */
  private findSandboxOrNothing(id: string): SandboxRecord | undefined {
    try {
      return this.findSandbox(id);
    } catch {
      return undefined;
    }
  }

  private findContainer(id: string): ContainerRecord | undefined {
    return resolveId(this.containers, id);
  }

  private requireSandbox(id: string): SandboxRecord {
    const s = this.findSandbox(id);
    if (!s) throw this.sandboxNotFound(id);
    return s;
  }

  private requireContainer(id: string): ContainerRecord {
    const c = this.findContainer(id);
    if (!c) throw this.containerNotFound(id);
    return c;
  }

  private sandboxNotFound(id: string): CriError {
    return new CriError('NOT_FOUND', `an error occurred when try to find sandbox ${JSON.stringify(id)}: not found`);
  }

  private containerNotFound(id: string): CriError {
    return new CriError('NOT_FOUND', `an error occurred when try to find container ${JSON.stringify(id)}: not found`);
  }

  private filterContainers(filter: ContainerFilter | ContainerStatsFilter | undefined): ContainerRecord[] {
    let candidates = [...this.containers.values()];
    if (filter?.id) {
      let one: ContainerRecord | undefined;
      try {
        one = this.findContainer(filter.id);
      } catch {
        one = undefined;
      }
      candidates = one ? [one] : [];
    }
    const sandbox = filter?.podSandboxId ? this.findSandboxOrNothing(filter.podSandboxId) : undefined;
    const state = filter && 'state' in filter ? filter.state?.state : undefined;
    return candidates
      .filter((c) => !filter?.podSandboxId || c.podSandboxId === sandbox?.id)
      .filter((c) => !state || c.state === state)
      .filter((c) => matchesLabels(c.config.labels ?? {}, filter?.labelSelector));
  }

  private toPodSandbox(s: SandboxRecord): PodSandbox {
    const meta = s.config.metadata;
    return {
      id: s.id,
      metadata: { name: meta.name, uid: meta.uid, namespace: meta.namespace, attempt: meta.attempt ?? 0 },
      state: s.state,
      createdAt: s.createdAt,
      labels: { ...s.config.labels },
      annotations: { ...s.config.annotations },
      runtimeHandler: s.runtimeHandler,
    };
  }

  private logPathOf(c: ContainerRecord): string {
    const logPath = c.config.logPath ?? '';
    const dir = this.sandboxes.get(c.podSandboxId)?.config.logDirectory ?? '';
    return logPath && dir ? `${dir.replace(/\/+$/, '')}/${logPath}` : logPath;
  }

  private finish(c: ContainerRecord, exitCode: number, reason = '', message = ''): void {
    c.state = 'CONTAINER_EXITED';
    c.finishedAt = msToNs(this.clock.now());
    c.exitCode = exitCode;
    c.reason = reason;
    c.message = message;
  }

  /** SIGTERM, then SIGKILL after the grace period: 143 for a process that exits on SIGTERM, else 137. */
  private stop(c: ContainerRecord, timeoutSeconds: number): void {
    if (c.state !== 'CONTAINER_RUNNING') return;
    const handles = this.options.handlesSigterm ?? false;
    const exitsOnTerm =
      timeoutSeconds > 0 &&
      (typeof handles === 'function' ? handles({ id: c.id, podSandboxId: c.podSandboxId, config: c.config }) : handles);
    this.finish(c, exitsOnTerm ? 143 : 137);
  }

  private networkReady(): boolean {
    return this.conditions.get('NetworkReady')?.status !== false;
  }

  /** Kills the sandbox's containers, then tears its network down; without CNI the second step fails. */
  private stopSandbox(s: SandboxRecord): void {
    for (const c of this.containers.values()) if (c.podSandboxId === s.id) this.stop(c, 0);
    if (s.netnsOpen) {
      if (!this.networkReady()) {
        throw new CriError('UNKNOWN', `failed to destroy network for sandbox ${JSON.stringify(s.id)}: ${cniNotInitialized}`);
      }
      if (s.ip) this.ipv4.release(s.ip);
      s.ip = '';
      s.netnsOpen = false;
    }
    s.state = 'SANDBOX_NOTREADY';
  }

  private deleteContainer(c: ContainerRecord): void {
    this.stop(c, 0);
    this.containers.delete(c.id);
    this.reservedNames.delete(c.name);
  }

  private requireStreamable(req: ExecRequest | AttachRequest | undefined): void {
    const c = this.findContainer(req?.containerId ?? '');
    if (!c) throw new CriError('NOT_FOUND', `failed to find container ${JSON.stringify(req?.containerId)} in store: not found`);
    if (c.state !== 'CONTAINER_RUNNING') throw new CriError('UNKNOWN', `container is in ${c.state} state`);
    if (!req!.stdin && !req!.stdout && !req!.stderr) {
      throw new CriError('INVALID_ARGUMENT', 'one of stdin, stdout, or stderr must be set');
    }
    if (req!.tty && req!.stderr) throw new CriError('INVALID_ARGUMENT', 'tty and stderr cannot both be true');
  }

  private streamingUrl(kind: 'exec' | 'attach' | 'portforward'): string {
    const token = randomToken();
    return this.options.streamingUrl?.(kind, token) ?? `http://127.0.0.1:10010/${kind}/${token}`;
  }
}
