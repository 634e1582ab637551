import type { Request, Response } from 'express';
import { ScaleSchema, labelSelectorFromObject, type DeleteOptions, type KObject } from '@skiff/api';
import { userOf } from '../auth/request-user';
import { fieldManagerOf } from '../registry/field-manager';
import { registryByName, registryFor, type ApiContext } from './api-context';
import { decodeObject, fieldValidationOf } from './decode';
import { evictPod } from './eviction';
import { createServiceAccountToken } from './token-request';
import type { RequestInfo } from './request-info';
import { checkIdentity, patchObject } from './object-writes';
import { sendJSON } from './respond';
import { badRequest, conflict, methodNotAllowed } from './status-error';
import { serveKubeletSubresource } from './kubelet-subresources';
import { deleteOptionsFrom, isDryRun } from './write-options';
import { mediaTypeOf, parseJSON, readBody, readObjectBody } from './body';
import { jsonPatch, mergePatch, strategicPatch } from './patch';

type Query = Record<string, unknown>;

const success = (code: number) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code });

/** Subresources: status, finalize and approval (partial updates), scale, binding, eviction, and the kubelet-served ones. */
export async function serveSubresource(ctx: ApiContext, info: RequestInfo, req: Request, res: Response): Promise<void> {
  const { type, namespace, name, subresource, verb } = info;
  const registry = registryFor(ctx, type);
  const query = req.query as Query;
  const writeCtx = { user: userOf(req), dryRun: isDryRun(query), fieldManager: fieldManagerOf(req) };
  const sub = type.subresources.find((s) => s.name === subresource)!;
  const subVerb = verb === 'create' ? 'create' : verb;
  if (!sub.verbs.includes(subVerb)) throw methodNotAllowed(`${verb} is not supported on ${type.resource}/${subresource}`);

  switch (subresource) {
    case 'status':
    case 'finalize':
    case 'approval': {
      if (verb === 'get') return sendJSON(res, 200, await registry.get(namespace, name!));
      if (verb === 'patch') return sendJSON(res, 200, (await patchObject(ctx, info, req, subresource)).updated);
      const body = await readObjectBody(req);
      const { obj } = decodeObject(type, body, fieldValidationOf(query));
      checkIdentity(obj, info);
      return sendJSON(res, 200, await registry.update(namespace, name!, () => obj, writeCtx, { subresource }));
    }
    case 'scale':
      return serveScale(ctx, info, req, res);
    case 'binding': {
      const body = await readObjectBody(req);
      return bindPod(ctx, namespace!, name!, body, res, writeCtx.dryRun);
    }
    case 'eviction': {
      const body = await readObjectBody(req);
      if (body.metadata && typeof body.metadata === 'object' && (body.metadata as { name?: string }).name && (body.metadata as { name?: string }).name !== name) {
        throw badRequest(`name in URL does not match name in Eviction object`);
      }
      const opts = deleteOptionsFrom(body.deleteOptions as Record<string, unknown> | undefined, {});
      await evictPod(ctx, namespace!, name!, opts as DeleteOptions, writeCtx);
      return sendJSON(res, 201, success(201));
    }
    case 'token':
      return createServiceAccountToken(ctx, namespace!, name!, req, res);
    default:
      // log, exec, attach, portforward and proxy are answered by the kubelet of the pod's (or the) node.
      return serveKubeletSubresource(ctx, info, req, res);
  }
}

/** POST pods/{name}/binding (and the bindings resource): assigns a pod to a node once. */
export async function bindPod(ctx: ApiContext, namespace: string, podName: string, body: Record<string, unknown>, res: Response, dryRun: boolean): Promise<void> {
  const target = (body.target ?? {}) as { name?: string; kind?: string };
  const meta = (body.metadata ?? {}) as { name?: string };
  if (meta.name && meta.name !== podName) throw badRequest(`the name of the binding (${meta.name}) does not match the pod's name (${podName})`);
  if (!target.name) throw badRequest('Binding "' + podName + '" is invalid: target.name: Required value');
  if (target.kind && target.kind !== 'Node') throw badRequest(`Binding "${podName}" is invalid: target.kind: Unsupported value: "${target.kind}": supported values: "Node"`);
  const pods = registryByName(ctx, '', 'v1', 'pods');
  await pods.update(
    namespace,
    podName,
    (pod: KObject) => {
      const spec = (pod.spec ?? {}) as { nodeName?: string };
      if (pod.metadata.deletionTimestamp) throw conflict(pods.type, podName, 'pod is being deleted, cannot be assigned to a host');
      if (spec.nodeName) throw conflict(pods.type, podName, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
      spec.nodeName = target.name;
      pod.spec = spec;
      const status = (pod.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
      status.conditions = conditions;
      pod.status = status;
      return pod;
    },
    { user: userOf(res.req), dryRun },
    { subresource: 'binding' },
  );
  sendJSON(res, 201, success(201));
}

interface ScaleTarget {
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } };
  status?: { replicas?: number };
}

function scaleOf(obj: KObject): KObject {
  const t = obj as KObject & ScaleTarget;
  let selector = '';
  try {
    selector = labelSelectorFromObject(t.spec?.selector).toString();
  } catch {
    selector = '';
  }
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: t.spec?.replicas ?? 0 },
    status: { replicas: t.status?.replicas ?? 0, selector },
  };
}

/** deployments|replicasets|statefulsets/scale: an autoscaling/v1 Scale view of spec.replicas. */
async function serveScale(ctx: ApiContext, info: RequestInfo, req: Request, res: Response): Promise<void> {
  const registry = registryFor(ctx, info.type);
  const query = req.query as Query;
  const { namespace, name } = info;
  if (info.verb === 'get') return sendJSON(res, 200, scaleOf(await registry.get(namespace, name!)));
  let desiredScale: (current: KObject) => KObject;
  if (info.verb === 'update') {
    const body = await readObjectBody(req);
    desiredScale = () => body as unknown as KObject;
  } else {
    const raw = (await readBody(req)).toString('utf8');
    const patch = parseJSON(raw);
    const mt = mediaTypeOf(req);
    const apply = mt === 'json-patch' ? jsonPatch : mt === 'strategic-merge-patch' ? strategicPatch(ScaleSchema) : mergePatch;
    desiredScale = (current) => apply(current, patch) as KObject;
  }
  const updated = await registry.update(
    namespace,
    name!,
    (obj) => {
      const current = scaleOf(obj);
      const want = desiredScale(current) as KObject & { spec?: { replicas?: unknown } };
      const replicas = want.spec?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw badRequest(`Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
      }
      const t = obj as KObject & ScaleTarget;
      t.spec = { ...(t.spec ?? {}), replicas };
      if (want.metadata?.resourceVersion && want.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        throw conflict(info.type, name!);
      }
      return obj;
    },
    { user: userOf(req), dryRun: isDryRun(query), fieldManager: fieldManagerOf(req, 'scale') },
    { isPatch: true },
  );
  sendJSON(res, 200, scaleOf(updated));
}
