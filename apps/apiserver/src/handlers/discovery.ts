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
