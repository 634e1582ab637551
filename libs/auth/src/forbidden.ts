import type { Status } from '@skiff/api';
import type { RequestAttributes } from './request-attributes';

// Kubernetes escapes these so a 403 body never reads as HTML; quotes stay.
const htmlUnsafe: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const sanitize = (s: string) => s.replace(/[&<>]/g, (c) => htmlUnsafe[c]);
const quote = (s: string) => JSON.stringify(s);

/**
 * What the user may not do, worded as Kubernetes' apiserver does:
 * `User "u" cannot list resource "pods" in API group "" in the namespace "default"`,
 * `... at the cluster scope`, or `User "u" cannot get path "/metrics"`.
 */
export function forbiddenMessage(attrs: RequestAttributes): string {
  const user = quote(attrs.user.name);
  if (!attrs.resourceRequest) return `User ${user} cannot ${attrs.verb} path ${quote(attrs.path ?? '')}`;
  const resource = attrs.subresource ? `${attrs.resource ?? ''}/${attrs.subresource}` : (attrs.resource ?? '');
  const scope = attrs.namespace ? `in the namespace ${quote(attrs.namespace)}` : 'at the cluster scope';
  return `User ${user} cannot ${attrs.verb} resource ${quote(resource)} in API group ${quote(attrs.apiGroup ?? '')} ${scope}`;
}

/**
 * The 403 Status for a denied request: `pods is forbidden: <message>`, `deployments.apps "web" is forbidden: ...`
 * when the URL names an object, `forbidden: ...` for non-resource paths; the authorizers' reasons follow after a
 * colon when there are any.
 */
export function forbiddenStatus(attrs: RequestAttributes, reason = ''): Status {
  const why = sanitize(forbiddenMessage(attrs)) + (reason ? `: ${reason}` : '');
  const group = attrs.resourceRequest ? (attrs.apiGroup ?? '') : '';
  const resource = attrs.resourceRequest ? (attrs.resource ?? '') : '';
  const name = attrs.resourceRequest ? (attrs.name ?? '') : '';
  const qualified = group ? `${resource}.${group}` : resource;
  let message: string;
  if (!qualified) message = `forbidden: ${why}`;
  else if (!name) message = `${qualified} is forbidden: ${why}`;
  else message = `${qualified} ${quote(name)} is forbidden: ${why}`;
  const details: NonNullable<Status['details']> = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (resource) details.kind = resource;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details, code: 403 };
}
