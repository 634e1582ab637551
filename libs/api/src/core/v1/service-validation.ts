import { duplicate, FieldPath, forbidden, invalid, notSupported, required, type FieldError } from '../../validation/field-errors';
import { check, isDNS1123Label, isDNS1123Subdomain, isPortNumber, validateLabels } from '../../validation/names';
import { protocols } from './container';
import { isValidCIDR, isValidIP, isValidPortName, portRangeMessage } from './network-names';
import type { Service, ServicePort, ServiceSpec } from './service';

export const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
export type ServiceType = (typeof serviceTypes)[number];

const sessionAffinities = ['ClientIP', 'None'];
const trafficPolicies = ['Cluster', 'Local'];
const ipFamilyPolicies = ['SingleStack', 'PreferDualStack', 'RequireDualStack'];
const ipFamilies = ['IPv4', 'IPv6'];
const maxSessionAffinityTimeoutSeconds = 86400;

function validatePort(port: ServicePort, path: FieldPath, needsName: boolean, type: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (needsName && !port.name) errs.push(required(path.child('name')));
  else if (port.name) errs.push(...check(path.child('name'), port.name, isDNS1123Label));
  if (!isPortNumber(port.port)) errs.push(invalid(path.child('port'), port.port, portRangeMessage));
  if (!port.protocol) errs.push(required(path.child('protocol')));
  else if (!(protocols as readonly string[]).includes(port.protocol)) errs.push(notSupported(path.child('protocol'), port.protocol, protocols));
  const target = port.targetPort;
  if (typeof target === 'number' && !isPortNumber(target)) errs.push(invalid(path.child('targetPort'), target, portRangeMessage));
  if (typeof target === 'string') errs.push(...check(path.child('targetPort'), target, isValidPortName));
  if (port.nodePort !== undefined && port.nodePort !== 0) {
    if (type === 'ClusterIP' || type === 'ExternalName') {
      errs.push(forbidden(path.child('nodePort'), `may not be used when \`type\` is '${type}'`));
    } else if (!isPortNumber(port.nodePort)) {
      errs.push(invalid(path.child('nodePort'), port.nodePort, portRangeMessage));
    }
  }
  return errs;
}

function validatePorts(spec: ServiceSpec, path: FieldPath): FieldError[] {
  const ports = spec.ports ?? [];
  const errs: FieldError[] = [];
  if (ports.length === 0 && spec.type !== 'ExternalName' && spec.clusterIP !== 'None') errs.push(required(path));
  const names = new Set<string>();
  const portProtocols = new Set<string>();
  ports.forEach((port, i) => {
    const p = path.index(i);
    errs.push(...validatePort(port, p, ports.length > 1, spec.type));
    if (port.name) {
      if (names.has(port.name)) errs.push(duplicate(p.child('name'), port.name));
      names.add(port.name);
    }
    const key = `${port.port}/${port.protocol ?? 'TCP'}`;
    if (portProtocols.has(key)) errs.push(duplicate(p, `${port.port}/${port.protocol ?? 'TCP'}`));
    portProtocols.add(key);
  });
  return errs;
}

function validateClusterIPs(spec: ServiceSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
  const ipsPath = path.child('clusterIPs');
  if (spec.type === 'ExternalName') {
    if (ips.length && ips[0] !== '') errs.push(forbidden(ipsPath, 'may not be set for ExternalName services'));
    return errs;
  }
  if (spec.clusterIP && spec.clusterIPs?.length && spec.clusterIP !== spec.clusterIPs[0]) {
    errs.push(invalid(ipsPath, spec.clusterIPs, 'first value must match `clusterIP`'));
  }
  ips.forEach((ip, i) => {
    const p = ipsPath.index(i);
    if (ip === 'None') {
      if (i > 0 || ips.length > 1) errs.push(invalid(p, ip, "must not repeat or combine 'None' with IP addresses"));
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        errs.push(invalid(p, ip, `may not be set to 'None' for ${spec.type} services`));
      }
    } else if (ip !== '' && isValidIP(ip).length) {
      errs.push(invalid(p, ip, "must be empty, 'None', or a valid IP address"));
    }
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, ips, 'may only hold up to 2 values'));
  return errs;
}

