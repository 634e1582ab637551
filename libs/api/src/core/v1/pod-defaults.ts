import type { Container, EphemeralContainer, LifecycleHandler, Probe } from './container';
import type { Pod, PodSpec } from './pod';
import type { Volume } from './volume';

/** File mode 0644, the default for files projected from secrets, config maps and the downward API. */
export const defaultVolumeFileMode = 0o644;

/**
 * The tag of an image reference, or '' when it has none. The tag follows the last ':' of the last path
 * component, so a registry port (`localhost:5000/app`) is not mistaken for one.
 */
function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastComponent = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastComponent.indexOf(':');
  return colon < 0 ? '' : lastComponent.slice(colon + 1);
}

/** Always for `:latest` or untagged images (they may move); IfNotPresent for fixed tags and digests. */
export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const tag = imageTag(image);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHandler(h: LifecycleHandler | Probe | undefined): void {
  if (!h?.httpGet) return;
  h.httpGet.path ??= '/';
  h.httpGet.scheme ??= 'HTTP';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  defaultHandler(p);
}

function defaultContainer(c: Container | EphemeralContainer, hostNetwork: boolean): void {
  if (c.image !== undefined) c.imagePullPolicy ??= defaultImagePullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const port of c.ports ?? []) {
    port.protocol ??= 'TCP';
    // With the host's network the container port is the host port.
    if (hostNetwork) port.hostPort ??= port.containerPort;
  }
  for (const env of c.env ?? []) {
    if (env.valueFrom?.fieldRef) env.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHandler(c.lifecycle?.postStart);
  defaultHandler(c.lifecycle?.preStop);
}

function defaultVolume(v: Volume): void {
  const hasSource = Object.keys(v).some((k) => k !== 'name');
  if (!hasSource) v.emptyDir = {};
  if (v.secret) v.secret.defaultMode ??= defaultVolumeFileMode;
  if (v.configMap) v.configMap.defaultMode ??= defaultVolumeFileMode;
  if (v.downwardAPI) v.downwardAPI.defaultMode ??= defaultVolumeFileMode;
  if (v.projected) v.projected.defaultMode ??= defaultVolumeFileMode;
  if (v.hostPath) v.hostPath.type ??= '';
  for (const item of v.downwardAPI?.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= 'v1';
  for (const src of v.projected?.sources ?? []) {
    for (const item of src.downwardAPI?.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= 'v1';
    if (src.serviceAccountToken) src.serviceAccountToken.expirationSeconds ??= 3600;
  }
}

/** PodSpec defaults, shared by pods and every workload's pod template. Mutates in place. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  // serviceAccount is the deprecated spelling of serviceAccountName; the two are kept equal.
  if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  const hostNetwork = spec.hostNetwork === true;
  for (const c of spec.containers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.initContainers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c, hostNetwork);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** Requests default to limits, resource by resource, when a container sets only the limit. */
function defaultRequestsFromLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (!limits || !c.resources) return;
  for (const [name, q] of Object.entries(limits)) {
    c.resources.requests ??= {};
    c.resources.requests[name] ??= q;
  }
}

/**
 * Pod defaults: the PodSpec ones plus what Kubernetes applies to pods only (not templates) —
 * requests from limits, enableServiceLinks, the `default` service account (admission in Kubernetes),
 * and phase Pending for a new pod.
 */
export function applyPodDefaults(pod: Pod): void {
  const spec = pod.spec;
  if (spec) {
    spec.serviceAccountName ||= spec.serviceAccount || 'default';
    defaultPodSpec(spec);
    spec.enableServiceLinks ??= true;
    for (const c of spec.containers ?? []) defaultRequestsFromLimits(c);
    for (const c of spec.initContainers ?? []) defaultRequestsFromLimits(c);
  }
  pod.status ??= { phase: 'Pending' };
}
