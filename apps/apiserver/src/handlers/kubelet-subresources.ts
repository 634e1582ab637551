import type { Request, Response } from 'express';
import { invalid as invalidValue, type FieldError } from '@skiff/api';
import type { ApiContext } from './api-context';
import { kubeletEndpointOf } from './kubelet-endpoint';
import { proxyToKubelet, streamFromKubelet, upgradeToKubelet } from './kubelet-forward';
import { containerOf, getPod } from './pod-stream-target';
import type { RequestInfo } from './request-info';
import { badRequest, invalid, unavailable } from './status-error';
import { upgradeOf } from './upgrade-requests';

const trueWords = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const falseWords = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

function queryOf(req: Request): URLSearchParams {
  return new URL(req.originalUrl, 'http://apiserver').searchParams;
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  if (trueWords.has(v)) return true;
  if (falseWords.has(v)) return false;
  throw badRequest(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax (${name})`);
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax (${name})`);
  return Number(v);
}

const segment = encodeURIComponent;

function isRfc3339(text: string): boolean {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/.test(text) && !Number.isNaN(Date.parse(text));
}

/** PodLogOptions from the query, validated as Kubernetes does, as the kubelet's `containerLogs` query. */
function kubeletLogQuery(q: URLSearchParams, podName: string): URLSearchParams {
  const out = new URLSearchParams();
  for (const flag of ['follow', 'previous', 'timestamps']) if (boolParam(q, flag)) out.set(flag, 'true');
  const errors: FieldError[] = [];
  const limits: [string, number, string][] = [
    ['tailLines', 0, 'must be greater than or equal to 0'],
    ['limitBytes', 1, 'must be greater than 0'],
    ['sinceSeconds', 1, 'must be greater than 0'],
  ];
  for (const [name, min, rule] of limits) {
    const n = intParam(q, name);
    if (n === undefined) continue;
    if (n < min) errors.push(invalidValue(name, n, rule));
    out.set(name, String(n));
  }
  const sinceTime = q.get('sinceTime');
  if (sinceTime !== null) {
    if (!isRfc3339(sinceTime)) throw badRequest(`parsing time ${JSON.stringify(sinceTime)} as RFC 3339: cannot parse (sinceTime)`);
    if (out.has('sinceSeconds')) errors.push(invalidValue('sinceSeconds', Number(out.get('sinceSeconds')), 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
    out.set('sinceTime', sinceTime);
  }
  if (errors.length) throw invalid('PodLogOptions', '', podName, errors);
  return out;
}

/** PodExecOptions / PodAttachOptions as the kubelet's query: command, and input/output/error/tty=1. */
function kubeletRemoteCommandQuery(q: URLSearchParams, withCommand: boolean): URLSearchParams {
  const out = new URLSearchParams();
  if (withCommand) for (const c of q.getAll('command')) out.append('command', c);
  const streams: [string, string][] = [
    ['stdin', 'input'],
    ['stdout', 'output'],
    ['stderr', 'error'],
    ['tty', 'tty'],
  ];
  for (const [api, kubelet] of streams) if (boolParam(q, api)) out.set(kubelet, '1');
  return out;
}

/** pods/{name}/log: the container's log from its node's kubelet, streamed through. */
async function servePodLog(ctx: ApiContext, namespace: string, name: string, req: Request, res: Response): Promise<void> {
  const pod = await getPod(ctx, namespace, name);
  const q = queryOf(req);
  const container = containerOf(pod, q.get('container') ?? undefined);
  const query = kubeletLogQuery(q, name);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) {
    // As in Kubernetes: a pod not yet on a node has no log, and that is not an error.
    res.status(200).type('text/plain').end();
    return;
  }
  const endpoint = await kubeletEndpointOf(ctx, nodeName);
  await streamFromKubelet(endpoint, `/containerLogs/${segment(namespace)}/${segment(name)}/${segment(container)}?${query}`, res);
}

/** pods/{name}/exec and pods/{name}/attach: the client's WebSocket upgrade, forwarded to the kubelet. */
async function servePodRemoteCommand(ctx: ApiContext, kind: 'exec' | 'attach', namespace: string, name: string, req: Request, res: Response): Promise<void> {
  const pod = await getPod(ctx, namespace, name);
  const q = queryOf(req);
  const container = containerOf(pod, q.get('container') ?? undefined);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const upgrade = upgradeOf(req);
  if (!upgrade) throw badRequest('Upgrade request required');
  const endpoint = await kubeletEndpointOf(ctx, nodeName);
  const query = kubeletRemoteCommandQuery(q, kind === 'exec');
  await upgradeToKubelet(endpoint, `/${kind}/${segment(namespace)}/${segment(name)}/${segment(container)}?${query}`, req, upgrade, res);
}

/** nodes/{name}/proxy/{path}: any request, passed to the node's kubelet at /{path}. */
async function serveNodeProxy(ctx: ApiContext, nodeName: string, subpath: string, req: Request, res: Response): Promise<void> {
  const endpoint = await kubeletEndpointOf(ctx, nodeName);
  const search = new URL(req.originalUrl, 'http://apiserver').search;
  const upgrade = upgradeOf(req);
  if (upgrade) return upgradeToKubelet(endpoint, subpath + search, req, upgrade, res);
  await proxyToKubelet(endpoint, req.method, subpath + search, req, res);
}

/** The subresources a kubelet serves: pods' log, exec, attach and portforward, and nodes' proxy. */
export async function serveKubeletSubresource(ctx: ApiContext, info: RequestInfo, req: Request, res: Response): Promise<void> {
  const { type, namespace, name, subresource } = info;
  if (type.group === '' && type.resource === 'pods') {
    switch (subresource) {
      case 'log':
        return servePodLog(ctx, namespace!, name!, req, res);
      case 'exec':
      case 'attach':
        return servePodRemoteCommand(ctx, subresource, namespace!, name!, req, res);
      case 'portforward':
        await getPod(ctx, namespace!, name!);
        throw badRequest('port forwarding is not supported by this cluster yet: its kubelets serve logs, exec and attach');
    }
  }
  if (type.group === '' && type.resource === 'nodes' && subresource === 'proxy') return serveNodeProxy(ctx, name!, info.subpath ?? '/', req, res);
  throw unavailable(`${type.resource}/${subresource} is not served by this apiserver yet`);
}
