import { FieldPath, invalid, required, type FieldError } from '../../validation/field-errors';
import type { DaemonSet, DaemonSetUpdateStrategy } from './daemon-set';
import { validateImmutableField } from './immutable-field';
import { intOrPercentValue, validateIntOrPercent, validateNonNegative, validateNotMoreThan100Percent } from './numeric-validation';
import { validateControllerSelector, validateLongRunningPodTemplate } from './pod-template-validation';

function validateUpdateStrategy(strategy: DaemonSetUpdateStrategy | undefined, path: FieldPath): FieldError[] {
  if (strategy?.type !== 'RollingUpdate') return [];
  const ru = strategy.rollingUpdate;
  const rp = path.child('rollingUpdate');
  if (!ru) return [required(rp)];
  const errs: FieldError[] = [];
  for (const f of ['maxUnavailable', 'maxSurge'] as const) {
    errs.push(...validateIntOrPercent(ru[f], rp.child(f)), ...validateNotMoreThan100Percent(ru[f], rp.child(f)));
  }
  // A node runs one daemon pod at a time unless surging, so exactly one of the two may be non-zero.
  const unavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const surge = intOrPercentValue(ru.maxSurge) !== 0;
  if (unavailable && surge) errs.push(invalid(rp.child('maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
  if (!unavailable && !surge) errs.push(required(rp.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
  return errs;
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const spec = ds.spec;
  const p = FieldPath.root('spec');
  if (!spec) return [required(p)];
  return [
    ...validateControllerSelector(spec.selector, p.child('selector'), 'daemonset'),
    ...validateLongRunningPodTemplate(spec.template, spec.selector, p.child('template'), 'DaemonSet'),
    ...validateNonNegative(spec.minReadySeconds, p.child('minReadySeconds')),
    ...validateUpdateStrategy(spec.updateStrategy, p.child('updateStrategy')),
    ...validateNonNegative(spec.revisionHistoryLimit, p.child('revisionHistoryLimit')),
  ];
}

export function validateDaemonSetUpdate(ds: DaemonSet, old: DaemonSet): FieldError[] {
  return validateImmutableField(ds.spec?.selector, old.spec?.selector, FieldPath.root('spec', 'selector'));
}
