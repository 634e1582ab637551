import type { ResourceType } from '@skiff/api';
import type { ListOptions, PatchOptions, WatchOptions } from './kube-client';

export interface ResourceLocation {
  namespace?: string;
  name?: string;
  subresource?: string;
}

/**
 * The Kubernetes URL of a resource collection, object or subresource:
 * `/api/v1/namespaces/{ns}/pods/{name}/status`, `/apis/apps/v1/deployments` (all namespaces), `/api/v1/nodes/{name}`.
 * The namespace is dropped for cluster-scoped types so callers may pass `obj.metadata.namespace` blindly.
 */
export function resourcePath(type: Pick<ResourceType, 'group' | 'version' | 'resource' | 'namespaced'>, loc: ResourceLocation = {}): string {
  const segments = [type.group === '' ? 'api' : 'apis'];
  if (type.group !== '') segments.push(type.group);
  segments.push(type.version);
  if (type.namespaced && loc.namespace) segments.push('namespaces', loc.namespace);
  else if (type.namespaced && loc.name !== undefined) {
    throw new Error(`${type.resource} are namespaced: a namespace is required to address "${loc.name}"`);
  }
  segments.push(type.resource);
  if (loc.name !== undefined) {
    if (loc.name === '') throw new Error(`an empty name cannot address a single ${type.resource} object`);
    segments.push(loc.name);
    if (loc.subresource) segments.push(loc.subresource);
  } else if (loc.subresource) {
    throw new Error(`subresource "${loc.subresource}" needs an object name`);
  }
  return '/' + segments.map(encodeURIComponent).join('/');
}

type QueryValue = string | number | boolean | undefined;

/** `?a=1&b=x` from the defined values, or '' when there are none. */
export function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.append(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

export function listQuery(opts: ListOptions = {}): Record<string, QueryValue> {
  return {
    labelSelector: opts.labelSelector,
    fieldSelector: opts.fieldSelector,
    limit: opts.limit,
    continue: opts.continue,
    resourceVersion: opts.resourceVersion,
    resourceVersionMatch: opts.resourceVersionMatch,
  };
}

export function watchQuery(opts: WatchOptions): Record<string, QueryValue> {
  return {
    ...listQuery(opts),
    watch: true,
    allowWatchBookmarks: opts.allowWatchBookmarks || undefined,
    timeoutSeconds: opts.timeoutSeconds,
  };
}

export function writeQuery(opts: PatchOptions = {}): Record<string, QueryValue> {
  return {
    fieldManager: opts.fieldManager,
    dryRun: opts.dryRun ? 'All' : undefined,
    fieldValidation: opts.fieldValidation,
    force: opts.force || undefined,
  };
}
