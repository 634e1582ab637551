import type { ResourceType, SubresourceType } from '../scheme/resource-type';
import { refPrefix } from './component-schemas';
import {
  deleteCollectionParams,
  deleteParams,
  listParams,
  logParams,
  nameParam,
  namespaceParam,
  patchParams,
  prettyParam,
  writeParams,
} from './parameters';
import type { GroupVersionKindRef, HttpMethod, KubernetesAction, OpenAPIOperation, OpenAPIParameter, OpenAPIPathItem, OpenAPISchema } from './types';

/** Component names the operations of one resource refer to. */
export interface ResourceRefs {
  kind: string;
  /** Absent when the resource cannot be listed. */
  list?: string;
  status: string;
  deleteOptions: string;
  patch: string;
  /** Component names of subresource bodies whose kind differs from the resource's (Scale, Eviction, Binding). */
  subresourceKinds: Map<string, string>;
}

export interface OperationOptions {
  /** Offer application/strategic-merge-patch+json, which makes kubectl take merge keys from the schemas. */
  strategicMergePatch: boolean;
}

const json = (name: string) => ({ schema: { $ref: refPrefix + name } });
const bodyContent = (name: string) => ({ 'application/json': json(name), 'application/yaml': json(name) });
const ok = (name: string, description = 'OK') => ({ description, content: bodyContent(name) });

function patchContent(name: string, opts: OperationOptions): Record<string, { schema: OpenAPISchema }> {
  const types = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];
  if (opts.strategicMergePatch) types.push('application/strategic-merge-patch+json');
  return Object.fromEntries(types.map((t) => [t, json(name)]));
}

/** `CoreV1`, `AppsV1`, `CoordinationV1`: the group-version part of upstream operation ids. */
function operationGroup(t: { group: string; version: string }): string {
  const group = t.group ? t.group.split('.')[0] : 'core';
  return group[0].toUpperCase() + group.slice(1) + t.version[0].toUpperCase() + t.version.slice(1);
}

function tagOf(t: { group: string; version: string }): string {
  return `${t.group ? t.group.split('.')[0] : 'core'}_${t.version}`;
}

