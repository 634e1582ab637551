import { isIPv4, isIPv6 } from 'node:net';
import { FieldPath, duplicate, invalid, required, type FieldError } from '../../validation/field-errors';
import { check, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, validateLabels } from '../../validation/names';
import { validateImmutableField } from '../../apps/v1/immutable-field';
import type { EndpointSlice, EndpointSliceEndpoint, EndpointSliceHints } from './endpoint-slice';

const maxEndpoints = 1000;
const maxAddresses = 100;
const maxPorts = 20000;
const maxHints = 8;

const tooMany = (path: FieldPath, count: number, max: number) => invalid(path, count, `must have at most ${max} items`);

function isFullyQualifiedDomainName(v: string): string[] {
  const name = v.endsWith('.') ? v.slice(0, -1) : v;
  const errs = isDNS1123Subdomain(name);
  if (errs.length === 0 && name.split('.').length < 2) errs.push('should be a domain with at least two segments separated by dots');
  return errs;
}

function addressProblems(addressType: string, address: string): string[] {
  switch (addressType) {
    case 'IPv4':
      return isIPv4(address) ? [] : ['must be a valid IPv4 address'];
    case 'IPv6':
      return isIPv6(address) ? [] : ['must be a valid IPv6 address'];
    case 'FQDN':
      return isFullyQualifiedDomainName(address);
    default:
      return [];
  }
}

function validateHints(hints: EndpointSliceHints, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const list of ['forZones', 'forNodes'] as const) {
    const entries = hints[list] ?? [];
    const lp = path.child(list);
    if (entries.length > maxHints) errs.push(tooMany(lp, entries.length, maxHints));
    const seen = new Set<string>();
    entries.forEach((h, i) => {
      if (seen.has(h.name)) errs.push(duplicate(lp.index(i), h.name));
      seen.add(h.name);
    });
  }
  return errs;
}

function validateEndpoint(ep: EndpointSliceEndpoint, addressType: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ap = path.child('addresses');
  const addresses = ep.addresses ?? [];
  if (addresses.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
  else if (addresses.length > maxAddresses) errs.push(tooMany(ap, addresses.length, maxAddresses));
  addresses.forEach((a, i) => errs.push(...check(ap.index(i), a, (v) => addressProblems(addressType, v))));
  if (ep.nodeName !== undefined) errs.push(...check(path.child('nodeName'), ep.nodeName, isDNS1123Subdomain));
  if (ep.hostname !== undefined) errs.push(...check(path.child('hostname'), ep.hostname, isDNS1123Label));
  errs.push(...validateLabels(ep.deprecatedTopology, path.child('deprecatedTopology')));
  if (ep.hints) errs.push(...validateHints(ep.hints, path.child('hints')));
  return errs;
}

/** Semantic checks; the address type and protocol enums are enforced by the schema. */
export function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  const errs: FieldError[] = [];
  const endpoints = slice.endpoints ?? [];
  const ep = FieldPath.root('endpoints');
  if (endpoints.length > maxEndpoints) errs.push(tooMany(ep, endpoints.length, maxEndpoints));
  endpoints.forEach((e, i) => errs.push(...validateEndpoint(e, slice.addressType, ep.index(i))));

  const ports = slice.ports ?? [];
  const pp = FieldPath.root('ports');
  if (ports.length > maxPorts) errs.push(tooMany(pp, ports.length, maxPorts));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = pp.index(i);
    const name = port.name ?? '';
    if (name) errs.push(...check(p.child('name'), name, isDNS1123Label));
    if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    names.add(name);
    // The enum itself is the schema's business; defaulting fills TCP, so a missing protocol means none was defaulted.
    if (port.protocol === undefined) errs.push(required(p.child('protocol')));
    if (port.appProtocol !== undefined) errs.push(...check(p.child('appProtocol'), port.appProtocol, isQualifiedName));
  });
  return errs;
}

export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): FieldError[] {
  return validateImmutableField(slice.addressType, old.addressType, FieldPath.root('addressType'));
}
