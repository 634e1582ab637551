import type { PodTemplateSpec } from '../../core/v1/pod';
import { FieldPath, duplicate, forbidden, invalid, notSupported, required, type FieldError } from '../../validation/field-errors';
import { check, isQualifiedName } from '../../validation/names';
import { jsonEqual, validateImmutableField } from '../../apps/v1/immutable-field';
import { validateLabelSelector } from '../../validation/label-selector';
import { validateNonNegative } from '../../apps/v1/numeric-validation';
import { validatePodTemplate, validateSelectorMatchesTemplate } from '../../apps/v1/pod-template-validation';
import type { Job, JobSpec, PodFailurePolicy, PodFailurePolicyRule, SuccessPolicy } from './job';
import { controllerUidLabel, legacyControllerUidLabel } from './job-defaults';

const maxPodFailurePolicyRules = 20;
const maxExitCodeValues = 255;
const maxSuccessPolicyRules = 20;
const maxIndexedCompletions = 100_000;

const tooMany = (path: FieldPath, count: number, max: number) => invalid(path, count, `must have at most ${max} items`);

function containerNames(template: PodTemplateSpec | undefined): Set<string> {
  const spec = template?.spec;
  return new Set([...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].map((c) => c.name));
}

function validateRule(rule: PodFailurePolicyRule, path: FieldPath, spec: JobSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (rule.action === 'FailIndex' && spec.backoffLimitPerIndex === undefined) {
    errs.push(invalid(path.child('action'), rule.action, 'requires the backoffLimitPerIndex to be set'));
  }
  const hasExitCodes = rule.onExitCodes !== undefined;
  const hasConditions = rule.onPodConditions !== undefined;
  if (hasExitCodes && hasConditions) errs.push(invalid(path, rule, 'specifying both OnExitCodes and OnPodConditions is not supported'));
  if (!hasExitCodes && !hasConditions) errs.push(invalid(path, rule, 'specifying one of OnExitCodes and OnPodConditions is required'));

  if (rule.onExitCodes) {
    const ep = path.child('onExitCodes');
    const { containerName, operator, values } = rule.onExitCodes;
    if (containerName !== undefined && !containerNames(spec.template).has(containerName)) {
      errs.push(invalid(ep.child('containerName'), containerName, 'must be one of the container or initContainer names in the pod template'));
    }
    const vp = ep.child('values');
    if (!values?.length) errs.push(required(vp, 'at least one value is required'));
    else if (values.length > maxExitCodeValues) errs.push(tooMany(vp, values.length, maxExitCodeValues));
    (values ?? []).forEach((v, i) => {
      if (operator === 'In' && v === 0) errs.push(invalid(vp.index(i), v, 'must not be 0 for the In operator'));
      if (i > 0 && v === values[i - 1]) errs.push(duplicate(vp.index(i), v));
      else if (i > 0 && v < values[i - 1]) errs.push(invalid(vp.index(i), v, 'must be ordered'));
    });
  }
  (rule.onPodConditions ?? []).forEach((pattern, i) => {
    const cp = path.child('onPodConditions').index(i);
    errs.push(...check(cp.child('type'), pattern.type, isQualifiedName));
    if (pattern.status !== undefined && !['True', 'False', 'Unknown'].includes(pattern.status)) {
      errs.push(notSupported(cp.child('status'), pattern.status, ['True', 'False', 'Unknown']));
    }
  });
  return errs;
}

function validatePodFailurePolicy(policy: PodFailurePolicy, path: FieldPath, spec: JobSpec): FieldError[] {
  const rules = policy.rules ?? [];
  const rp = path.child('rules');
  const errs = rules.length > maxPodFailurePolicyRules ? [tooMany(rp, rules.length, maxPodFailurePolicyRules)] : [];
  rules.forEach((rule, i) => errs.push(...validateRule(rule, rp.index(i), spec)));
  return errs;
}

