import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { criMethods, type CriMethodName } from './cri-methods';
import { criMethodDefinition } from './cri-proto';
import {
  CRI_ERROR_CODES,
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
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type PortForwardRequest,
  type RuntimeStatusResponse,
  type VersionResponse,
} from './types';

/** containerd's own gRPC receive limit; ListContainers/ListImages on a busy node can pass grpc-js's 4 MiB default. */
export const CRI_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const quickMs = 10_000;
/** The kubelet's default --runtime-request-timeout, for calls that start or stop processes or networks. */
const lifecycleMs = 2 * 60_000;

/** Deadlines per RPC; StopContainer and ExecSync add their own timeout argument on top (see deadlineMs). */
export const defaultCriTimeoutsMs: Record<CriMethodName, number> = {
  version: quickMs,
  status: quickMs,
  runPodSandbox: lifecycleMs,
  stopPodSandbox: lifecycleMs,
  removePodSandbox: lifecycleMs,
  podSandboxStatus: quickMs,
  listPodSandbox: quickMs,
  createContainer: lifecycleMs,
  startContainer: lifecycleMs,
  stopContainer: lifecycleMs,
  removeContainer: lifecycleMs,
  listContainers: quickMs,
  containerStatus: quickMs,
  execSync: quickMs,
  exec: quickMs,
  attach: quickMs,
  portForward: quickMs,
  listContainerStats: quickMs,
  updateRuntimeConfig: quickMs,
  listImages: quickMs,
  imageStatus: quickMs,
  // Pulls move whole images; containerd cancels a pull that stops making progress on its own.
  pullImage: 10 * 60_000,
  removeImage: lifecycleMs,
  imageFsInfo: quickMs,
};

export interface CriClientOptions {
  /** Overrides of defaultCriTimeoutsMs. */
  timeoutsMs?: Partial<Record<CriMethodName, number>>;
  maxReceiveMessageBytes?: number;
}

/** `unix:///abs/path.sock`, `unix:/abs/path.sock` or a bare absolute path → the grpc-js target `unix:///abs/path.sock`. */
export function criTarget(endpoint: string): string {
  const socketPath = endpoint.startsWith('unix://')
    ? endpoint.slice('unix://'.length)
    : endpoint.startsWith('unix:')
      ? endpoint.slice('unix:'.length)
      : endpoint;
  if (!path.isAbsolute(socketPath) || socketPath.includes('://')) {
    throw new Error(`CRI endpoint ${JSON.stringify(endpoint)} must be unix:///absolute/path.sock or an absolute socket path`);
  }
  return `unix://${socketPath}`;
}

function toCriError(err: unknown, rpc: string): CriError {
  const e = err as Partial<grpc.ServiceError>;
  if (typeof e.code === 'number') {
    return new CriError(CRI_ERROR_CODES[e.code] ?? 'UNKNOWN', e.details || e.message || 'unknown error', rpc);
  }
  return new CriError('UNKNOWN', err instanceof Error ? err.message : String(err), rpc);
}

/** The ContainerRuntime contract over a CRI runtime.v1 gRPC socket (containerd, CRI-O, or FakeCriServer). */
export class CriClient implements ContainerRuntime {
  readonly target: string;
  private readonly client: grpc.Client;
  private readonly timeoutsMs: Record<CriMethodName, number>;

  constructor(endpoint: string, options: CriClientOptions = {}) {
    this.target = criTarget(endpoint);
    this.timeoutsMs = { ...defaultCriTimeoutsMs, ...options.timeoutsMs };
    const maxBytes = options.maxReceiveMessageBytes ?? CRI_MAX_MESSAGE_BYTES;
    this.client = new grpc.Client(this.target, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': maxBytes,
      'grpc.max_send_message_length': maxBytes,
    });
  }

  /** How long `method` may take with these arguments: the RPC's default plus any timeout the caller asked for. */
  deadlineMs(method: CriMethodName, args: unknown[] = []): number {
    const base = this.timeoutsMs[method];
    if (method === 'stopContainer') return base + Math.max(0, Number(args[1]) || 0) * 1000;
    if (method === 'execSync') {
      const seconds = Number(args[2]) || 0;
      // Zero means "no timeout" to a runtime; the kubelet still bounds it by its runtime request timeout.
      return seconds > 0 ? base + seconds * 1000 : lifecycleMs;
    }
    return base;
  }

  private call<M extends CriMethodName>(
    method: M,
    ...args: Parameters<ContainerRuntime[M]>
  ): Promise<Awaited<ReturnType<ContainerRuntime[M]>>> {
    const spec = criMethods[method];
    const definition = criMethodDefinition(spec.service, spec.rpc);
    return new Promise((resolve, reject) => {
      let request: object;
      try {
        request = (spec.toRequest as (...a: unknown[]) => object)(...args);
      } catch (err) {
        return reject(toCriError(err, spec.rpc));
      }
      const deadline = new Date(Date.now() + this.deadlineMs(method, args));
      this.client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        new grpc.Metadata(),
        { deadline },
        (err, response) => {
          if (err) return reject(toCriError(err, spec.rpc));
          try {
            resolve(spec.fromResponse(response) as Awaited<ReturnType<ContainerRuntime[M]>>);
          } catch (e) {
            reject(e instanceof CriError ? e : toCriError(e, spec.rpc));
          }
        },
      );
    });
  }

  version(): Promise<VersionResponse> {
    return this.call('version');
  }
  status(verbose?: boolean): Promise<RuntimeStatusResponse> {
    return this.call('status', verbose);
  }
  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string> {
    return this.call('runPodSandbox', config, runtimeHandler);
  }
  stopPodSandbox(podSandboxId: string): Promise<void> {
    return this.call('stopPodSandbox', podSandboxId);
  }
  removePodSandbox(podSandboxId: string): Promise<void> {
    return this.call('removePodSandbox', podSandboxId);
  }
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    return this.call('podSandboxStatus', podSandboxId);
  }
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    return this.call('listPodSandbox', filter);
  }
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    return this.call('createContainer', podSandboxId, config, sandboxConfig);
  }
  startContainer(containerId: string): Promise<void> {
    return this.call('startContainer', containerId);
  }
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    return this.call('stopContainer', containerId, timeoutSeconds);
  }
  removeContainer(containerId: string): Promise<void> {
    return this.call('removeContainer', containerId);
  }
  listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return this.call('listContainers', filter);
  }
  containerStatus(containerId: string): Promise<ContainerStatus> {
    return this.call('containerStatus', containerId);
  }
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
    return this.call('execSync', containerId, cmd, timeoutSeconds);
  }
  exec(req: ExecRequest): Promise<string> {
    return this.call('exec', req);
  }
  attach(req: AttachRequest): Promise<string> {
    return this.call('attach', req);
  }
  portForward(req: PortForwardRequest): Promise<string> {
    return this.call('portForward', req);
  }
  listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]> {
    return this.call('listContainerStats', filter);
  }
  updateRuntimeConfig(podCidr: string): Promise<void> {
    return this.call('updateRuntimeConfig', podCidr);
  }
  listImages(filter?: ImageFilter): Promise<Image[]> {
    return this.call('listImages', filter);
  }
  imageStatus(image: ImageSpec): Promise<Image | undefined> {
    return this.call('imageStatus', image);
  }
  pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    return this.call('pullImage', image, auth, sandboxConfig);
  }
  removeImage(image: ImageSpec): Promise<void> {
    return this.call('removeImage', image);
  }
  imageFsInfo(): Promise<FilesystemUsage[]> {
    return this.call('imageFsInfo');
  }

  close(): void {
    this.client.close();
  }
}
