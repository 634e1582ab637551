import { FieldPath, forbidden, invalid, required, type FieldError } from '../../validation/field-errors';
import { jsonEqual } from './immutable-field';
import { intOrPercentValue, validateIntOrPercent, validateNonNegative, validateNotMoreThan100Percent } from './numeric-validation';
import { validatePersistentVolumeClaimTemplate } from './persistent-volume-claim-template';
import { validateControllerSelector, validateLongRunningPodTemplate } from './pod-template-validation';
import type { PodTemplateSpec } from '../../core/v1/pod';
import type { PersistentVolumeClaimTemplate } from './persistent-volume-claim-template';
import type { StatefulSet, StatefulSetUpdateStrategy } from './stateful-set';

/**
 * Containers mount claim templates by name and the controller adds each claim as a pod volume, so the
 * template is validated as the pods will be: with those volumes appended (the template's own win on a clash).
 */
function withClaimVolumes(template: PodTemplateSpec | undefined, claims: PersistentVolumeClaimTemplate[]): PodTemplateSpec | undefined {
  if (!template?.spec || claims.length === 0) return template;
  const own = new Set((template.spec.volumes ?? []).map((v) => v.name));
  const added = claims
    .map((c) => c.metadata?.name)
    .filter((name): name is string => !!name && !own.has(name))
    .map((name) => ({ name, persistentVolumeClaim: { claimName: name } }));
  return { ...template, spec: { ...template.spec, volumes: [...(template.spec.volumes ?? []), ...added] } };
}

function validateUpdateStrategy(strategy: StatefulSetUpdateStrategy | undefined, path: FieldPath): FieldError[] {
  if (!strategy) return [];
  const ru = strategy.rollingUpdate;
  const rp = path.child('rollingUpdate');
  if (strategy.type === 'OnDelete' && ru) {
    return [invalid(rp, ru, "only allowed for updateStrategy 'RollingUpdate'")];
  }
  if (!ru) return [];
  const errs = validateNonNegative(ru.partition, rp.child('partition'));
  if (ru.maxUnavailable !== undefined) {
    const mp = rp.child('maxUnavailable');
    errs.push(...validateIntOrPercent(ru.maxUnavailable, mp), ...validateNotMoreThan100Percent(ru.maxUnavailable, mp));
    if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalid(mp, ru.maxUnavailable, 'must be greater than 0'));
  }
  return errs;
}

export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  const spec = sts.spec;
  const p = FieldPath.root('spec');
  if (!spec) return [required(p)];
  const errs = [
    ...validateNonNegative(spec.replicas, p.child('replicas')),
    ...validateNonNegative(spec.minReadySeconds, p.child('minReadySeconds')),
    ...validateNonNegative(spec.revisionHistoryLimit, p.child('revisionHistoryLimit')),
    ...validateNonNegative(spec.ordinals?.start, p.child('ordinals', 'start')),
    ...validateUpdateStrategy(spec.updateStrategy, p.child('updateStrategy')),
    ...validateControllerSelector(spec.selector, p.child('selector'), 'statefulset'),
    ...validateLongRunningPodTemplate(withClaimVolumes(spec.template, spec.volumeClaimTemplates ?? []), spec.selector, p.child('template'), 'StatefulSet'),
  ];
  (spec.volumeClaimTemplates ?? []).forEach((t, i) => errs.push(...validatePersistentVolumeClaimTemplate(t, p.child('volumeClaimTemplates').index(i))));
  return errs;
}

/** The spec fields a StatefulSet may change after creation; identity, storage and ordering stay fixed. */
const mutableSpecFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  const frozen = (s: StatefulSet) => Object.fromEntries(Object.entries(s.spec ?? {}).filter(([k]) => !mutableSpecFields.includes(k)));
  if (jsonEqual(frozen(sts), frozen(old))) return [];
  return [
    forbidden(
      FieldPath.root('spec'),
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}
