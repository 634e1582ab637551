import { randomBytes } from 'node:crypto';
import type { InMemoryContainerStats } from './in-memory-options';
import {
  CriError,
  type ContainerConfig,
  type ContainerState,
  type ImageSpec,
  type Labels,
  type LinuxContainerResources,
  type Mount,
  type NamespaceOption,
  type PodSandboxConfig,
  type PodSandboxState,
} from './types';

// The records InMemoryRuntime keeps per sandbox and container, and the helpers that turn what a kubelet sent
// into what a runtime reports (every field present, as after a trip through protobuf).

export interface SandboxRecord {
  id: string;
  name: string;
  config: PodSandboxConfig;
  state: PodSandboxState;
  createdAt: number;
  /** The pod IP while the sandbox runs; '' for host-network sandboxes and after stop, as containerd reports. */
  ip: string;
  /** The pod network namespace still exists, so stopping must tear the CNI network down (and fails without CNI). */
  netnsOpen: boolean;
  runtimeHandler: string;
}

export interface ContainerRecord {
  id: string;
  name: string;
  podSandboxId: string;
  config: ContainerConfig;
  imageId: string;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  stats: InMemoryContainerStats;
}

/** Go's zero time in nanoseconds: containerd's createdAt for a sandbox whose set-up failed half way. */
export const GO_ZERO_TIME_NS = -6795364578871345000;

export const msToNs = (ms: number) => Math.round(ms * 1_000_000);
export const newId = () => randomBytes(32).toString('hex');
export const randomToken = () => randomBytes(6).toString('base64url');
export const matchesLabels = (labels: Labels, selector: Labels | undefined) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
export const toBuffer = (v: Buffer | string | undefined) => (typeof v === 'string' ? Buffer.from(v) : (v ?? Buffer.alloc(0)));

export function fullImageSpec(spec: ImageSpec | undefined): Required<ImageSpec> {
  return { annotations: {}, userSpecifiedImage: '', runtimeHandler: '', imageRef: '', ...spec, image: spec?.image ?? '' };
}

/** Resources as containerd reports them back; an unset swap limit reads as the memory limit, as runc sets it. */
export function fullResources(r: LinuxContainerResources): Required<LinuxContainerResources> {
  return {
    cpuPeriod: 0,
    cpuQuota: 0,
    cpuShares: 0,
    memoryLimitInBytes: 0,
    oomScoreAdj: 0,
    cpusetCpus: '',
    cpusetMems: '',
    hugepageLimits: [],
    unified: {},
    ...r,
    memorySwapLimitInBytes: r.memorySwapLimitInBytes || r.memoryLimitInBytes || 0,
  };
}

export function fullMount(m: Mount): Required<Mount> {
  return { readonly: false, selinuxRelabel: false, propagation: 'PROPAGATION_PRIVATE', ...m };
}

export function fullNamespaceOptions(o: NamespaceOption | undefined): Required<NamespaceOption> {
  return { network: 'POD', pid: 'POD', ipc: 'POD', targetId: '', ...o };
}

/** Resolves an id or a unique prefix of one, as containerd's stores do. */
export function resolveId<T>(records: Map<string, T>, id: string): T | undefined {
  if (!id) return undefined;
  const exact = records.get(id);
  if (exact) return exact;
  const matches = [...records.keys()].filter((k) => k.startsWith(id));
  if (matches.length > 1) throw new CriError('UNKNOWN', `ambiguous ID ${JSON.stringify(id)}`);
  return matches.length === 1 ? records.get(matches[0]) : undefined;
}
