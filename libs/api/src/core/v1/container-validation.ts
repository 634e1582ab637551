import {
  duplicate,
  forbidden,
  invalid,
  notFound,
  notSupported,
  required,
  type FieldError,
  type FieldPath,
} from '../../validation/field-errors';
import { check, isConfigMapKey, isDNS1123Label, isEnvVarName, isPortNumber, isQualifiedName } from '../../validation/names';
import type {
  Container,
  ContainerPort,
  EnvFromSource,
  EnvVar,
  EphemeralContainer,
  LifecycleHandler,
  Probe,
  ResourceRequirements,
  SecurityContext,
  VolumeDevice,
  VolumeMount,
} from './container';
import { protocols } from './container';
import { isValidPortName, portRangeMessage } from './network-names';
import { parseQuantity, QuantityParseError, type Quantity } from '../../quantity';

/** Which list a container came from; the rules differ a little between them. */
export type ContainerRole = 'container' | 'init' | 'ephemeral';

const maxInt32 = 2147483647;

export function nonNegative(path: FieldPath, value: number | undefined): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(path, value, 'must be greater than or equal to 0')] : [];
}

function validatePortNumOrName(port: number | string, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return isPortNumber(port) ? [] : [invalid(path, port, portRangeMessage)];
  if (port === '') return [required(path)];
  return check(path, port, isValidPortName);
}

function validateHandler(h: LifecycleHandler | Probe, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const handlerTypes = (['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'] as const).filter((t) => (h as Record<string, unknown>)[t] !== undefined);
  if (handlerTypes.length === 0) return [required(path, 'must specify a handler type')];
  for (const extra of handlerTypes.slice(1)) errs.push(forbidden(path.child(extra), 'may not specify more than 1 handler type'));
  if (h.exec && !h.exec.command?.length) errs.push(required(path.child('exec', 'command')));
  if (h.httpGet) {
    const hp = path.child('httpGet');
    if (!h.httpGet.path) errs.push(required(hp.child('path')));
    errs.push(...validatePortNumOrName(h.httpGet.port, hp.child('port')));
    if (h.httpGet.scheme !== undefined && h.httpGet.scheme !== 'HTTP' && h.httpGet.scheme !== 'HTTPS') {
      errs.push(notSupported(hp.child('scheme'), h.httpGet.scheme, ['HTTP', 'HTTPS']));
    }
  }
  if (h.tcpSocket) errs.push(...validatePortNumOrName(h.tcpSocket.port, path.child('tcpSocket', 'port')));
  if ('grpc' in h && h.grpc && !isPortNumber(h.grpc.port)) errs.push(invalid(path.child('grpc', 'port'), h.grpc.port, portRangeMessage));
  if ('sleep' in h && h.sleep && h.sleep.seconds < 0) errs.push(invalid(path.child('sleep', 'seconds'), h.sleep.seconds, 'must be greater than or equal to 0'));
  return errs;
}

function validateProbe(p: Probe | undefined, path: FieldPath, mustSucceedOnce: boolean): FieldError[] {
  if (!p) return [];
  const errs = validateHandler(p, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...nonNegative(path.child(f), p[f]));
  }
  // Liveness and startup probes stop counting at the first success, so more than one means nothing.
  if (mustSucceedOnce && p.successThreshold !== undefined && p.successThreshold !== 1) {
    errs.push(invalid(path.child('successThreshold'), p.successThreshold, 'must be 1'));
  }
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), p.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

const envFieldPaths = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const resourceFieldNames = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'];

/** A downward API field path: the fixed list, or one label / annotation by key. */
export function validateObjectFieldPath(fieldPath: string, path: FieldPath, extra: string[] = []): FieldError[] {
  const subscripted = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (subscripted) return check(path, subscripted[2], isQualifiedName);
  if ([...envFieldPaths, ...extra].includes(fieldPath)) return [];
  if (fieldPath === '') return [required(path)];
  return [notSupported(path, fieldPath, [...envFieldPaths, ...extra, "metadata.annotations['<KEY>']", "metadata.labels['<KEY>']"])];
}

