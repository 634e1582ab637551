import type { LabelSelector } from '../../meta/label-selector-schema';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../../validation/field-errors';
import { validateLabelSelector } from '../../validation/label-selector';
import { check, isDNS1123Label, isQualifiedName, isValidLabelValue, validateLabels } from '../../validation/names';
import type { Affinity, NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm, Toleration, TopologySpreadConstraint } from './affinity';

/** Validation of a pod's placement rules: affinity, tolerations, topology spread constraints. */

function validateWeight(weight: number, path: FieldPath): FieldError[] {
  return weight < 1 || weight > 100 ? [invalid(path, weight, 'must be in the range 1-100')] : [];
}

function validateNodeSelectorRequirement(r: NodeSelectorRequirement, path: FieldPath, isField: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      else if (!/^-?\d+$/.test(values[0])) errs.push(invalid(path.child('values').index(0), values[0], 'must be an integer'));
      break;
    default:
      errs.push(notSupported(path.child('operator'), r.operator, ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn']));
  }
  if (isField) {
    // Only metadata.name can be matched as a node field.
    if (r.key !== 'metadata.name') errs.push(notSupported(path.child('key'), r.key, ['metadata.name']));
  } else {
    errs.push(...check(path.child('key'), r.key, isQualifiedName));
  }
  return errs;
}

function validateNodeSelectorTerm(t: NodeSelectorTerm, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (t.matchExpressions ?? []).forEach((r, i) => errs.push(...validateNodeSelectorRequirement(r, path.child('matchExpressions').index(i), false)));
  (t.matchFields ?? []).forEach((r, i) => errs.push(...validateNodeSelectorRequirement(r, path.child('matchFields').index(i), true)));
  return errs;
}

function validatePodAffinityTerm(t: PodAffinityTerm, path: FieldPath): FieldError[] {
  const errs = validateLabelSelector(t.labelSelector, path.child('labelSelector'));
  errs.push(...validateLabelSelector(t.namespaceSelector, path.child('namespaceSelector')));
  (t.namespaces ?? []).forEach((ns) => errs.push(...check(path.child('namespaces'), ns, isDNS1123Label)));
  if (!t.topologyKey) errs.push(required(path.child('topologyKey'), 'can not be empty'));
  else errs.push(...check(path.child('topologyKey'), t.topologyKey, isQualifiedName));
  return errs;
}

function validatePodAffinity(a: NonNullable<Affinity['podAffinity']> | undefined, path: FieldPath): FieldError[] {
  if (!a) return [];
  const errs: FieldError[] = [];
  (a.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) =>
    errs.push(...validatePodAffinityTerm(t, path.child('requiredDuringSchedulingIgnoredDuringExecution').index(i))),
  );
  (a.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((w, i) => {
    const p = path.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
    errs.push(...validateWeight(w.weight, p.child('weight')), ...validatePodAffinityTerm(w.podAffinityTerm, p.child('podAffinityTerm')));
  });
  return errs;
}

export function validateAffinity(a: Affinity | undefined, path: FieldPath): FieldError[] {
  if (!a) return [];
  const errs: FieldError[] = [];
  const na = a.nodeAffinity;
  if (na?.requiredDuringSchedulingIgnoredDuringExecution) {
    const p = path.child('nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
    const terms = na.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    if (terms.length === 0) errs.push(required(p, 'must have at least one node selector term'));
    terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, p.index(i))));
  }
  (na?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((pref, i) => {
    const p = path.child('nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution').index(i);
    errs.push(...validateWeight(pref.weight, p.child('weight')), ...validateNodeSelectorTerm(pref.preference, p.child('preference')));
  });
  errs.push(...validatePodAffinity(a.podAffinity, path.child('podAffinity')));
  errs.push(...validatePodAffinity(a.podAntiAffinity, path.child('podAntiAffinity')));
  return errs;
}

export function validateTolerations(tolerations: Toleration[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = path.index(i);
    if (t.key) errs.push(...check(p.child('key'), t.key, isQualifiedName));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalid(p.child('operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalid(p.child('effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (t.operator === 'Exists' && t.value) errs.push(invalid(p.child('operator'), t.value, 'value must be empty when `operator` is \'Exists\''));
    else if (t.value) errs.push(...check(p.child('value'), t.value, isValidLabelValue));
  });
  return errs;
}

export function validateTopologySpreadConstraints(constraints: TopologySpreadConstraint[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (constraints ?? []).forEach((c, i) => {
    const p = path.index(i);
    if (c.maxSkew <= 0) errs.push(invalid(p.child('maxSkew'), c.maxSkew, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(required(p.child('topologyKey'), 'can not be empty'));
    else errs.push(...check(p.child('topologyKey'), c.topologyKey, isQualifiedName));
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0) errs.push(invalid(p.child('minDomains'), c.minDomains, 'must be greater than zero'));
      else if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(invalid(p.child('minDomains'), c.minDomains, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway'));
      }
    }
    const pair = `${c.topologyKey}/${c.whenUnsatisfiable}`;
    if (seen.has(pair)) errs.push(duplicate(p, `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    seen.add(pair);
    errs.push(...validateLabelSelector(c.labelSelector, p.child('labelSelector')));
  });
  return errs;
}
