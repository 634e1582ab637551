import { Int, List, Opt, Str, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { duplicate, FieldPath, invalid, notSupported, required, type FieldError } from '../../validation/field-errors';
import { check, isDNS1123Label, isDNS1123Subdomain, isPortNumber } from '../../validation/names';
import { protocols } from './container';
import { isValidIP, portRangeMessage } from './network-names';
import { ObjectReferenceSchema } from './object-reference';

export const EndpointAddressSchema = Struct({
  ip: Str(),
  hostname: Opt(Str()),
  nodeName: Opt(Str()),
  targetRef: Opt(ObjectReferenceSchema),
});
export type EndpointAddress = Static<typeof EndpointAddressSchema>;

export const EndpointPortSchema = Struct({
  name: Opt(Str()),
  port: Int(),
  protocol: Opt(Str()),
  appProtocol: Opt(Str()),
});
export type EndpointPort = Static<typeof EndpointPortSchema>;

export const EndpointSubsetSchema = Struct({
  addresses: Opt(List(EndpointAddressSchema)),
  notReadyAddresses: Opt(List(EndpointAddressSchema)),
  ports: Opt(List(EndpointPortSchema)),
});
export type EndpointSubset = Static<typeof EndpointSubsetSchema>;

export const EndpointsSchema = Struct({
  ...kindHeader(),
  subsets: Opt(List(EndpointSubsetSchema)),
});
export type Endpoints = Static<typeof EndpointsSchema>;

function validateAddress(a: EndpointAddress, path: FieldPath): FieldError[] {
  const errs = check(path.child('ip'), a.ip, isValidIP);
  if (!errs.length && (/^127\./.test(a.ip) || a.ip === '::1')) {
    errs.push(invalid(path.child('ip'), a.ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  }
  if (!errs.length && (/^169\.254\./.test(a.ip) || /^fe80:/i.test(a.ip))) {
    errs.push(invalid(path.child('ip'), a.ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  }
  if (a.hostname) errs.push(...check(path.child('hostname'), a.hostname, isDNS1123Label));
  if (a.nodeName) errs.push(...check(path.child('nodeName'), a.nodeName, isDNS1123Subdomain));
  return errs;
}

function validateSubset(s: EndpointSubset, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (s.addresses ?? []).forEach((a, i) => errs.push(...validateAddress(a, path.child('addresses').index(i))));
  (s.notReadyAddresses ?? []).forEach((a, i) => errs.push(...validateAddress(a, path.child('notReadyAddresses').index(i))));
  const ports = s.ports ?? [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = path.child('ports').index(i);
    if (ports.length > 1 && !port.name) errs.push(required(p.child('name')));
    else if (port.name) errs.push(...check(p.child('name'), port.name, isDNS1123Label));
    if (port.name && names.has(port.name)) errs.push(duplicate(p.child('name'), port.name));
    if (port.name) names.add(port.name);
    if (!isPortNumber(port.port)) errs.push(invalid(p.child('port'), port.port, portRangeMessage));
    if (!port.protocol) errs.push(required(p.child('protocol')));
    else if (!(protocols as readonly string[]).includes(port.protocol)) errs.push(notSupported(p.child('protocol'), port.protocol, protocols));
  });
  return errs;
}

export const endpoints = defineResource<Endpoints>({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  resource: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  schema: EndpointsSchema,
  applyDefaults(ep) {
    for (const s of ep.subsets ?? []) for (const port of s.ports ?? []) port.protocol ??= 'TCP';
  },
  validate(ep) {
    const errs: FieldError[] = [];
    (ep.subsets ?? []).forEach((s, i) => errs.push(...validateSubset(s, FieldPath.root('subsets').index(i))));
    return errs;
  },
});
