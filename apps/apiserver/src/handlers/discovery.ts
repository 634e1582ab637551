import { apiVersionOf, type ResourceType, type Scheme } from '@skiff/api';

/** Kubernetes' legacy discovery documents, derived from the scheme. */

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupVersions(scheme: Scheme): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const gv of scheme.groupVersions()) {
    if (gv.group === '') continue;
    const versions = groups.get(gv.group) ?? [];
    if (!versions.includes(gv.version)) versions.push(gv.version);
    groups.set(gv.group, versions);
  }
  return groups;
}

function apiGroup(name: string, versions: string[]) {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(scheme: Scheme) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groupVersions(scheme)].map(([name, versions]) => apiGroup(name, versions)),
  };
}

export function apiGroupDoc(scheme: Scheme, group: string) {
  const versions = groupVersions(scheme).get(group);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) } : undefined;
}

function resourceEntries(t: ResourceType) {
  const main = {
    name: t.resource,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
    ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories.length ? { categories: t.categories } : {}),
  };
  const subs = t.subresources.map((s) => ({
    name: `${t.resource}/${s.name}`,
    singularName: '',
    namespaced: t.namespaced,
    ...(s.kind && (s.kind.group !== t.group || s.kind.version !== t.version) ? { group: s.kind.group, version: s.kind.version } : {}),
    kind: s.kind?.kind ?? t.kind,
    verbs: s.verbs,
  }));
  return [main, ...subs];
}

export function apiResourceList(scheme: Scheme, group: string, version: string) {
  const types = scheme.all.filter((t) => t.group === group && t.version === version);
  if (!types.length) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources: types.flatMap(resourceEntries),
  };
}

/** The media type of aggregated discovery; clients look at the response's media type, not at the body. */
export const aggregatedDiscoveryType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when the Accept header asks for aggregated discovery v2 (v2beta1-only clients get legacy discovery). */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('g=apidiscovery.k8s.io') && params.includes('v=v2') && params.includes('as=APIGroupDiscoveryList');
  });
}

function discoveredResource(t: ResourceType) {
  return {
    resource: t.resource,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
    ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories.length ? { categories: t.categories } : {}),
    ...(t.subresources.length
      ? {
          subresources: t.subresources.map((s) => ({
            subresource: s.name,
            responseKind: s.kind ?? { group: t.group, version: t.version, kind: t.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList for the core group (`/api`) or the named groups (`/apis`). */
export function aggregatedDiscovery(scheme: Scheme, core: boolean) {
  const groups = new Map<string, Map<string, ResourceType[]>>();
  for (const t of scheme.all) {
    if ((t.group === '') !== core) continue;
    const versions = groups.get(t.group) ?? new Map<string, ResourceType[]>();
    versions.set(t.version, [...(versions.get(t.version) ?? []), t]);
    groups.set(t.group, versions);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: [...groups].map(([group, versions]) => ({
      metadata: { name: group },
      versions: [...versions].map(([version, types]) => ({
        version,
        resources: types.map(discoveredResource),
        freshness: 'Current',
      })),
    })),
  };
}