/** Checks `0-2,5,7-9`: ascending, non-overlapping intervals of indexes below `completions`. */
function indexIntervalsProblem(text: string, completions: number | undefined): string | undefined {
  let previousEnd = -1;
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return `error parsing succeededIndexes: cannot convert "${part}" to an interval`;
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    if (end < start) return `error parsing succeededIndexes: the first index must be less than or equal to the last index in "${part}"`;
    if (start <= previousEnd) return 'error parsing succeededIndexes: the intervals must be sorted and non-overlapping';
    if (completions !== undefined && end >= completions) return `must be less than completions: ${completions}`;
    previousEnd = end;
  }
  return undefined;
}

function validateSuccessPolicy(policy: SuccessPolicy, path: FieldPath, spec: JobSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.completionMode !== 'Indexed') errs.push(invalid(path, policy, 'requires indexed completion mode'));
  const rules = policy.rules ?? [];
  const rp = path.child('rules');
  if (rules.length === 0) errs.push(required(rp, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > maxSuccessPolicyRules) errs.push(tooMany(rp, rules.length, maxSuccessPolicyRules));
  rules.forEach((rule, i) => {
    const p = rp.index(i);
    if (rule.succeededIndexes === undefined && rule.succeededCount === undefined) {
      errs.push(required(p, 'at least one of succeededCount or succeededIndexes must be specified'));
    }
    if (rule.succeededIndexes !== undefined) {
      const problem = indexIntervalsProblem(rule.succeededIndexes, spec.completions);
      if (problem) errs.push(invalid(p.child('succeededIndexes'), rule.succeededIndexes, problem));
    }
    if (rule.succeededCount !== undefined) {
      errs.push(...validateNonNegative(rule.succeededCount, p.child('succeededCount')));
      if (spec.completions !== undefined && rule.succeededCount > spec.completions) {
        errs.push(invalid(p.child('succeededCount'), rule.succeededCount, `must be less than or equal to ${spec.completions} (the number of specified completions)`));
      }
    }
  });
  return errs;
}

