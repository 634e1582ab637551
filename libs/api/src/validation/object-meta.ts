import type { ObjectMeta } from '../meta/object-meta';
import type { NameRule } from '../scheme/resource-type';
import { FieldPath, forbidden, invalid, required, type FieldError } from './field-errors';
import { check, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isPathSegmentName, validateAnnotations, validateLabels } from './names';

function nameChecker(rule: NameRule): (v: string) => string[] {
  switch (rule) {
    case 'dns1123-label':
      return isDNS1123Label;
    case 'dns1035-label':
      return isDNS1035Label;
    case 'path-segment':
      return isPathSegmentName;
    default:
      return isDNS1123Subdomain;
  }
}

/** ObjectMeta checks shared by every kind (name rule, namespace presence, labels, annotations, owners). */
export function validateObjectMeta(meta: ObjectMeta | undefined, namespaced: boolean, rule: NameRule): FieldError[] {
  const p = FieldPath.root('metadata');
  if (!meta) return [required(p)];
  const errs: FieldError[] = [];
  if (!meta.name) {
    errs.push(required(p.child('name'), 'name or generateName is required'));
  } else {
    errs.push(...check(p.child('name'), meta.name, nameChecker(rule)));
  }
  if (namespaced) {
    if (!meta.namespace) errs.push(required(p.child('namespace')));
    else errs.push(...check(p.child('namespace'), meta.namespace, isDNS1123Label));
  } else if (meta.namespace) {
    errs.push(forbidden(p.child('namespace'), 'not allowed on this type'));
  }
  errs.push(...validateLabels(meta.labels, p.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, p.child('annotations')));
  (meta.ownerReferences ?? []).forEach((o, i) => {
    const op = p.child('ownerReferences').index(i);
    if (!o.apiVersion) errs.push(invalid(op.child('apiVersion'), o.apiVersion, 'version must not be empty'));
    if (!o.kind) errs.push(invalid(op.child('kind'), o.kind, 'kind must not be empty'));
    if (!o.name) errs.push(invalid(op.child('name'), o.name, 'name must not be empty'));
    if (!o.uid) errs.push(invalid(op.child('uid'), o.uid, 'uid must not be empty'));
  });
  if ((meta.ownerReferences ?? []).filter((o) => o.controller).length > 1) {
    errs.push(invalid(p.child('ownerReferences'), meta.ownerReferences, 'Only one reference can have Controller set to true'));
  }
  return errs;
}

/** Fields of ObjectMeta that never change after create. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const p = FieldPath.root('metadata');
  const errs: FieldError[] = [];
  const immutable = ['name', 'namespace', 'uid', 'creationTimestamp'] as const;
  for (const f of immutable) {
    if (meta[f] !== undefined && meta[f] !== old[f]) errs.push(invalid(p.child(f), meta[f], 'field is immutable'));
  }
  return errs;
}
