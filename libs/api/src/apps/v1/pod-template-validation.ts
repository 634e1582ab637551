import type { PodTemplateSpec } from '../../core/v1/pod';
import { validatePodSpec } from '../../core/v1/pod-validation';
import type { LabelSelector } from '../../meta/label-selector-schema';
import { forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../../validation/field-errors';
import { validateAnnotations, validateLabels } from '../../validation/names';
import { labelSelectorFromObject } from '../../selectors';
import { isEmptyLabelSelector, validateLabelSelector } from '../../validation/label-selector';

/**
 * A controller's selector: present, valid and not empty (an empty selector would adopt every pod in the
 * namespace). `kindWord` completes Kubernetes' message, "empty selector is invalid for deployment".
 */
export function validateControllerSelector(selector: LabelSelector | undefined, path: FieldPath, kindWord: string): FieldError[] {
  if (!selector) return [required(path)];
  const errs = validateLabelSelector(selector, path);
  if (isEmptyLabelSelector(selector)) errs.push(invalid(path, selector, `empty selector is invalid for ${kindWord}`));
  return errs;
}

/** The pods a controller stamps out must be selected by it, or it would create them forever. */
export function validateSelectorMatchesTemplate(selector: LabelSelector | undefined, template: PodTemplateSpec, path: FieldPath): FieldError[] {
  if (!selector || isEmptyLabelSelector(selector)) return [];
  const labels = template.metadata?.labels;
  return selectorSelects(selector, labels) ? [] : [invalid(path.child('metadata', 'labels'), labels ?? {}, '`selector` does not match template `labels`')];
}

/** A pod template's own metadata and spec, at `<path>.metadata` and `<path>.spec`. */
export function validatePodTemplate(template: PodTemplateSpec | undefined, path: FieldPath): FieldError[] {
  if (!template) return [required(path)];
  const errs = [
    ...validateLabels(template.metadata?.labels, path.child('metadata', 'labels')),
    ...validateAnnotations(template.metadata?.annotations, path.child('metadata', 'annotations')),
  ];
  if (!template.spec) errs.push(required(path.child('spec')));
  else errs.push(...validatePodSpec(template.spec, path.child('spec')));
  return errs;
}

/**
 * The template of a controller that keeps pods running (Deployment, ReplicaSet, DaemonSet, StatefulSet):
 * selected by the controller, restartPolicy Always, and no activeDeadlineSeconds (a deadline would kill
 * pods the controller must keep). `podOwner` names the kind that owns the pods, as Kubernetes' message does.
 */
export function validateLongRunningPodTemplate(
  template: PodTemplateSpec | undefined,
  selector: LabelSelector | undefined,
  path: FieldPath,
  podOwner: 'ReplicaSet' | 'DaemonSet' | 'StatefulSet',
): FieldError[] {
  if (!template) return [required(path)];
  const errs = [...validateSelectorMatchesTemplate(selector, template, path), ...validatePodTemplate(template, path)];
  const spec = template.spec;
  if (spec?.restartPolicy !== undefined && spec.restartPolicy !== 'Always') {
    errs.push(notSupported(path.child('spec', 'restartPolicy'), spec.restartPolicy, ['Always']));
  }
  if (spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden(path.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${podOwner} is not Supported`));
  }
  return errs;
}

/** Whether a selector selects a set of labels; a selector that cannot be parsed selects nothing (validation reports it). */
function selectorSelects(selector: Parameters<typeof labelSelectorFromObject>[0], labels: Record<string, string> | undefined): boolean {
  try {
    return labelSelectorFromObject(selector).matches(labels ?? {});
  } catch {
    return false;
  }
}
