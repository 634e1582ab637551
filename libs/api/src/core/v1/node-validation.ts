import { duplicate, FieldPath, forbidden, invalid, required, type FieldError } from '../../validation/field-errors';
import { check, isQualifiedName, isValidLabelValue } from '../../validation/names';
import { standardNodeResources, validateResourceList } from './container-validation';
import { isValidCIDR } from './network-names';
import type { Node } from './node';

function ipFamily(cidr: string): 4 | 6 {
  return cidr.includes(':') ? 6 : 4;
}

export function validateNode(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  const spec = FieldPath.root('spec');
  const podCIDRs = node.spec?.podCIDRs ?? [];
  podCIDRs.forEach((cidr, i) => errs.push(...check(spec.child('podCIDRs').index(i), cidr, isValidCIDR)));
  if (node.spec?.podCIDR && !podCIDRs.length) errs.push(...check(spec.child('podCIDR'), node.spec.podCIDR, isValidCIDR));
  if (podCIDRs.length > 2) {
    errs.push(invalid(spec.child('podCIDRs'), podCIDRs, 'may specify no more than one CIDR for each IP family'));
  } else if (podCIDRs.length === 2 && ipFamily(podCIDRs[0]) === ipFamily(podCIDRs[1])) {
    errs.push(invalid(spec.child('podCIDRs'), podCIDRs, 'may specify no more than one CIDR for each IP family'));
  }
  if (node.spec?.podCIDR && podCIDRs.length && node.spec.podCIDR !== podCIDRs[0]) {
    errs.push(invalid(spec.child('podCIDR'), node.spec.podCIDR, 'must match the first element of podCIDRs'));
  }
  const seenTaints = new Set<string>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    const p = spec.child('taints').index(i);
    if (!t.key) errs.push(required(p.child('key')));
    else errs.push(...check(p.child('key'), t.key, isQualifiedName));
    if (t.value) errs.push(...check(p.child('value'), t.value, isValidLabelValue));
    const id = `${t.key}:${t.effect}`;
    if (seenTaints.has(id)) errs.push(duplicate(p, `${t.key}:${t.effect}`));
    seenTaints.add(id);
  });
  const status = FieldPath.root('status');
  errs.push(...validateResourceList(node.status?.capacity, status.child('capacity'), standardNodeResources));
  errs.push(...validateResourceList(node.status?.allocatable, status.child('allocatable'), standardNodeResources));
  return errs;
}

/** podCIDRs and providerID are assigned once; after that they are fixed for the node's lifetime. */
export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs: FieldError[] = [];
  const spec = FieldPath.root('spec');
  const oldCIDRs = old.spec?.podCIDRs ?? [];
  const newCIDRs = node.spec?.podCIDRs ?? [];
  if (oldCIDRs.length && (oldCIDRs.length !== newCIDRs.length || oldCIDRs.some((c, i) => c !== newCIDRs[i]))) {
    errs.push(forbidden(spec.child('podCIDRs'), 'node updates may not change podCIDR except from "" to valid'));
  }
  const oldProvider = old.spec?.providerID;
  if (oldProvider && node.spec?.providerID !== oldProvider) {
    errs.push(forbidden(spec.child('providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}
