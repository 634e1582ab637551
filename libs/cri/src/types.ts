/**
 * TypeScript shapes of the CRI `runtime.v1` messages Skiff uses, as protobufjs presents them: camelCase field
 * names, enums as their string names, int64/uint64 as `number` (nanosecond timestamps lose sub-microsecond
 * precision), bytes as `Buffer`, maps as plain objects. Field names and meanings are upstream's
 * (k8s.io/cri-api pkg/apis/runtime/v1/api.proto); see proto/cri/runtime/v1/api.proto for the subset on the wire.
 *
 * Messages a kubelet builds (configs, filters, requests) have optional fields; messages a runtime returns
 * (statuses, lists) have every scalar, list and map field present, and optional nested messages where the
 * runtime may leave them out.
 */

export type Labels = Record<string, string>;

// ---- enums ----

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
/** POD: shared by the pod's containers; CONTAINER: the container's own; NODE: the host's; TARGET: another container's. */
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type SecurityProfileType = 'RuntimeDefault' | 'Unconfined' | 'Localhost';

export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
export const CONTAINER_STATES: readonly ContainerState[] = [
  'CONTAINER_CREATED',
  'CONTAINER_RUNNING',
  'CONTAINER_EXITED',
  'CONTAINER_UNKNOWN',
];
export const POD_SANDBOX_STATES: readonly PodSandboxState[] = ['SANDBOX_READY', 'SANDBOX_NOTREADY'];

// ---- small wrappers ----

/** A set int64; a missing wrapper means "not set" (e.g. runAsUser). */
export interface Int64Value {
  value: number;
}
export interface UInt64Value {
  value: number;
}

// ---- version and status ----

export interface VersionResponse {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

/** `type` is 'RuntimeReady' or 'NetworkReady' for the two conditions every runtime must report. */
export interface RuntimeCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface RuntimeStatus {
  conditions: RuntimeCondition[];
}

/** The CRI StatusResponse. `info` is filled only for verbose requests. */
export interface RuntimeStatusResponse {
  status: RuntimeStatus;
  info: Labels;
}

// ---- pod sandboxes ----

export interface DNSConfig {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

export interface PortMapping {
  protocol?: Protocol;
  containerPort?: number;
  hostPort?: number;
  hostIp?: string;
}

export interface NamespaceOption {
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
  /** Container id whose namespace to join when a mode is TARGET. */
  targetId?: string;
}

export interface SELinuxOption {
  user?: string;
  role?: string;
  type?: string;
  level?: string;
}

export interface SecurityProfile {
  profileType?: SecurityProfileType;
  localhostRef?: string;
}

export interface LinuxSandboxSecurityContext {
  namespaceOptions?: NamespaceOption;
  selinuxOptions?: SELinuxOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  privileged?: boolean;
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
}

export interface HugepageLimit {
  pageSize?: string;
  limit?: number;
}

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  hugepageLimits?: HugepageLimit[];
  unified?: Labels;
  memorySwapLimitInBytes?: number;
}

export interface LinuxPodSandboxConfig {
  cgroupParent?: string;
  securityContext?: LinuxSandboxSecurityContext;
  sysctls?: Labels;
  overhead?: LinuxContainerResources;
  resources?: LinuxContainerResources;
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt?: number;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  labels?: Labels;
  annotations?: Labels;
  linux?: LinuxPodSandboxConfig;
}

export interface PodIP {
  ip: string;
}

export interface PodSandboxNetworkStatus {
  ip: string;
  additionalIps: PodIP[];
}

export interface LinuxPodSandboxStatus {
  namespaces?: { options?: NamespaceOption };
}

/** Metadata as a runtime reports it: every field present. */
export type PodSandboxMetadataStatus = Required<PodSandboxMetadata>;

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadataStatus;
  state: PodSandboxState;
  /** Nanoseconds since the Unix epoch. */
  createdAt: number;
  network?: PodSandboxNetworkStatus;
  linux?: LinuxPodSandboxStatus;
  labels: Labels;
  annotations: Labels;
  runtimeHandler: string;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadataStatus;
  state: PodSandboxState;
  /** Nanoseconds since the Unix epoch. */
  createdAt: number;
  labels: Labels;
  annotations: Labels;
  runtimeHandler: string;
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState };
  /** Every pair must match the sandbox's labels. */
  labelSelector?: Labels;
}

// ---- containers ----

export interface ImageSpec {
  image: string;
  annotations?: Labels;
  userSpecifiedImage?: string;
  runtimeHandler?: string;
  imageRef?: string;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  selinuxRelabel?: boolean;
  propagation?: MountPropagation;
}

export interface Device {
  containerPath?: string;
  hostPath?: string;
  permissions?: string;
}

export interface Capability {
  addCapabilities?: string[];
  dropCapabilities?: string[];
  addAmbientCapabilities?: string[];
}

export interface LinuxContainerSecurityContext {
  capabilities?: Capability;
  privileged?: boolean;
  namespaceOptions?: NamespaceOption;
  selinuxOptions?: SELinuxOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  runAsUsername?: string;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
}

export interface LinuxContainerConfig {
  resources?: LinuxContainerResources;
  securityContext?: LinuxContainerSecurityContext;
}