export function validateResourceFieldRef(resource: string, path: FieldPath): FieldError[] {
  if (resource === '') return [required(path)];
  return resourceFieldNames.includes(resource) || /^(limits|requests)\.hugepages-/.test(resource) ? [] : [notSupported(path, resource, resourceFieldNames)];
}

function validateKeyRef(ref: { name?: string; key: string }, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!ref.name) errs.push(required(path.child('name')));
  if (!ref.key) errs.push(required(path.child('key')));
  else errs.push(...check(path.child('key'), ref.key, isConfigMapKey));
  return errs;
}

function validateEnvVar(e: EnvVar, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!e.name) errs.push(required(path.child('name')));
  else errs.push(...check(path.child('name'), e.name, isEnvVarName));
  const from = e.valueFrom;
  if (!from) return errs;
  const fp = path.child('valueFrom');
  if (e.value) errs.push(invalid(fp, '', 'may not be specified when `value` is not empty'));
  const sources = (['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const).filter((k) => from[k] !== undefined);
  if (sources.length === 0) errs.push(invalid(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  if (sources.length > 1) errs.push(invalid(fp, '', 'may not have more than one field specified at a time'));
  if (from.fieldRef) {
    if (!from.fieldRef.apiVersion) errs.push(required(fp.child('fieldRef', 'apiVersion')));
    errs.push(...validateObjectFieldPath(from.fieldRef.fieldPath, fp.child('fieldRef', 'fieldPath')));
  }
  if (from.resourceFieldRef) errs.push(...validateResourceFieldRef(from.resourceFieldRef.resource, fp.child('resourceFieldRef', 'resource')));
  if (from.configMapKeyRef) errs.push(...validateKeyRef(from.configMapKeyRef, fp.child('configMapKeyRef')));
  if (from.secretKeyRef) errs.push(...validateKeyRef(from.secretKeyRef, fp.child('secretKeyRef')));
  return errs;
}

function validateEnvFrom(e: EnvFromSource, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (e.prefix) errs.push(...check(path.child('prefix'), e.prefix, isEnvVarName));
  const refs = [e.configMapRef, e.secretRef].filter((r) => r !== undefined);
  if (refs.length === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
  if (refs.length > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  if (e.configMapRef && !e.configMapRef.name) errs.push(required(path.child('configMapRef', 'name')));
  if (e.secretRef && !e.secretRef.name) errs.push(required(path.child('secretRef', 'name')));
  return errs;
}

function validatePorts(ports: ContainerPort[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = path.index(i);
    if (port.name) {
      errs.push(...check(p.child('name'), port.name, isValidPortName));
      if (names.has(port.name)) errs.push(duplicate(p.child('name'), port.name));
      names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(p.child('containerPort')));
    else if (!isPortNumber(port.containerPort)) errs.push(invalid(p.child('containerPort'), port.containerPort, portRangeMessage));
    if (port.hostPort && !isPortNumber(port.hostPort)) errs.push(invalid(p.child('hostPort'), port.hostPort, portRangeMessage));
    if (!port.protocol) errs.push(required(p.child('protocol')));
    else if (!(protocols as readonly string[]).includes(port.protocol)) errs.push(notSupported(p.child('protocol'), port.protocol, protocols));
  });
  return errs;
}

const standardContainerResources = ['cpu', 'memory', 'ephemeral-storage'];
const isHugePages = (name: string) => name.startsWith('hugepages-');
/** Extended resources (`example.com/gpu`) cannot be overcommitted: requests must equal limits. */
const isExtendedResource = (name: string) => name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.');

/** The parsed quantity, or undefined when it does not parse (reported by validateResourceList). */
function parsedOrUndefined(q: string | number): Quantity | undefined {
  try {
    return parseQuantity(q);
  } catch (err) {
    if (err instanceof QuantityParseError) return undefined;
    throw err;
  }
}

/** Quantity map entries: names the container may use, values that parse and are not negative. */
/** What a node reports beyond what containers request: how many pods it takes, and attachable storage. */
export const standardNodeResources = [...standardContainerResources, 'pods', 'storage'];

export function validateResourceList(
  list: Record<string, string | number> | undefined,
  path: FieldPath,
  standard: readonly string[] = standardContainerResources,
): FieldError[] {
  const errs: FieldError[] = [];
  const what = standard === standardContainerResources ? 'containers' : 'nodes';
  for (const [name, q] of Object.entries(list ?? {})) {
    const p = path.key(name);
    if (!standard.includes(name) && !isHugePages(name)) {
      if (!name.includes('/')) errs.push(invalid(p, name, `must be a standard resource for ${what}`));
      else errs.push(...check(p, name, isQualifiedName));
    }
    try {
      if (parseQuantity(q).sign() < 0) errs.push(invalid(p, q, 'must be greater than or equal to 0'));
    } catch (err) {
      if (!(err instanceof QuantityParseError)) throw err;
      errs.push(invalid(p, q, err.message));
    }
  }
  return errs;
}

export function validateResourceRequirements(r: ResourceRequirements | undefined, path: FieldPath): FieldError[] {
  if (!r) return [];
  const errs = [...validateResourceList(r.limits, path.child('limits')), ...validateResourceList(r.requests, path.child('requests'))];
  const limits = r.limits ?? {};
  for (const [name, request] of Object.entries(r.requests ?? {})) {
    const reqPath = path.child('requests').key(name);
    const limit = limits[name];
    const reqValue = parsedOrUndefined(request);
    if (limit === undefined) {
      if (isExtendedResource(name)) errs.push(forbidden(path.child('limits'), `Limit must be set for non overcommitable resources`));
      continue;
    }
    const limValue = parsedOrUndefined(limit);
    if (reqValue === undefined || limValue === undefined) continue;
    if (isExtendedResource(name) || isHugePages(name)) {
      if (!reqValue.equals(limValue)) errs.push(invalid(reqPath, request, `must be equal to ${name} limit of ${limit}`));
    } else if (reqValue.cmp(limValue) > 0) {
      errs.push(invalid(reqPath, request, `must be less than or equal to ${name} limit of ${limit}`));
    }
  }
  const claimNames = new Set<string>();
  (r.claims ?? []).forEach((c, i) => {
    const cp = path.child('claims').index(i);
    if (!c.name) errs.push(required(cp.child('name')));
    else if (claimNames.has(`${c.name}/${c.request ?? ''}`)) errs.push(duplicate(cp, c.name));
    claimNames.add(`${c.name}/${c.request ?? ''}`);
  });
  return errs;
}

function validateSecurityContext(sc: SecurityContext | undefined, path: FieldPath): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup'] as const) {
    const v = sc[f];
    if (v !== undefined && (v < 0 || v > maxInt32)) errs.push(invalid(path.child(f), v, `must be between 0 and ${maxInt32}, inclusive`));
  }
  if (sc.allowPrivilegeEscalation === false && sc.privileged) {
    errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  if (sc.allowPrivilegeEscalation === false && sc.capabilities?.add?.includes('SYS_ADMIN')) {
    errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
  }
  errs.push(...validateLocalhostProfile(sc.seccompProfile, path.child('seccompProfile'), 'seccomp'));
  errs.push(...validateLocalhostProfile(sc.appArmorProfile, path.child('appArmorProfile'), 'AppArmor'));
  return errs;
}

export function validateLocalhostProfile(
  profile: { type: string; localhostProfile?: string } | undefined,
  path: FieldPath,
  what: string,
): FieldError[] {
  if (!profile) return [];
  if (profile.type === 'Localhost' && !profile.localhostProfile) {
    return [required(path.child('localhostProfile'), `must be set when ${what} type is Localhost`)];
  }
  if (profile.type !== 'Localhost' && profile.localhostProfile !== undefined) {
    return [invalid(path.child('localhostProfile'), profile.localhostProfile, `can only be set when ${what} type is Localhost`)];
  }
  return [];
}

export function validateRelativePath(p: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(invalid(path, p, "must not contain '..'"));
  return errs;
}

function validateVolumeMounts(
  mounts: VolumeMount[],
  devices: VolumeDevice[],
  volumeNames: Set<string>,
  privileged: boolean,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  mounts.forEach((m, i) => {
    const p = path.child('volumeMounts').index(i);
    if (!m.name) errs.push(required(p.child('name')));
    else if (!volumeNames.has(m.name)) errs.push(notFound(p.child('name'), m.name));
    if (!m.mountPath) errs.push(required(p.child('mountPath')));
    else if (mountPaths.has(m.mountPath)) errs.push(invalid(p.child('mountPath'), m.mountPath, 'must be unique'));
    mountPaths.add(m.mountPath);
    if (m.subPath) errs.push(...validateRelativePath(m.subPath, p.child('subPath')));
    if (m.subPath && m.subPathExpr) errs.push(invalid(p.child('subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
    if (m.mountPropagation === 'Bidirectional' && !privileged) {
      errs.push(forbidden(p.child('mountPropagation'), 'Bidirectional mount propagation is available only to privileged containers'));
    }
  });
  const devicePaths = new Set<string>();
  devices.forEach((d, i) => {
    const p = path.child('volumeDevices').index(i);
    if (!d.name) errs.push(required(p.child('name')));
    else if (!volumeNames.has(d.name)) errs.push(notFound(p.child('name'), d.name));
    if (!d.devicePath) errs.push(required(p.child('devicePath')));
    else if (devicePaths.has(d.devicePath)) errs.push(invalid(p.child('devicePath'), d.devicePath, 'must be unique'));
    else if (mountPaths.has(d.devicePath)) errs.push(invalid(p.child('devicePath'), d.devicePath, 'must not be the same as an existing volumeMount'));
    devicePaths.add(d.devicePath);
  });
  return errs;
}

/** Everything about one container except the uniqueness of its name across the pod. */
export function validateContainer(
  c: Container | EphemeralContainer,
  path: FieldPath,
  role: ContainerRole,
  volumeNames: Set<string>,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(path.child('name')));
  else errs.push(...check(path.child('name'), c.name, isDNS1123Label));
  if (!c.image) errs.push(required(path.child('image')));
  else if (c.image.trim() !== c.image) errs.push(invalid(path.child('image'), c.image, 'must not have leading or trailing whitespace'));

  const sidecar = role === 'init' && c.restartPolicy === 'Always';
  if (c.restartPolicy !== undefined) {
    if (role !== 'init') errs.push(forbidden(path.child('restartPolicy'), 'may not be set for non-init containers'));
    else if (!sidecar) errs.push(notSupported(path.child('restartPolicy'), c.restartPolicy, ['Always']));
  }
  if (role === 'init' && !sidecar) {
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (c[f]) errs.push(forbidden(path.child(f), 'may not be set for init containers without restartPolicy=Always'));
    }
  }
  if (role === 'ephemeral') {
    for (const f of ['ports', 'lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe', 'resources'] as const) {
      if (c[f]) errs.push(forbidden(path.child(f), 'cannot be set for an Ephemeral Container'));
    }
  }

  errs.push(...validatePorts(c.ports ?? [], path.child('ports')));
  (c.env ?? []).forEach((e, i) => errs.push(...validateEnvVar(e, path.child('env').index(i))));
  (c.envFrom ?? []).forEach((e, i) => errs.push(...validateEnvFrom(e, path.child('envFrom').index(i))));
  errs.push(...validateResourceRequirements(c.resources, path.child('resources')));
  errs.push(...validateVolumeMounts(c.volumeMounts ?? [], c.volumeDevices ?? [], volumeNames, c.securityContext?.privileged === true, path));
  errs.push(...validateProbe(c.livenessProbe, path.child('livenessProbe'), true));
  errs.push(...validateProbe(c.readinessProbe, path.child('readinessProbe'), false));
  errs.push(...validateProbe(c.startupProbe, path.child('startupProbe'), true));
  if (c.lifecycle?.postStart) errs.push(...validateHandler(c.lifecycle.postStart, path.child('lifecycle', 'postStart')));
  if (c.lifecycle?.preStop) errs.push(...validateHandler(c.lifecycle.preStop, path.child('lifecycle', 'preStop')));
  if (!c.terminationMessagePolicy) errs.push(required(path.child('terminationMessagePolicy')));
  errs.push(...validateSecurityContext(c.securityContext, path.child('securityContext')));
  return errs;
}
