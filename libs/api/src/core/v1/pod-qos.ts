import { Quantity } from '../../quantity';

export type PodQOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

type QuantityValue = string | number | Quantity;
interface ResourcesLike {
  requests?: Record<string, QuantityValue>;
  limits?: Record<string, QuantityValue>;
}
/** The parts of a pod its QoS class depends on; a full Pod fits. */
export interface PodQOSInput {
  spec?: {
    containers?: { resources?: ResourcesLike }[];
    initContainers?: { resources?: ResourcesLike }[];
    resources?: ResourcesLike;
  };
}

/** Only cpu and memory decide a pod's QoS class (Kubernetes' isSupportedQoSComputeResource). */
const qosResources = ['cpu', 'memory'] as const;

function positive(value: QuantityValue | undefined): Quantity | undefined {
  if (value === undefined) return undefined;
  let q: Quantity;
  try {
    q = value instanceof Quantity ? value : Quantity.parse(value);
  } catch {
    return undefined; // validation rejects bad quantities; an unparsable one counts as unset here
  }
  return q.sign() > 0 ? q : undefined;
}

function addTo(totals: Map<string, Quantity>, name: string, q: Quantity): void {
  const sofar = totals.get(name);
  totals.set(name, sofar ? sofar.add(q) : q);
}

/**
 * Kubernetes' QoS class. Requests and limits of cpu and memory (zero amounts ignored) are summed over the
 * containers and init containers, or taken from pod-level `spec.resources` when that is set. BestEffort when
 * none are set; Guaranteed when every container (or the pod level) limits both cpu and memory and the summed
 * requests equal the summed limits; Burstable otherwise. A request left out counts as its limit, as defaulting
 * would make it.
 */
export function podQOSClass(pod: PodQOSInput): PodQOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const podLevel = pod.spec?.resources;
  const sets: ResourcesLike[] =
    podLevel && (Object.keys(podLevel.requests ?? {}).length > 0 || Object.keys(podLevel.limits ?? {}).length > 0)
      ? [podLevel]
      : [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.resources ?? {});
  for (const resources of sets) {
    let limited = 0;
    for (const name of qosResources) {
      const limit = positive(resources.limits?.[name]);
      const request = positive(resources.requests?.[name] ?? resources.limits?.[name]);
      if (request) addTo(requests, name, request);
      if (limit) {
        addTo(limits, name, limit);
        limited++;
      }
    }
    if (limited < qosResources.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, request] of requests) {
      const limit = limits.get(name);
      if (!limit || !limit.equals(request)) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
