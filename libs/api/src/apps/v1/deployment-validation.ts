import { FieldPath, forbidden, invalid, required, type FieldError } from '../../validation/field-errors';
import type { Deployment, DeploymentStrategy } from './deployment';
import { validateImmutableField } from './immutable-field';
import { intOrPercentValue, validateIntOrPercent, validateNonNegative, validateNotMoreThan100Percent } from './numeric-validation';
import { validateControllerSelector, validateLongRunningPodTemplate } from './pod-template-validation';

function validateStrategy(strategy: DeploymentStrategy | undefined, path: FieldPath): FieldError[] {
  if (!strategy) return [];
  const errs: FieldError[] = [];
  const ru = strategy.rollingUpdate;
  if (strategy.type === 'Recreate' && ru) {
    errs.push(forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  }
  if (strategy.type === 'RollingUpdate') {
    if (!ru) return [...errs, required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
    const rp = path.child('rollingUpdate');
    errs.push(
      ...validateIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')),
      ...validateIntOrPercent(ru.maxSurge, rp.child('maxSurge')),
      ...validateNotMoreThan100Percent(ru.maxUnavailable, rp.child('maxUnavailable')),
    );
    // With neither surge nor unavailability allowed, a rollout could never make progress.
    if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
      errs.push(invalid(rp.child('maxUnavailable'), ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  return errs;
}

export function validateDeployment(d: Deployment): FieldError[] {
  const spec = d.spec;
  const p = FieldPath.root('spec');
  if (!spec) return [required(p)];
  const errs = [
    ...validateNonNegative(spec.replicas, p.child('replicas')),
    ...validateControllerSelector(spec.selector, p.child('selector'), 'deployment'),
    // A Deployment's pods belong to its ReplicaSets, hence Kubernetes' wording.
    ...validateLongRunningPodTemplate(spec.template, spec.selector, p.child('template'), 'ReplicaSet'),
    ...validateStrategy(spec.strategy, p.child('strategy')),
    ...validateNonNegative(spec.minReadySeconds, p.child('minReadySeconds')),
    ...validateNonNegative(spec.revisionHistoryLimit, p.child('revisionHistoryLimit')),
    ...validateNonNegative(spec.progressDeadlineSeconds, p.child('progressDeadlineSeconds')),
  ];
  if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
    errs.push(invalid(p.child('progressDeadlineSeconds'), spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  return validateImmutableField(d.spec?.selector, old.spec?.selector, FieldPath.root('spec', 'selector'));
}