function validateFamilies(spec: ServiceSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.ipFamilyPolicy !== undefined && !ipFamilyPolicies.includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported(path.child('ipFamilyPolicy'), spec.ipFamilyPolicy, ipFamilyPolicies));
  }
  const families = spec.ipFamilies ?? [];
  families.forEach((f, i) => {
    const p = path.child('ipFamilies').index(i);
    if (!ipFamilies.includes(f)) errs.push(notSupported(p, f, ipFamilies));
    else if (families.indexOf(f) !== i) errs.push(duplicate(p, f));
  });
  if (families.length > 2) errs.push(invalid(path.child('ipFamilies'), families, 'may only hold up to 2 values'));
  if (spec.ipFamilyPolicy === 'SingleStack' && families.length > 1) {
    errs.push(invalid(path.child('ipFamilies'), families, 'when ipFamilyPolicy is `SingleStack` at most one IP family is allowed'));
  }
  return errs;
}

export function validateService(svc: Service): FieldError[] {
  const path = FieldPath.root('spec');
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.type === undefined) errs.push(required(path.child('type')));
  else if (!(serviceTypes as readonly string[]).includes(spec.type)) errs.push(notSupported(path.child('type'), spec.type, serviceTypes));
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) errs.push(required(path.child('externalName')));
    else errs.push(...check(path.child('externalName'), spec.externalName.replace(/\.$/, ''), isDNS1123Subdomain));
  }
  errs.push(...validatePorts(spec, path.child('ports')));
  errs.push(...validateClusterIPs(spec, path));
  errs.push(...validateFamilies(spec, path));
  if (spec.type !== 'ExternalName') errs.push(...validateLabels(spec.selector, path.child('selector')));
  if (spec.sessionAffinity !== undefined && !sessionAffinities.includes(spec.sessionAffinity)) {
    errs.push(notSupported(path.child('sessionAffinity'), spec.sessionAffinity, sessionAffinities));
  }
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (timeout !== undefined && (timeout < 1 || timeout > maxSessionAffinityTimeoutSeconds)) {
    errs.push(
      invalid(path.child('sessionAffinityConfig', 'clientIP', 'timeoutSeconds'), timeout, `must be greater than 0 and less than ${maxSessionAffinityTimeoutSeconds}`),
    );
  }
  for (const f of ['externalTrafficPolicy', 'internalTrafficPolicy'] as const) {
    const v = spec[f];
    if (v !== undefined && !trafficPolicies.includes(v)) errs.push(notSupported(path.child(f), v, trafficPolicies));
  }
  if (spec.externalTrafficPolicy && spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') {
    errs.push(invalid(path.child('externalTrafficPolicy'), spec.externalTrafficPolicy, "may only be set when `type` is 'NodePort' or 'LoadBalancer'"));
  }
  (spec.externalIPs ?? []).forEach((ip, i) => errs.push(...check(path.child('externalIPs').index(i), ip, isValidIP)));
  (spec.loadBalancerSourceRanges ?? []).forEach((r, i) => errs.push(...check(path.child('loadBalancerSourceRanges').index(i), r, isValidCIDR)));
  return errs;
}

/** Once allocated, a service's cluster IPs stay for its lifetime (unless it becomes or stops being ExternalName). */
export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const oldSpec = old.spec ?? {};
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName' || !oldSpec.clusterIP) return [];
  if (spec.clusterIP !== oldSpec.clusterIP) {
    return [invalid(FieldPath.root('spec', 'clusterIPs').index(0), spec.clusterIP ?? '', 'may not change once set')];
  }
  return [];
}
