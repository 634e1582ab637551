import type { CriServiceName } from './cri-proto';
import {
  CriError,
  type Container,
  type ContainerMetadataStatus,
  type ContainerRuntime,
  type ContainerStats,
  type ContainerStatus,
  type ImageSpec,
  type PodSandbox,
  type PodSandboxMetadataStatus,
  type PodSandboxStatus,
} from './types';

/** The name of every method of the ContainerRuntime contract, one per CRI RPC. */
export type CriMethodName = keyof ContainerRuntime;

type Args<M extends CriMethodName> = Parameters<ContainerRuntime[M]>;
type Result<M extends CriMethodName> = Awaited<ReturnType<ContainerRuntime[M]>>;
type Message = Record<string, any>;

/**
 * How one ContainerRuntime method travels as a CRI RPC, in both directions: the client builds the request from
 * the method's arguments and reads its result from the response; the fake server does the reverse.
 */
export interface CriMethodSpec<M extends CriMethodName> {
  service: CriServiceName;
  rpc: string;
  toRequest(...args: Args<M>): Message;
  fromRequest(request: Message): Args<M>;
  toResponse(result: Result<M>): Message;
  fromResponse(response: Message): Result<M>;
}

// Runtimes always send these nested messages, but a decoded message lacks one that was left out; the
// defaults keep the "always present" promise of types.ts without inventing meaning.
const sandboxMetadata = (m: Message | undefined): PodSandboxMetadataStatus => ({
  name: '',
  uid: '',
  namespace: '',
  attempt: 0,
  ...m,
});
const containerMetadata = (m: Message | undefined): ContainerMetadataStatus => ({ name: '', attempt: 0, ...m });
const imageSpec = (s: Message | undefined): ImageSpec => ({
  image: '',
  annotations: {},
  userSpecifiedImage: '',
  runtimeHandler: '',
  imageRef: '',
  ...s,
});

const podSandbox = (s: Message): PodSandbox => ({ ...(s as PodSandbox), metadata: sandboxMetadata(s.metadata) });
const podSandboxStatus = (s: Message): PodSandboxStatus => ({
  ...(s as PodSandboxStatus),
  metadata: sandboxMetadata(s.metadata),
});
const container = (c: Message): Container => ({
  ...(c as Container),
  metadata: containerMetadata(c.metadata),
  image: imageSpec(c.image),
});
const containerStatus = (c: Message): ContainerStatus => ({
  ...(c as ContainerStatus),
  metadata: containerMetadata(c.metadata),
  image: imageSpec(c.image),
});
const containerStats = (s: Message): ContainerStats => {
  const attributes = s.attributes ?? {};
  return {
    ...(s as ContainerStats),
    attributes: { id: '', labels: {}, annotations: {}, ...attributes, metadata: containerMetadata(attributes.metadata) },
  };
};

function required(response: Message, field: string, rpc: string): Message {
  const value = response[field];
  if (value === undefined) throw new CriError('UNKNOWN', `${rpc} response has no ${field}`, rpc);
  return value;
}

const runtime = (rpc: string) => ({ service: 'RuntimeService' as const, rpc });
const image = (rpc: string) => ({ service: 'ImageService' as const, rpc });
const nothing = () => ({});