function capitalize(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

interface OperationSpec {
  verb: string;
  action: KubernetesAction;
  gvk: GroupVersionKindRef;
  description: string;
  parameters?: OpenAPIParameter[];
  requestBody?: OpenAPIOperation['requestBody'];
  responses: OpenAPIOperation['responses'];
}

/**
 * The paths of one resource: the collection (list, create, deletecollection), the item (get, update, patch,
 * delete), the all-namespaces list of namespaced kinds, and subresources. Every operation names its
 * group-version-kind and action, which is how kubectl finds the PATCH operation it checks for fieldValidation.
 */
export function resourcePaths(t: ResourceType, refs: ResourceRefs, opts: OperationOptions): Record<string, OpenAPIPathItem> {
  const prefix = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const gvk: GroupVersionKindRef = { group: t.group, version: t.version, kind: t.kind };
  const scope = t.namespaced ? 'Namespaced' : '';
  const collectionPath = t.namespaced ? `${prefix}/namespaces/{namespace}/${t.resource}` : `${prefix}/${t.resource}`;
  const itemPath = `${collectionPath}/{name}`;
  const group = operationGroup(t);
  const tags = [tagOf(t)];
  const has = (v: string) => t.verbs.includes(v as never);
  const operation = (id: string, s: OperationSpec): OpenAPIOperation => ({
    description: s.description,
    operationId: id,
    tags,
    ...(s.parameters ? { parameters: s.parameters } : {}),
    ...(s.requestBody ? { requestBody: s.requestBody } : {}),
    responses: s.responses,
    'x-kubernetes-action': s.action,
    'x-kubernetes-group-version-kind': s.gvk,
  });
  const pathParams = t.namespaced ? [namespaceParam, prettyParam] : [prettyParam];
  const itemParams = [nameParam(t.kind), ...pathParams];

  const paths: Record<string, OpenAPIPathItem> = {};
  const collection: OpenAPIPathItem = { parameters: pathParams };
  if (has('list')) {
    collection.get = operation(`list${group}${scope}${t.kind}`, {
      verb: 'list',
      action: 'list',
      gvk,
      description: `list or watch objects of kind ${t.kind}`,
      parameters: listParams,
      responses: { '200': ok(refs.list!) },
    });
  }
  if (has('create')) {
    collection.post = operation(`create${group}${scope}${t.kind}`, {
      verb: 'create',
      action: 'post',
      gvk,
      description: `create a ${t.kind}`,
      parameters: writeParams,
      requestBody: { content: bodyContent(refs.kind), required: true },
      responses: { '200': ok(refs.kind), '201': ok(refs.kind, 'Created'), '202': ok(refs.kind, 'Accepted') },
    });
  }
  if (has('deletecollection')) {
    collection.delete = operation(`delete${group}Collection${scope}${t.kind}`, {
      verb: 'deletecollection',
      action: 'deletecollection',
      gvk,
      description: `delete collection of ${t.kind}`,
      parameters: deleteCollectionParams,
      requestBody: { content: { 'application/json': json(refs.deleteOptions) } },
      responses: { '200': ok(refs.status) },
    });
  }
  if (collection.get || collection.post || collection.delete) paths[collectionPath] = collection;

  const item: OpenAPIPathItem = { parameters: itemParams };
  if (has('get')) {
    item.get = operation(`read${group}${scope}${t.kind}`, {
      verb: 'get',
      action: 'get',
      gvk,
      description: `read the specified ${t.kind}`,
      responses: { '200': ok(refs.kind) },
    });
  }
  if (has('update')) {
    item.put = operation(`replace${group}${scope}${t.kind}`, {
      verb: 'update',
      action: 'put',
      gvk,
      description: `replace the specified ${t.kind}`,
      parameters: writeParams,
      requestBody: { content: bodyContent(refs.kind), required: true },
      responses: { '200': ok(refs.kind), '201': ok(refs.kind, 'Created') },
    });
  }
  if (has('patch')) {
    item.patch = operation(`patch${group}${scope}${t.kind}`, {
      verb: 'patch',
      action: 'patch',
      gvk,
      description: `partially update the specified ${t.kind}`,
      parameters: patchParams,
      requestBody: { content: patchContent(refs.patch, opts), required: true },
      responses: { '200': ok(refs.kind), '201': ok(refs.kind, 'Created') },
    });
  }
  if (has('delete')) {
    item.delete = operation(`delete${group}${scope}${t.kind}`, {
      verb: 'delete',
      action: 'delete',
      gvk,
      description: `delete a ${t.kind}`,
      parameters: deleteParams,
      requestBody: { content: { 'application/json': json(refs.deleteOptions) } },
      responses: { '200': ok(refs.kind), '202': ok(refs.kind, 'Accepted') },
    });
  }
  if (item.get || item.put || item.patch || item.delete) paths[itemPath] = item;

  if (t.namespaced && has('list')) {
    paths[`${prefix}/${t.resource}`] = {
      parameters: [prettyParam],
      get: operation(`list${group}${t.kind}ForAllNamespaces`, {
        verb: 'list',
        action: 'list',
        gvk,
        description: `list or watch objects of kind ${t.kind} in every namespace`,
        parameters: listParams,
        responses: { '200': ok(refs.list!) },
      }),
    };
  }

  for (const sub of t.subresources) {
    const subItem = subresourcePath(t, sub, refs, opts, { group, scope, itemParams, operation });
    if (subItem) paths[`${itemPath}/${sub.name}`] = subItem;
  }
  return paths;
}

const methodOf: Record<string, HttpMethod> = { get: 'get', create: 'post', update: 'put', patch: 'patch', delete: 'delete' };

function subresourcePath(
  t: ResourceType,
  sub: SubresourceType,
  refs: ResourceRefs,
  opts: OperationOptions,
  ctx: { group: string; scope: string; itemParams: OpenAPIParameter[]; operation: (id: string, s: OperationSpec) => OpenAPIOperation },
): OpenAPIPathItem | undefined {
  const gvk = sub.kind ?? { group: t.group, version: t.version, kind: t.kind };
  const body = sub.kind ? refs.subresourceKinds.get(sub.name) : refs.kind;
  const suffix = capitalize(sub.name);
  const item: OpenAPIPathItem = { parameters: ctx.itemParams };
  const idFor = (prefix: string) => `${prefix}${ctx.group}${ctx.scope}${t.kind}${suffix}`;
  if (sub.name === 'log') {
    item.get = ctx.operation(idFor('read'), {
      verb: 'get',
      action: 'get',
      gvk,
      description: `read log of the specified ${t.kind}`,
      parameters: logParams,
      responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } },
    });
    return item;
  }
  for (const verb of sub.verbs) {
    const method = methodOf[verb];
    if (!method) continue;
    if (!body) {
      // Streams and proxies (exec, attach, portforward, proxy) take no typed body.
      item[method] = ctx.operation(`connect${ctx.group}${capitalize(method)}${ctx.scope}${t.kind}${suffix}`, {
        verb,
        action: 'connect',
        gvk,
        description: `connect ${method.toUpperCase()} requests to ${sub.name} of ${t.kind}`,
        responses: { '200': { description: 'OK', content: { '*/*': { schema: { type: 'string' } } } } },
      });
      continue;
    }
    const what = `${sub.name} of the specified ${t.kind}`;
    if (verb === 'get') {
      item.get = ctx.operation(idFor('read'), { verb, action: 'get', gvk, description: `read ${what}`, responses: { '200': ok(body) } });
    } else if (verb === 'update') {
      item.put = ctx.operation(idFor('replace'), {
        verb,
        action: 'put',
        gvk,
        description: `replace ${what}`,
        parameters: writeParams,
        requestBody: { content: bodyContent(body), required: true },
        responses: { '200': ok(body), '201': ok(body, 'Created') },
      });
    } else if (verb === 'patch') {
      item.patch = ctx.operation(idFor('patch'), {
        verb,
        action: 'patch',
        gvk,
        description: `partially update ${what}`,
        parameters: patchParams,
        requestBody: { content: patchContent(refs.patch, opts), required: true },
        responses: { '200': ok(body), '201': ok(body, 'Created') },
      });
    } else if (verb === 'create') {
      item.post = ctx.operation(idFor('create'), {
        verb,
        action: 'post',
        gvk,
        description: `create ${what}`,
        parameters: writeParams,
        requestBody: { content: bodyContent(body), required: true },
        responses: { '200': ok(body), '201': ok(body, 'Created'), '202': ok(body, 'Accepted') },
      });
    }
  }
  return item.get || item.put || item.patch || item.post || item.delete ? item : undefined;
}
