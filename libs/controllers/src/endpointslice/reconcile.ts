import { endpointslices, selectorFromSet, type EndpointSlice, type EndpointSliceEndpoint, type Pod, type Service } from '@skiff/api';
import { isNotFound, splitObjectKey, type KubeClient, type Lister } from '@skiff/client';
import { canonicalJSON } from '../endpoints/canonical-json';
import { hasSelector, serviceDerivedLabels, sortedBy } from '../endpoints/pod-endpoints';
import { desiredEndpointGroups, endpointIdentity, serviceAddressTypes, sliceShapeKey, type EndpointGroup } from './desired-endpoints';
import type { SliceWriteTracker } from './slice-write-tracker';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const endpointSliceControllerName = 'endpointslice-controller.k8s.io';
export const maxEndpointsPerSlice = 100;

export interface EndpointSliceDeps {
  client: KubeClient;
  services: Lister<Service>;
  pods: Lister<Pod>;
  endpointSlices: Lister<EndpointSlice>;
  tracker: SliceWriteTracker;
  maxEndpointsPerSlice?: number;
}

/** The slices this controller manages for a Service, found by their labels. */
export function managedSlices(slices: Lister<EndpointSlice>, namespace: string, serviceName: string): EndpointSlice[] {
  return slices.listInNamespace(namespace).filter((s) => s.metadata.labels?.[serviceNameLabel] === serviceName && s.metadata.labels?.[managedByLabel] === endpointSliceControllerName);
}

/**
 * Makes a Service's EndpointSlices list its selected pods: endpoints are kept in the slice that already holds them,
 * updated in place; new ones fill slices with room before new slices are made; emptied slices are deleted, except
 * that a Service with no endpoints keeps one empty placeholder. Only changed slices are written.
 */
export async function reconcileEndpointSlices(key: string, deps: EndpointSliceDeps): Promise<void> {
  const { namespace = '', name } = splitObjectKey(key);
  const service = deps.services.get(namespace, name);
  const existing = managedSlices(deps.endpointSlices, namespace, name);
  if (deps.tracker.isStale(key, existing)) return;
  if (!service) {
    // Owner references would let the garbage collector do this; deleting here keeps clusters without it clean too.
    for (const slice of existing) await deleteSlice(deps, key, slice);
    deps.tracker.forget(key);
    return;
  }
  if (!hasSelector(service)) return;

  const owned = existing.filter((s) => s.metadata.ownerReferences?.some((r) => r.controller && r.uid === service.metadata.uid));
  for (const slice of existing.filter((s) => !owned.includes(s))) await deleteSlice(deps, key, slice);

  const groups = desiredEndpointGroups(service, deps.pods.listInNamespace(namespace, selectorFromSet(service.spec?.selector)));
  if (groups.size === 0) {
    const placeholder: EndpointGroup = { key: sliceShapeKey(serviceAddressTypes(service)[0], []), addressType: serviceAddressTypes(service)[0], ports: [], endpoints: new Map() };
    groups.set(placeholder.key, placeholder);
  }
  const limit = deps.maxEndpointsPerSlice ?? maxEndpointsPerSlice;
  const slicesByShape = new Map<string, EndpointSlice[]>();
  for (const slice of sortedBy(owned, (s) => s.metadata.name ?? '')) {
    const shape = sliceShapeKey(slice.addressType, slice.ports ?? []);
    slicesByShape.set(shape, [...(slicesByShape.get(shape) ?? []), slice]);
  }
  for (const [shape, slices] of slicesByShape) {
    if (!groups.has(shape)) for (const slice of slices) await deleteSlice(deps, key, slice);
  }
  for (const group of groups.values()) await reconcileGroup(service, group, slicesByShape.get(group.key) ?? [], limit, deps);
}

async function reconcileGroup(service: Service, group: EndpointGroup, slices: EndpointSlice[], limit: number, deps: EndpointSliceDeps): Promise<void> {
  const key = `${service.metadata.namespace}/${service.metadata.name}`;
  const unplaced = new Map(group.endpoints);
  // Endpoints stay where they are, so an update to one pod rewrites one slice rather than reshuffling all.
  const planned = slices.map((slice) => {
    const kept: EndpointSliceEndpoint[] = [];
    for (const ep of slice.endpoints ?? []) {
      const id = endpointIdentity(ep);
      const desired = unplaced.get(id);
      if (desired && kept.length < limit) {
        kept.push(desired);
        unplaced.delete(id);
      }
    }
    return { slice, endpoints: kept };
  });
  const rest = [...unplaced.values()];
  for (const p of planned) while (p.endpoints.length > 0 && p.endpoints.length < limit && rest.length) p.endpoints.push(rest.shift()!);
  // A group with no endpoints (the placeholder) still needs one slice.
  const needsOne = group.endpoints.size === 0 && planned.length > 0;
  for (const [i, p] of planned.entries()) {
    if (p.endpoints.length === 0 && !(needsOne && i === 0)) {
      if (rest.length) {
        p.endpoints.push(...rest.splice(0, limit));
      } else {
        await deleteSlice(deps, key, p.slice);
        continue;
      }
    }
    const desired = sliceBody(service, group, p.endpoints, p.slice);
    if (!sameSlice(p.slice, desired)) {
      const written = await deps.client.update<EndpointSlice>(endpointslices, desired);
      deps.tracker.wrote(key, written);
    }
  }
  const chunks: EndpointSliceEndpoint[][] = [];
  while (rest.length) chunks.push(rest.splice(0, limit));
  if (chunks.length === 0 && planned.length === 0) chunks.push([]);
  for (const chunk of chunks) {
    const created = await deps.client.create<EndpointSlice>(endpointslices, service.metadata.namespace, sliceBody(service, group, chunk));
    deps.tracker.wrote(key, created);
  }
}

function sliceBody(service: Service, group: EndpointGroup, endpoints: EndpointSliceEndpoint[], current?: EndpointSlice): EndpointSlice {
  const labels = { ...serviceDerivedLabels(service), [serviceNameLabel]: service.metadata.name!, [managedByLabel]: endpointSliceControllerName };
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: current
      ? { ...current.metadata, labels }
      : {
          generateName: `${service.metadata.name}-`,
          namespace: service.metadata.namespace,
          labels,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service.metadata.name!, uid: service.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
    addressType: group.addressType,
    endpoints: sortedBy(endpoints, endpointIdentity),
    ports: group.ports,
  };
}

function sameSlice(current: EndpointSlice, desired: EndpointSlice): boolean {
  const comparable = (s: EndpointSlice) => canonicalJSON({ labels: s.metadata.labels ?? {}, addressType: s.addressType, endpoints: sortedBy(s.endpoints ?? [], endpointIdentity), ports: s.ports ?? [] });
  return comparable(current) === comparable(desired);
}

async function deleteSlice(deps: EndpointSliceDeps, serviceKey: string, slice: EndpointSlice): Promise<void> {
  try {
    await deps.client.delete(endpointslices, slice.metadata.namespace, slice.metadata.name!);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  deps.tracker.deleted(serviceKey, slice.metadata.name!);
}