/** A Job's pod template: valid, and restarting only OnFailure or Never (a Job's pods are meant to finish). */
function validateJobPodTemplate(spec: JobSpec, path: FieldPath): FieldError[] {
  const errs = validatePodTemplate(spec.template, path);
  const restartPolicy = spec.template?.spec?.restartPolicy;
  const rp = path.child('spec', 'restartPolicy');
  if (restartPolicy !== undefined && restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(notSupported(rp, restartPolicy, ['OnFailure', 'Never']));
  } else if (spec.podFailurePolicy && restartPolicy === 'OnFailure') {
    errs.push(invalid(rp, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

/** JobSpec rules shared by Jobs and CronJob job templates; the selector is the Job's own business. */
export function validateJobSpec(spec: JobSpec, path: FieldPath): FieldError[] {
  const errs = [
    ...validateNonNegative(spec.parallelism, path.child('parallelism')),
    ...validateNonNegative(spec.completions, path.child('completions')),
    ...validateNonNegative(spec.activeDeadlineSeconds, path.child('activeDeadlineSeconds')),
    ...validateNonNegative(spec.backoffLimit, path.child('backoffLimit')),
    ...validateNonNegative(spec.ttlSecondsAfterFinished, path.child('ttlSecondsAfterFinished')),
    ...validateNonNegative(spec.backoffLimitPerIndex, path.child('backoffLimitPerIndex')),
    ...validateNonNegative(spec.maxFailedIndexes, path.child('maxFailedIndexes')),
  ];
  const indexed = spec.completionMode === 'Indexed';
  if (spec.backoffLimitPerIndex !== undefined && !indexed) {
    errs.push(forbidden(path.child('backoffLimitPerIndex'), 'requires indexed completion mode'));
  }
  if (spec.maxFailedIndexes !== undefined) {
    if (spec.backoffLimitPerIndex === undefined) errs.push(required(path.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
    if (spec.completions !== undefined && spec.maxFailedIndexes > spec.completions) {
      errs.push(invalid(path.child('maxFailedIndexes'), spec.maxFailedIndexes, 'must be less than or equal to completions'));
    }
  }
  if (indexed) {
    if (spec.completions === undefined) errs.push(required(path.child('completions'), 'when completion mode is Indexed'));
    for (const f of ['completions', 'parallelism'] as const) {
      const v = spec[f];
      if (v !== undefined && v > maxIndexedCompletions) {
        errs.push(invalid(path.child(f), v, `must be less than or equal to ${maxIndexedCompletions} when completion mode is Indexed`));
      }
    }
  }
  if (spec.podFailurePolicy) errs.push(...validatePodFailurePolicy(spec.podFailurePolicy, path.child('podFailurePolicy'), spec));
  if (spec.successPolicy) errs.push(...validateSuccessPolicy(spec.successPolicy, path.child('successPolicy'), spec));
  if (spec.podFailurePolicy && spec.podReplacementPolicy !== undefined && spec.podReplacementPolicy !== 'Failed') {
    errs.push(notSupported(path.child('podReplacementPolicy'), spec.podReplacementPolicy, ['Failed']));
  }
  errs.push(...validateJobPodTemplate(spec, path.child('template')));
  return errs;
}

/** Unless the user manages the selector, it and the template labels must carry the Job's own uid. */
function validateGeneratedSelector(job: Job): FieldError[] {
  const uid = job.metadata.uid;
  const spec = job.spec;
  if (!uid || spec.manualSelector === true) return [];
  const errs: FieldError[] = [];
  const labels = spec.template?.metadata?.labels ?? {};
  const lp = FieldPath.root('spec', 'template', 'metadata', 'labels');
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) {
    if (labels[key] !== uid) errs.push(invalid(lp.key(key), labels[key] ?? '', `must be '${uid}'`));
  }
  const selected = spec.selector?.matchLabels?.[controllerUidLabel];
  if (spec.selector && selected !== uid) {
    errs.push(invalid(FieldPath.root('spec', 'selector', 'matchLabels').key(controllerUidLabel), selected ?? '', `must be '${uid}'`));
  }
  return errs;
}

export function validateJob(job: Job): FieldError[] {
  const spec = job.spec;
  const p = FieldPath.root('spec');
  if (!spec) return [required(p)];
  const errs = validateJobSpec(spec, p);
  if (!spec.selector) errs.push(required(p.child('selector')));
  else {
    errs.push(...validateLabelSelector(spec.selector, p.child('selector')));
    if (spec.template) errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, p.child('template')));
  }
  errs.push(...validateGeneratedSelector(job));
  return errs;
}

/** Template fields a suspended Job that never started may still change, so queueing systems can place it. */
const schedulingDirectives = ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates'] as const;

function withoutSchedulingDirectives(template: PodTemplateSpec | undefined): unknown {
  if (!template) return template;
  const spec: Record<string, unknown> = { ...template.spec };
  for (const f of schedulingDirectives) delete spec[f];
  const { labels: _labels, annotations: _annotations, ...metadata } = template.metadata ?? {};
  return { metadata, spec };
}

export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  const p = FieldPath.root('spec');
  const spec = job.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec) return [];
  const errs = [
    ...validateImmutableField(spec.selector, oldSpec.selector, p.child('selector')),
    ...validateImmutableField(spec.manualSelector, oldSpec.manualSelector, p.child('manualSelector')),
    ...validateImmutableField(spec.completionMode, oldSpec.completionMode, p.child('completionMode')),
    ...validateImmutableField(spec.podFailurePolicy, oldSpec.podFailurePolicy, p.child('podFailurePolicy')),
    ...validateImmutableField(spec.successPolicy, oldSpec.successPolicy, p.child('successPolicy')),
    ...validateImmutableField(spec.backoffLimitPerIndex, oldSpec.backoffLimitPerIndex, p.child('backoffLimitPerIndex')),
    ...validateImmutableField(spec.managedBy, oldSpec.managedBy, p.child('managedBy')),
  ];
  // Indexed Jobs are elastic: completions may follow parallelism when the two move together.
  const elastic = spec.completionMode === 'Indexed' && spec.completions === spec.parallelism;
  if (!elastic) errs.push(...validateImmutableField(spec.completions, oldSpec.completions, p.child('completions')));
  const mayReschedule = oldSpec.suspend === true && !old.status?.startTime;
  const templateChanged = mayReschedule
    ? !jsonEqual(withoutSchedulingDirectives(spec.template), withoutSchedulingDirectives(oldSpec.template))
    : !jsonEqual(spec.template, oldSpec.template);
  if (templateChanged) errs.push(invalid(p.child('template'), spec.template, 'field is immutable'));
  return errs;
}
