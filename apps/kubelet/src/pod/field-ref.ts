import { Quantity, type Container, type Pod } from '@skiff/api';
import { ContainerConfigError } from './errors';

/** The node and sandbox facts a downward-API value may name, which the pod object itself may not carry yet. */
export interface DownwardAPIContext {
  /** The pod's IPs as the sandbox reported them; the first is `status.podIP`. */
  podIPs?: string[];
  /** The node's IPs; the first is `status.hostIP`. */
  hostIPs?: string[];
}

/** Resource amounts such as node allocatable (`{cpu: "2", memory: "4Gi"}`). */
export type ResourceAmounts = Record<string, string | number>;

/** Go's %q for the strings Kubernetes writes for whole label and annotation maps. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** Labels or annotations as the downward API presents a whole map: `key="value"` lines in key order. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k])}`)
    .join('\n');
}

/** `metadata.labels['app']` → ['metadata.labels', 'app']. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const open = fieldPath.indexOf("['");
  if (open <= 0) return undefined;
  return [fieldPath.slice(0, open), fieldPath.slice(open + 2, -2)];
}

/** The value of a pod field reference (`fieldRef.fieldPath`), as env vars and downwardAPI volumes see it. */
export function podFieldValue(pod: Pod, fieldPath: string, ctx: DownwardAPIContext = {}): string {
  const sub = splitSubscript(fieldPath);
  if (sub) {
    const [path, key] = sub;
    if (path === 'metadata.labels') return pod.metadata.labels?.[key] ?? '';
    if (path === 'metadata.annotations') return pod.metadata.annotations?.[key] ?? '';
    throw new ContainerConfigError(`fieldPath "${fieldPath}" does not support subscript`);
  }
  const podIPs = ctx.podIPs ?? pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  const hostIPs = ctx.hostIPs ?? pod.status?.hostIPs?.map((p) => p.ip) ?? (pod.status?.hostIP ? [pod.status.hostIP] : []);
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
      return hostIPs[0] ?? '';
    case 'status.hostIPs':
      return hostIPs.join(',');
    case 'status.podIP':
      return podIPs[0] ?? '';
    case 'status.podIPs':
      return podIPs.join(',');
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
  }
}

const mergedFromAllocatable = ['cpu', 'memory', 'ephemeral-storage'];

function parse(q: string | number): Quantity {
  return Quantity.parse(q);
}

/**
 * The value of a resource field reference (`limits.cpu`, `requests.memory`, ...) for a container, divided by the
 * divisor (default 1) and rounded up. A limit the container leaves unset reads as the node's allocatable
 * amount, as the kubelet defaults it for the downward API.
 */
export function containerResourceValue(
  container: Container,
  resource: string,
  divisor: string | number | undefined,
  allocatable: ResourceAmounts,
): string {
  let d = divisor === undefined || divisor === '' ? parse(1) : parse(divisor);
  if (d.isZero()) d = parse(1);
  const dot = resource.indexOf('.');
  const kind = resource.slice(0, dot);
  const name = resource.slice(dot + 1);
  if (dot <= 0 || (kind !== 'limits' && kind !== 'requests')) {
    throw new ContainerConfigError(`unsupported container resource : ${resource}`);
  }
  if (!mergedFromAllocatable.includes(name) && !name.startsWith('hugepages-')) {
    throw new ContainerConfigError(`unsupported container resource : ${resource}`);
  }
  let amount = container.resources?.[kind]?.[name];
  if (kind === 'limits' && mergedFromAllocatable.includes(name) && (amount === undefined || parse(amount).isZero())) {
    amount = allocatable[name];
  }
  const q = amount === undefined ? parse(0) : parse(amount);
  if (name === 'cpu') return String(Math.ceil(q.milliValue() / d.milliValue()));
  return String(Math.ceil(q.value() / d.value()));
}

/** The container a downwardAPI volume's resourceFieldRef names, among the pod's containers and init containers. */
export function findContainer(pod: Pod, name: string): Container {
  const c = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((x) => x.name === name);
  if (!c) throw new ContainerConfigError(`container ${name} not found`);
  return c;
}
