import { duplicate, FieldPath, invalid, notSupported, required, type FieldError } from '../../validation/field-errors';
import { check, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, validateLabels } from '../../validation/names';
import type { Container, EphemeralContainer } from './container';
import { nonNegative, validateContainer, validateLocalhostProfile, validateResourceList, type ContainerRole } from './container-validation';
import { isValidIP } from './network-names';
import type { Pod, PodDNSConfig, PodSecurityContext, PodSpec } from './pod';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './scheduling-validation';
import { validateVolumes } from './volume-validation';

export const restartPolicies = ['Always', 'OnFailure', 'Never'] as const;
export const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;

const maxInt32 = 2147483647;
const maxDNSNameservers = 3;
const maxDNSSearchPaths = 32;

function validateContainerList(
  containers: (Container | EphemeralContainer)[] | undefined,
  path: FieldPath,
  role: ContainerRole,
  volumeNames: Set<string>,
  takenNames: Set<string>,
): FieldError[] {
  const errs: FieldError[] = [];
  (containers ?? []).forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainer(c, p, role, volumeNames));
    if (c.name && takenNames.has(c.name)) errs.push(duplicate(p.child('name'), c.name));
    if (c.name) takenNames.add(c.name);
  });
  return errs;
}

/** Host ports must be unique across every container of the pod, per protocol and host IP. */
function validateHostPorts(spec: PodSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const used = new Set<string>();
  const lists = [
    ['containers', spec.containers ?? []],
    ['initContainers', spec.initContainers ?? []],
  ] as const;
  for (const [listName, containers] of lists) {
    containers.forEach((c, ci) => {
      (c.ports ?? []).forEach((port, pi) => {
        const pp = path.child(listName).index(ci).child('ports').index(pi);
        if (spec.hostNetwork && port.hostPort && port.hostPort !== port.containerPort) {
          errs.push(invalid(pp.child('containerPort'), port.containerPort, 'must match `hostPort` when `hostNetwork` is true'));
        }
        if (!port.hostPort) return;
        const key = `${port.protocol ?? 'TCP'}/${port.hostIP ?? ''}/${port.hostPort}`;
        if (used.has(key)) errs.push(duplicate(pp.child('hostPort'), `${port.hostPort}/${port.protocol ?? 'TCP'}`));
        used.add(key);
      });
    });
  }
  return errs;
}

