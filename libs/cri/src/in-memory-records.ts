import { randomBytes } from 'node:crypto';
import type { InMemoryContainerStats } from './in-memory-options';
import {
  CriError,
  type ContainerConfig,
  type ContainerState,
  type ImageSpec,
  type Labels,
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
  /** Reported in the status even after stop, as containerd does; `holdsIp` says whether it is still allocated. */
  ip: string;
  holdsIp: boolean;
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

export const msToNs = (ms: number) => Math.round(ms * 1_000_000);
export const newId = () => randomBytes(32).toString('hex');
export const randomToken = () => randomBytes(6).toString('base64url');
export const matchesLabels = (labels: Labels, selector: Labels | undefined) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
export const toBuffer = (v: Buffer | string | undefined) => (typeof v === 'string' ? Buffer.from(v) : (v ?? Buffer.alloc(0)));

export function fullImageSpec(spec: ImageSpec | undefined): Required<ImageSpec> {
  return { annotations: {}, userSpecifiedImage: '', runtimeHandler: '', imageRef: '', ...spec, image: spec?.image ?? '' };
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
