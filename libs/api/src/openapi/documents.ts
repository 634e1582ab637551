import type { ResourceType } from '../scheme/resource-type';
import type { Scheme } from '../scheme/scheme';
import { ComponentSchemas, patchName } from './component-schemas';
import { resourcePaths, type OperationOptions, type ResourceRefs } from './operations';
import { metaV1Package, packageOf } from './schema-names';
import type { OpenAPIDocument, OpenAPIPathItem, OpenAPISchema } from './types';

export interface OpenAPIV3Options extends Partial<OperationOptions> {
  /** `info.version`: the Kubernetes version the server reports, e.g. `v1.32.4`. */
  version: string;
  title?: string;
}

/** `api/v1` for the core group, `apis/<group>/<version>` otherwise: the keys of `/openapi/v3`'s `paths`. */
export function groupVersionPath(gv: { group: string; version: string }): string {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

/** The paths of one group-version and the component schemas they refer to directly. */
export interface GroupVersionPaths {
  /** groupVersionPath: `api/v1`, `apis/apps/v1`. */
  key: string;
  paths: Record<string, OpenAPIPathItem>;
  roots: Set<string>;
}

/**
 * What both OpenAPI versions are built from: every group-version's paths (OpenAPI 3 operations) and the shared
 * component schemas, of which each document takes the closure of what its paths reach.
 */
export interface OpenAPIModel {
  groupVersions: GroupVersionPaths[];
  closure(roots: Iterable<string>): Record<string, OpenAPISchema>;
}

export function buildOpenAPIModel(scheme: Scheme, opts: Partial<OperationOptions> = {}): OpenAPIModel {
  const operationOptions: OperationOptions = { strategicMergePatch: opts.strategicMergePatch ?? true };
  const components = new ComponentSchemas();
  // Kinds first, so that a struct that is both a kind and a field elsewhere is built as a kind.
  const kindNames = new Map<ResourceType, string>();
  for (const t of scheme.all) kindNames.set(t, components.addKind({ group: t.group, version: t.version, kind: t.kind }, t.schema));
  const status = components.addNamed(`${metaV1Package}.Status`);
  const deleteOptions = components.addNamed(`${metaV1Package}.DeleteOptions`);
  const patch = components.addNamed(patchName);

  // Every component is added before any document takes its closure, so all documents see the same schemas.
  const refs = new Map<ResourceType, ResourceRefs>();
  for (const t of scheme.all) {
    const kind = kindNames.get(t)!;
    const list = t.verbs.includes('list') ? components.addList({ group: t.group, version: t.version, kind: t.listKind }, kind) : undefined;
    const subresourceKinds = new Map<string, string>();
    for (const sub of t.subresources) {
      const name = sub.kind && subresourceKindName(scheme, components, sub.kind, kindNames);
      if (name) subresourceKinds.set(sub.name, name);
    }
    refs.set(t, { kind, list, status, deleteOptions, patch, subresourceKinds });
  }

  const groupVersions = scheme.groupVersions().map((gv): GroupVersionPaths => {
    const paths: Record<string, OpenAPIPathItem> = {};
    const roots = new Set<string>([status, deleteOptions, patch]);
    for (const t of scheme.all.filter((r) => r.group === gv.group && r.version === gv.version)) {
      const r = refs.get(t)!;
      roots.add(r.kind);
      if (r.list) roots.add(r.list);
      for (const name of r.subresourceKinds.values()) roots.add(name);
      Object.assign(paths, resourcePaths(t, r, operationOptions));
    }
    return { key: groupVersionPath(gv), paths: sortKeys(paths), roots };
  });
  return { groupVersions, closure: (roots) => components.closure(roots) };
}

/**
 * One OpenAPI 3.0 document per group-version of the scheme, keyed by groupVersionPath, as Kubernetes serves
 * them under `/openapi/v3/<key>`: the paths of every resource in that group-version and the component
 * schemas those paths reach.
 */
export function buildOpenAPIV3Documents(scheme: Scheme, opts: OpenAPIV3Options): Map<string, OpenAPIDocument> {
  const model = buildOpenAPIModel(scheme, opts);
  const docs = new Map<string, OpenAPIDocument>();
  for (const gv of model.groupVersions) {
    docs.set(gv.key, {
      openapi: '3.0.0',
      info: { title: opts.title ?? 'Kubernetes', version: opts.version },
      paths: gv.paths,
      components: { schemas: model.closure(gv.roots) },
    });
  }
  return docs;
}

/** The component of a subresource's body kind: a served kind, or an exported schema such as autoscaling/v1 Scale. */
function subresourceKindName(
  scheme: Scheme,
  components: ComponentSchemas,
  gvk: { group: string; version: string; kind: string },
  kindNames: Map<ResourceType, string>,
): string | undefined {
  const served = scheme.all.find((r) => r.group === gvk.group && r.version === gvk.version && r.kind === gvk.kind);
  if (served) return kindNames.get(served);
  const schema = components.schemaNamed(`${packageOf(gvk.group, gvk.version)}.${gvk.kind}`);
  return schema ? components.addKind(gvk, schema) : undefined;
}

export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