function validateDNS(spec: PodSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.dnsPolicy !== undefined && !(dnsPolicies as readonly string[]).includes(spec.dnsPolicy)) {
    errs.push(notSupported(path.child('dnsPolicy'), spec.dnsPolicy, dnsPolicies));
  }
  if (spec.dnsPolicy === 'None' && !spec.dnsConfig) {
    errs.push(required(path.child('dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }
  const cfg: PodDNSConfig | undefined = spec.dnsConfig;
  if (!cfg) return errs;
  const p = path.child('dnsConfig');
  const nameservers = cfg.nameservers ?? [];
  if (spec.dnsPolicy === 'None' && nameservers.length === 0) {
    errs.push(required(p.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  }
  if (nameservers.length > maxDNSNameservers) {
    errs.push(invalid(p.child('nameservers'), nameservers, `must not have more than ${maxDNSNameservers} nameservers`));
  }
  nameservers.forEach((ns, i) => errs.push(...check(p.child('nameservers').index(i), ns, isValidIP)));
  const searches = cfg.searches ?? [];
  if (searches.length > maxDNSSearchPaths) {
    errs.push(invalid(p.child('searches'), searches, `must not have more than ${maxDNSSearchPaths} search paths`));
  }
  // A search path may end in '.', marking it fully qualified.
  searches.forEach((s, i) => errs.push(...check(p.child('searches').index(i), s.replace(/\.$/, ''), isDNS1123Subdomain)));
  (cfg.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(required(p.child('options').index(i), 'Option.Name must not be empty'));
  });
  return errs;
}

function validatePodSecurityContext(sc: PodSecurityContext | undefined, path: FieldPath): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  const ids: [string, number | undefined][] = [
    ['runAsUser', sc.runAsUser],
    ['runAsGroup', sc.runAsGroup],
    ['fsGroup', sc.fsGroup],
  ];
  for (const [name, v] of ids) {
    if (v !== undefined && (v < 0 || v > maxInt32)) errs.push(invalid(path.child(name), v, `must be between 0 and ${maxInt32}, inclusive`));
  }
  (sc.supplementalGroups ?? []).forEach((g, i) => {
    if (g < 0 || g > maxInt32) errs.push(invalid(path.child('supplementalGroups').index(i), g, `must be between 0 and ${maxInt32}, inclusive`));
  });
  (sc.sysctls ?? []).forEach((s, i) => {
    if (!s.name) errs.push(required(path.child('sysctls').index(i).child('name')));
    else if (!/^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(s.name)) {
      errs.push(invalid(path.child('sysctls').index(i).child('name'), s.name, "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"));
    }
  });
  errs.push(...validateLocalhostProfile(sc.seccompProfile, path.child('seccompProfile'), 'seccomp'));
  errs.push(...validateLocalhostProfile(sc.appArmorProfile, path.child('appArmorProfile'), 'AppArmor'));
  return errs;
}

function optionalName(value: string | undefined, path: FieldPath, checker: (v: string) => string[]): FieldError[] {
  return value ? check(path, value, checker) : [];
}

/** PodSpec rules, shared by pods and every workload's pod template (`spec.template.spec`). */
export function validatePodSpec(spec: PodSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const { errors: volumeErrors, names: volumeNames } = validateVolumes(spec.volumes, path.child('volumes'));
  errs.push(...volumeErrors);

  const containerNames = new Set<string>();
  if (!spec.containers?.length) errs.push(required(path.child('containers')));
  errs.push(...validateContainerList(spec.containers, path.child('containers'), 'container', volumeNames, containerNames));
  errs.push(...validateContainerList(spec.initContainers, path.child('initContainers'), 'init', volumeNames, containerNames));
  errs.push(...validateContainerList(spec.ephemeralContainers, path.child('ephemeralContainers'), 'ephemeral', volumeNames, containerNames));
  errs.push(...validateHostPorts(spec, path));

  if (!spec.restartPolicy) errs.push(required(path.child('restartPolicy')));
  else if (!(restartPolicies as readonly string[]).includes(spec.restartPolicy)) {
    errs.push(notSupported(path.child('restartPolicy'), spec.restartPolicy, restartPolicies));
  }
  errs.push(...validateDNS(spec, path));
  errs.push(...nonNegative(path.child('terminationGracePeriodSeconds'), spec.terminationGracePeriodSeconds));
  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined && (deadline < 1 || deadline > maxInt32)) {
    errs.push(invalid(path.child('activeDeadlineSeconds'), deadline, `must be between 1 and ${maxInt32}, inclusive`));
  }
  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  errs.push(...optionalName(spec.serviceAccountName, path.child('serviceAccountName'), isDNS1123Subdomain));
  errs.push(...optionalName(spec.nodeName, path.child('nodeName'), isDNS1123Subdomain));
  errs.push(...optionalName(spec.hostname, path.child('hostname'), isDNS1123Label));
  errs.push(...optionalName(spec.subdomain, path.child('subdomain'), isDNS1123Label));
  errs.push(...optionalName(spec.priorityClassName, path.child('priorityClassName'), isDNS1123Subdomain));
  errs.push(...optionalName(spec.runtimeClassName, path.child('runtimeClassName'), isDNS1123Subdomain));
  errs.push(...validatePodSecurityContext(spec.securityContext, path.child('securityContext')));
  (spec.imagePullSecrets ?? []).forEach((s, i) => {
    if (!s.name) errs.push(required(path.child('imagePullSecrets').index(i).child('name')));
  });
  errs.push(...validateAffinity(spec.affinity, path.child('affinity')));
  errs.push(...validateTolerations(spec.tolerations, path.child('tolerations')));
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, path.child('topologySpreadConstraints')));
  (spec.hostAliases ?? []).forEach((h, i) => {
    const p = path.child('hostAliases').index(i);
    errs.push(...check(p.child('ip'), h.ip, isValidIP));
    (h.hostnames ?? []).forEach((name, j) => errs.push(...check(p.child('hostnames').index(j), name, isDNS1123Subdomain)));
  });
  (spec.readinessGates ?? []).forEach((g, i) => {
    errs.push(...check(path.child('readinessGates').index(i).child('conditionType'), g.conditionType, isQualifiedName));
  });
  const gateNames = new Set<string>();
  (spec.schedulingGates ?? []).forEach((g, i) => {
    const p = path.child('schedulingGates').index(i).child('name');
    errs.push(...check(p, g.name, isQualifiedName));
    if (gateNames.has(g.name)) errs.push(duplicate(p, g.name));
    gateNames.add(g.name);
  });
  errs.push(...validateResourceList(spec.overhead, path.child('overhead')));
  return errs;
}

/** A pod on create (and update): its spec. ObjectMeta is checked by the generic registry. */
export function validatePod(pod: Pod): FieldError[] {
  if (!pod.spec) return [required(FieldPath.root('spec'))];
  return validatePodSpec(pod.spec, FieldPath.root('spec'));
}