export const criMethods: { [M in CriMethodName]: CriMethodSpec<M> } = {
  version: {
    ...runtime('Version'),
    toRequest: () => ({ version: 'v1' }),
    fromRequest: () => [],
    toResponse: (r) => r,
    fromResponse: (r) => r as Result<'version'>,
  },
  status: {
    ...runtime('Status'),
    toRequest: (verbose) => ({ verbose: verbose ?? false }),
    fromRequest: (r) => [r.verbose],
    toResponse: (r) => r,
    fromResponse: (r) => ({ status: { conditions: [], ...r.status }, info: r.info }),
  },
  runPodSandbox: {
    ...runtime('RunPodSandbox'),
    toRequest: (config, runtimeHandler) => ({ config, runtimeHandler }),
    fromRequest: (r) => [r.config, r.runtimeHandler],
    toResponse: (podSandboxId) => ({ podSandboxId }),
    fromResponse: (r) => r.podSandboxId,
  },
  stopPodSandbox: {
    ...runtime('StopPodSandbox'),
    toRequest: (podSandboxId) => ({ podSandboxId }),
    fromRequest: (r) => [r.podSandboxId],
    toResponse: nothing,
    fromResponse: () => undefined,
  },
  removePodSandbox: {
    ...runtime('RemovePodSandbox'),
    toRequest: (podSandboxId) => ({ podSandboxId }),
    fromRequest: (r) => [r.podSandboxId],
    toResponse: nothing,
    fromResponse: () => undefined,
  },
  podSandboxStatus: {
    ...runtime('PodSandboxStatus'),
    toRequest: (podSandboxId) => ({ podSandboxId }),
    fromRequest: (r) => [r.podSandboxId],
    toResponse: (status) => ({ status }),
    fromResponse: (r) => podSandboxStatus(required(r, 'status', 'PodSandboxStatus')),
  },
  listPodSandbox: {
    ...runtime('ListPodSandbox'),
    toRequest: (filter) => ({ filter }),
    fromRequest: (r) => [r.filter],
    toResponse: (items) => ({ items }),
    fromResponse: (r) => (r.items as Message[]).map(podSandbox),
  },
  createContainer: {
    ...runtime('CreateContainer'),
    toRequest: (podSandboxId, config, sandboxConfig) => ({ podSandboxId, config, sandboxConfig }),
    fromRequest: (r) => [r.podSandboxId, r.config, r.sandboxConfig],
    toResponse: (containerId) => ({ containerId }),
    fromResponse: (r) => r.containerId,
  },
  startContainer: {
    ...runtime('StartContainer'),
    toRequest: (containerId) => ({ containerId }),
    fromRequest: (r) => [r.containerId],
    toResponse: nothing,
    fromResponse: () => undefined,
  },
  stopContainer: {
    ...runtime('StopContainer'),
    toRequest: (containerId, timeoutSeconds) => ({ containerId, timeout: timeoutSeconds }),
    fromRequest: (r) => [r.containerId, r.timeout],
    toResponse: nothing,
    fromResponse: () => undefined,
  },
  removeContainer: {
    ...runtime('RemoveContainer'),
    toRequest: (containerId) => ({ containerId }),
    fromRequest: (r) => [r.containerId],
    toResponse: nothing,
    fromResponse: () => undefined,
  },
  listContainers: {
    ...runtime('ListContainers'),
    toRequest: (filter) => ({ filter }),
    fromRequest: (r) => [r.filter],
    toResponse: (containers) => ({ containers }),
    fromResponse: (r) => (r.containers as Message[]).map(container),
  },
  containerStatus: {
    ...runtime('ContainerStatus'),
    toRequest: (containerId) => ({ containerId }),
    fromRequest: (r) => [r.containerId],
    toResponse: (status) => ({ status }),
    fromResponse: (r) => containerStatus(required(r, 'status', 'ContainerStatus')),
  },
  execSync: {
    ...runtime('ExecSync'),
    toRequest: (containerId, cmd, timeoutSeconds) => ({ containerId, cmd, timeout: timeoutSeconds }),
    fromRequest: (r) => [r.containerId, r.cmd, r.timeout],
    toResponse: (r) => r,
    fromResponse: (r) => r as Result<'execSync'>,
  },
  exec: {
    ...runtime('Exec'),
    toRequest: (req) => req,
    fromRequest: (r) => [r as Args<'exec'>[0]],
    toResponse: (url) => ({ url }),
    fromResponse: (r) => r.url,
  },
  attach: {
    ...runtime('Attach'),
    toRequest: (req) => req,
    fromRequest: (r) => [r as Args<'attach'>[0]],
    toResponse: (url) => ({ url }),
    fromResponse: (r) => r.url,
  },
  portForward: {
    ...runtime('PortForward'),
    toRequest: (req) => req,
    fromRequest: (r) => [r as Args<'portForward'>[0]],
    toResponse: (url) => ({ url }),
    fromResponse: (r) => r.url,
  },
  listContainerStats: {
    ...runtime('ListContainerStats'),
    toRequest: (filter) => ({ filter }),
    fromRequest: (r) => [r.filter],
    toResponse: (stats) => ({ stats }),
    fromResponse: (r) => (r.stats as Message[]).map(containerStats),
  },
  updateRuntimeConfig: {
    ...runtime('UpdateRuntimeConfig'),
    toRequest: (podCidr) => ({ runtimeConfig: { networkConfig: { podCidr } } }),
    fromRequest: (r) => [r.runtimeConfig?.networkConfig?.podCidr ?? ''],
    toResponse: nothing,
    fromResponse: () => undefined,
  },
  listImages: {
    ...image('ListImages'),
    toRequest: (filter) => ({ filter }),
    fromRequest: (r) => [r.filter],
    toResponse: (images) => ({ images }),
    fromResponse: (r) => r.images,
  },
  imageStatus: {
    ...image('ImageStatus'),
    toRequest: (image) => ({ image }),
    fromRequest: (r) => [imageSpec(r.image)],
    toResponse: (image) => ({ image }),
    fromResponse: (r) => r.image,
  },
  pullImage: {
    ...image('PullImage'),
    toRequest: (image, auth, sandboxConfig) => ({ image, auth, sandboxConfig }),
    fromRequest: (r) => [imageSpec(r.image), r.auth, r.sandboxConfig],
    toResponse: (imageRef) => ({ imageRef }),
    fromResponse: (r) => r.imageRef,
  },
  removeImage: {
    ...image('RemoveImage'),
    toRequest: (image) => ({ image }),
    fromRequest: (r) => [imageSpec(r.image)],
    toResponse: nothing,
    fromResponse: () => undefined,
  },
  imageFsInfo: {
    ...image('ImageFsInfo'),
    toRequest: nothing,
    fromRequest: () => [],
    toResponse: (imageFilesystems) => ({ imageFilesystems }),
    fromResponse: (r) => r.imageFilesystems,
  },
};

export const criMethodNames = Object.keys(criMethods) as CriMethodName[];