export interface ContainerMetadata {
  name: string;
  attempt?: number;
}

export type ContainerMetadataStatus = Required<ContainerMetadata>;

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  devices?: Device[];
  labels?: Labels;
  annotations?: Labels;
  /** Relative to the sandbox's logDirectory. */
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: LinuxContainerConfig;
}

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadataStatus;
  image: ImageSpec;
  imageRef: string;
  state: ContainerState;
  /** Nanoseconds since the Unix epoch. */
  createdAt: number;
  labels: Labels;
  annotations: Labels;
}

export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadataStatus;
  state: ContainerState;
  /** Nanoseconds since the Unix epoch; 0 when not yet reached. */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  image: ImageSpec;
  imageRef: string;
  /** Short machine-readable reason, e.g. 'Completed', 'Error', 'OOMKilled'. */
  reason: string;
  message: string;
  labels: Labels;
  annotations: Labels;
  mounts: Mount[];
  logPath: string;
  resources?: { linux?: LinuxContainerResources };
}

export interface ContainerFilter {
  id?: string;
  state?: { state: ContainerState };
  podSandboxId?: string;
  labelSelector?: Labels;
}

// ---- exec, attach, port-forward ----

export interface ExecSyncResponse {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export interface ExecRequest {
  containerId: string;
  cmd: string[];
  tty?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface AttachRequest {
  containerId: string;
  stdin?: boolean;
  tty?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface PortForwardRequest {
  podSandboxId: string;
  port?: number[];
}

// ---- stats ----

export interface CpuUsage {
  /** Nanoseconds since the Unix epoch. */
  timestamp: number;
  usageCoreNanoSeconds?: UInt64Value;
  usageNanoCores?: UInt64Value;
}

export interface MemoryUsage {
  timestamp: number;
  workingSetBytes?: UInt64Value;
  availableBytes?: UInt64Value;
  usageBytes?: UInt64Value;
  rssBytes?: UInt64Value;
  pageFaults?: UInt64Value;
  majorPageFaults?: UInt64Value;
}

export interface FilesystemUsage {
  timestamp: number;
  fsId?: { mountpoint: string };
  usedBytes?: UInt64Value;
  inodesUsed?: UInt64Value;
}

export interface ContainerAttributes {
  id: string;
  metadata: ContainerMetadataStatus;
  labels: Labels;
  annotations: Labels;
}

export interface ContainerStats {
  attributes: ContainerAttributes;
  cpu?: CpuUsage;
  memory?: MemoryUsage;
  writableLayer?: FilesystemUsage;
}

export interface ContainerStatsFilter {
  id?: string;
  podSandboxId?: string;
  labelSelector?: Labels;
}

// ---- images ----

export interface Image {
  /** The image id (config digest), e.g. 'sha256:…'. */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  uid?: Int64Value;
  username: string;
  spec?: ImageSpec;
  pinned: boolean;
}

export interface ImageFilter {
  image?: ImageSpec;
}

export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

// ---- errors ----

/** gRPC status code names, the vocabulary of CriError.code. */
export type CriErrorCode =
  | 'OK'
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DATA_LOSS'
  | 'UNAUTHENTICATED';

/** gRPC status code names in numeric order: CRI_ERROR_CODES[n] is the name of status code n. */
export const CRI_ERROR_CODES: readonly CriErrorCode[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** An error from a container runtime: `code` is the gRPC status name, `message` the runtime's own words. */
export class CriError extends Error {
  constructor(
    readonly code: CriErrorCode,
    message: string,
    /** The RPC that failed, e.g. 'StartContainer', when known. */
    readonly method?: string,
  ) {
    super(message);
    this.name = 'CriError';
  }
}

export function isCriError(err: unknown, code?: CriErrorCode): err is CriError {
  return err instanceof CriError && (code === undefined || err.code === code);
}

export function isNotFound(err: unknown): err is CriError {
  return isCriError(err, 'NOT_FOUND');
}

// ---- services ----

export interface RuntimeService {
  version(): Promise<VersionResponse>;
  /** Conditions RuntimeReady and NetworkReady. */
  status(verbose?: boolean): Promise<RuntimeStatusResponse>;
  /** Returns the new sandbox's id. */
  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string>;
  stopPodSandbox(podSandboxId: string): Promise<void>;
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;
  /** Returns the new container's id. */
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  containerStatus(containerId: string): Promise<ContainerStatus>;
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse>;
  /** Returns the streaming server URL the caller connects to. */
  exec(req: ExecRequest): Promise<string>;
  attach(req: AttachRequest): Promise<string>;
  portForward(req: PortForwardRequest): Promise<string>;
  listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]>;
  updateRuntimeConfig(podCidr: string): Promise<void>;
}

export interface ImageService {
  listImages(filter?: ImageFilter): Promise<Image[]>;
  /** Undefined when the image is not present. */
  imageStatus(image: ImageSpec): Promise<Image | undefined>;
  /** Returns the image reference (id or digest) of the pulled image. */
  pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string>;
  removeImage(image: ImageSpec): Promise<void>;
  imageFsInfo(): Promise<FilesystemUsage[]>;
}

export type ContainerRuntime = RuntimeService & ImageService;
